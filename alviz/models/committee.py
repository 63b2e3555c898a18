"""A heterogeneous committee: different model families vote, for query-by-committee.

Query-by-committee (Seung, Opper & Sompolinsky 1992) queries where the members
of a committee disagree. Bootstrap refits of one model disagree only as much
as resampling moves that model; members of different families (a linear
model, a forest, a kernel machine, nearest neighbours) have different
inductive biases, so they also disagree far from the data, where each
extrapolates its own way (Melville & Mooney 2004, "Diverse ensembles for
active learning"; Settles 2009, §3.2).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from ._base import UncertainClassifier, _expand

__all__ = ["CommitteeClassifier"]

DEFAULT_MEMBERS = ("logreg", "rf", "svm", "knn")


class CommitteeClassifier(UncertainClassifier):
    """Members of different model families, each fitted on all the labels.

    ``predict_proba`` is the members' mean (the consensus); ``sample_proba``
    returns each member's probabilities as one draw, so the disagreement
    measures (``vote_entropy``, ``kl_disagreement``, ``bald``) compare the members.

    Parameters
    ----------
    members : sequence of str or classifier
        Each a registered classification model name (``alviz.models.names``,
        built with this committee's ``seed``) or a scikit-learn classifier with
        ``predict_proba`` (cloned, never modified). At least two.
    seed : int or None
        Seed passed to the named members.

    Attributes
    ----------
    members_ : list of fitted classifiers
        In the order of ``members``.

    Notes
    -----
    Draw ``t`` of :meth:`sample_proba` is member ``t mod n_members``: with
    ``n_draws`` a multiple of the committee size (the Session's default 20 and
    the default 4 members) every member weighs the same and the draw-based
    scores equal those of :meth:`member_proba`.
    """

    def __init__(self, members=DEFAULT_MEMBERS, seed=0):
        self.members = members
        self.seed = seed
        self._validate_params()

    def _validate_params(self) -> None:
        # Checked when built and in set_params (ValidatedEstimator), like every alviz model.
        super()._validate_params()
        self._member_list()

    def _member_list(self) -> list:
        from ._registry import names

        members = [self.members] if isinstance(self.members, str) else list(self.members)
        if len(members) < 2:
            raise ValueError(
                f"members must list at least 2 models for a committee to disagree; got "
                f"{self.members!r}. E.g. members=('logreg', 'rf', 'svm', 'knn')."
            )
        for m in members:
            if isinstance(m, str):
                if m not in names("classification"):
                    raise ValueError(
                        f"members holds {m!r}, which is not a registered classifier; available: "
                        f"{', '.join(names('classification'))}, or pass a scikit-learn classifier."
                    )
            elif not (hasattr(m, "fit") and hasattr(m, "predict_proba")):
                raise TypeError(
                    f"members must hold model names or classifiers with fit and predict_proba; "
                    f"got {type(m).__name__}."
                )
        return members

    def _new_members(self) -> list:
        from ._registry import make

        return [
            make(m, seed=self.seed) if isinstance(m, str) else clone(m) for m in self._member_list()
        ]

    def _fit(self, X, y, classes):
        members = self._new_members()
        self.members_ = [m.fit(X, y) for m in members]

    def _member_stack(self, X) -> np.ndarray:
        # A member that saw fewer classes (a user's estimator on odd data) still fills
        # every column; alviz models here always see all of y.
        k = len(self.classes_)
        return np.stack(
            [_expand(np.asarray(m.predict_proba(X)), m.classes_, k) for m in self.members_]
        )

    def _predict_proba(self, X):
        return self._member_stack(X).mean(axis=0)

    def _sample_proba(self, X, n_draws, seed):
        P = self._member_stack(X)
        return P[np.arange(n_draws) % len(P)]

    def member_proba(self, X) -> np.ndarray:
        """Each member's class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_members, n_samples, n_classes_seen)
            Members first, in the order of ``members``.
        """
        n = 1 if isinstance(self.members, str) else len(self.members)
        return self.sample_proba(X, n_draws=n)

"""The user's own texts: TF-IDF features, the raw text kept for display."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from .._validation import check_consistent_length
from ._build import build
from ._params import check_int
from ._user import encode_y, resolve_test_size, user_card

__all__ = ["from_texts"]


def _dense(X):
    return X.toarray()


def _check_texts(texts, name: str) -> list:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a list of strings, one per item; got a single string.")
    to_numpy = getattr(texts, "to_numpy", None)
    items = list(to_numpy() if to_numpy is not None else texts)
    if not items:
        raise ValueError(f"{name} is empty; pass at least one text.")
    bad = [i for i, t in enumerate(items) if not isinstance(t, str)]
    if bad:
        first = items[bad[0]]
        raise TypeError(
            f"{name} must hold strings; {len(bad)} item(s) are not (first at index {bad[0]}: "
            f"{first!r}). Replace missing texts with '' or drop those rows yourself."
        )
    return items


class _Tfidf(TfidfVectorizer):
    """TF-IDF whose 'empty vocabulary' error says what to do."""

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary from the training texts and return their TF-IDF."""
        try:
            return super().fit_transform(raw_documents, y)
        except ValueError as exc:
            if "empty vocabulary" not in str(exc):
                raise
            raise ValueError(
                "the training texts contain no words to build features from (all empty, or "
                "only stop words / one-letter tokens). Check the texts, or pass "
                "token_pattern=r'(?u)\\b\\w+\\b' to count one-letter words."
            ) from exc

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary from the training texts."""
        self.fit_transform(raw_documents, y)
        return self


def from_texts(
    texts,
    labels=None,
    *,
    classes=None,
    texts_test=None,
    labels_test=None,
    max_features: int = 2000,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words=None,
    token_pattern: str = r"(?u)\b\w\w+\b",
    task: str = "classification",
    test_size=None,
    stratify=True,
    embedding="pca",
    seed: int = 0,
    name: str = "texts",
    card=None,
):
    """A Dataset from texts: TF-IDF features, the texts kept in ``raw``.

    Parameters
    ----------
    texts : sequence of str of length n_samples
        One text per item.
    labels : array-like of shape (n_samples,), optional
        Labels; None/NaN/``UNLABELED`` where a text has no label yet.
    classes : array-like, optional
        Class names in index order; needed when no text is labelled.
    texts_test, labels_test : optional
        An explicit test split (every text labelled).
    max_features : int
        Vocabulary size (most frequent terms in the training texts).
    ngram_range : (int, int)
        Word n-grams to count, e.g. (1, 2) for words and word pairs.
    stop_words : {"english"} or list, optional
        Words to ignore.
    token_pattern : str
        What counts as a word (scikit-learn's default: two or more characters).
    task : {"classification", "regression"}
    test_size : float or int, optional
        Share of labelled texts held out (default 0.25; 0 for none).
    stratify : bool
    embedding : {"pca", "tsne"} or transformer
    seed : int
    name : str
    card : Card, optional

    Returns
    -------
    Dataset
        ``X`` dense TF-IDF of shape (n, n_terms), fitted on the training
        texts; ``raw``/``raw_test`` the texts (lists of str); ``feature_names``
        the terms.
    """
    max_features = check_int(max_features, "max_features", 2)
    texts = _check_texts(texts, "texts")
    check_consistent_length("texts", texts, "labels", labels)
    has_test = texts_test is not None
    if has_test:
        texts_test = _check_texts(texts_test, "texts_test")
    lo_hi = tuple(ngram_range) if not isinstance(ngram_range, str) else ()
    if (
        len(lo_hi) != 2
        or not all(isinstance(v, numbers.Integral) for v in lo_hi)
        or not (1 <= lo_hi[0] <= lo_hi[1])
    ):
        raise ValueError(
            f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n; got {ngram_range!r}."
        )
    y, y_test, classes = encode_y(
        labels, labels_test, classes=classes, task=task, n=len(texts), has_test=has_test
    )
    vectorizer = _Tfidf(
        max_features=max_features,
        ngram_range=lo_hi,
        stop_words=stop_words,
        token_pattern=token_pattern,
        dtype=np.float64,
    )
    return build(
        name,
        texts,
        y,
        card=user_card(name, "Your own texts (TF-IDF features).", "user-supplied texts", card),
        classes=classes,
        test_size=resolve_test_size(test_size, has_test),
        seed=seed,
        task=task,
        X_test=texts_test,
        y_test=y_test,
        raw=texts,
        raw_test=texts_test,
        stratify=stratify,
        preprocessor=make_pipeline(
            vectorizer,
            FunctionTransformer(_dense, accept_sparse=True, feature_names_out="one-to-one"),
        ),
        embedding=embedding,
        feature_names=None,
    )

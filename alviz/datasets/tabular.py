"""The user's own tables: arrays, DataFrames and CSV files.

Numeric columns are standardized and category columns one-hot encoded, by a
preprocessor fitted on the training rows only (``ds.preprocessor``). Rows
without a label (``UNLABELED``, None or NaN in the target) stay in the pool
so a person can label them; they never go to the test split. Nothing is
dropped silently: missing values raise an error naming the columns unless an
explicit ``impute=`` is given.
"""

from __future__ import annotations

from pathlib import Path

from .._validation import check_array, check_consistent_length, check_finite, nonfinite_report
from ._build import build
from ._columns import check_target, column_kinds, missing_counts, numeric_frame
from ._params import check_choice
from ._prep import IMPUTE_CHOICES, IMPUTE_FIX, frame_preprocessor, numeric_preprocessor
from ._user import encode_y, resolve_test_size, user_card

__all__ = ["from_arrays", "from_csv", "from_dataframe"]


def from_arrays(
    X,
    y=None,
    *,
    classes=None,
    X_test=None,
    y_test=None,
    feature_names=None,
    groups=None,
    groups_test=None,
    raw=None,
    raw_test=None,
    task: str = "classification",
    test_size=None,
    stratify=True,
    scale: bool = True,
    impute: str | None = None,
    embedding="pca",
    seed: int = 0,
    name: str = "my data",
    card=None,
):
    """A Dataset from a numeric feature matrix and labels.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numbers. For text or category columns use :func:`from_dataframe`.
    y : array-like of shape (n_samples,), optional
        Labels (strings, ints, ...); None, NaN or ``UNLABELED`` (-1) where a
        row has no label yet. None: no row is labelled (then ``classes`` is needed).
    classes : array-like of shape (n_classes,), optional
        Class names in index order; default the sorted distinct labels.
    X_test, y_test : array-like, optional
        An explicit test split (every row labelled). Default: a seeded,
        stratified share ``test_size`` of the labelled rows.
    feature_names : list of str, optional
    groups, groups_test : array-like of shape (n_samples,), (n_test,), optional
        A sensitive attribute or subgroup per row (not a feature).
    raw, raw_test : sequence, optional
        Raw items per row (for display).
    task : {"classification", "regression"}
    test_size : float or int, optional
        Share (or number) of the labelled rows held out; 0 for no test split.
    stratify : bool
        Keep class shares equal in both splits.
    scale : bool
        Standardize the features (scaler fitted on the training rows).
    impute : {"mean", "median"}, optional
        Fill NaN and inf from the training rows instead of raising.
    embedding : {"pca", "tsne"} or transformer
        Display embedding for more than two features.
    seed : int
        Seed of the split and the embedding.
    name : str
    card : Card, optional

    Returns
    -------
    Dataset
    """
    X = _check_features(X, "X")
    check_consistent_length("X", X, "y", y)
    has_test = X_test is not None
    if has_test:
        X_test = _check_features(X_test, "X_test")
        if X_test.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_test has {X_test.shape[1]} features but X has {X.shape[1]}; "
                f"they need the same columns."
            )
    if feature_names is not None:
        feature_names = [str(f) for f in feature_names]
        if len(feature_names) != X.shape[1]:
            raise ValueError(
                f"feature_names has {len(feature_names)} names for {X.shape[1]} columns of X."
            )
    if impute is None:
        check_finite(X, "X", feature_names, IMPUTE_FIX, by_column=True)
        if has_test:
            check_finite(X_test, "X_test", feature_names, IMPUTE_FIX, by_column=True)
    else:
        check_choice(impute, "impute", IMPUTE_CHOICES)
    y, y_test, classes = encode_y(
        y, y_test, classes=classes, task=task, n=len(X), has_test=has_test
    )
    return build(
        name,
        X,
        y,
        card=user_card(name, "Your own data.", "user-supplied arrays", card),
        classes=classes,
        test_size=resolve_test_size(test_size, has_test),
        seed=seed,
        groups=groups,
        task=task,
        feature_names=feature_names,
        X_test=X_test,
        y_test=y_test,
        groups_test=groups_test,
        raw=raw,
        raw_test=raw_test,
        stratify=stratify,
        preprocessor=numeric_preprocessor(scale, impute),
        embedding=embedding,
    )


def _check_features(X, name: str):
    """A numeric 2-D array with rows and columns; NaN is checked later (``impute=``)."""
    if hasattr(X, "iloc"):
        raise TypeError(
            f"{name} is a DataFrame; use alviz.datasets.from_dataframe(df, target=...), which "
            f"encodes its text columns, or pass df.to_numpy()."
        )
    return check_array(X, name, dtype=None, ensure_all_finite=False)


def _frame_features(df, target, features, groups, what: str):
    """The feature columns of ``df``: all but target/groups, or those named."""
    exclude = {c for c in (target, groups) if isinstance(c, str)}
    if features is None:
        features = [c for c in df.columns if c not in exclude]
    else:
        features = list(features)
        missing = [f for f in features if f not in df.columns]
        if missing:
            raise ValueError(
                f"features {missing} are not columns of {what}; its columns are "
                f"{[str(c) for c in df.columns]}."
            )
        clash = [f for f in features if f in exclude]
        if clash:
            raise ValueError(f"{clash} cannot be both a feature and the target/groups column.")
    if not features:
        raise ValueError(f"{what} has no feature columns besides the target.")
    return features


def _check_frame(df, what: str) -> None:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame; got {type(df).__name__}.")
    if df.shape[1] == 0:
        raise ValueError(f"{what} has no columns.")
    if len(df) == 0:
        raise ValueError(f"{what} has a header but no rows.")
    dupes = df.columns[df.columns.duplicated()].tolist()
    if dupes:
        raise ValueError(f"{what} has duplicated column names {dupes}; rename them.")


def from_dataframe(
    df,
    target=None,
    *,
    features=None,
    categorical=None,
    classes=None,
    test_df=None,
    groups=None,
    task: str = "classification",
    test_size=None,
    stratify=True,
    scale: bool = True,
    impute: str | None = None,
    max_categories: int = 50,
    embedding="pca",
    seed: int = 0,
    name: str = "my data",
    card=None,
):
    """A Dataset from a pandas DataFrame: numeric columns scaled, category columns one-hot.

    Parameters
    ----------
    df : DataFrame
        One row per item.
    target : str, optional
        The label column. Blank cells (None/NaN) are rows without a label yet.
        None: no row is labelled (pass ``classes``).
    features : list of str, optional
        Feature columns; default every column but ``target`` and ``groups``.
    categorical : list of str, optional
        Columns to one-hot encode although numeric (integer codes).
        Text, category and object columns are encoded anyway.
    classes : array-like, optional
        Class names in index order; default the sorted distinct labels.
    test_df : DataFrame, optional
        An explicit test split with the same columns, every row labelled.
    groups : str or array-like, optional
        A column name (or values per row) of a sensitive attribute; not a feature.
    task : {"classification", "regression"}
    test_size : float or int, optional
        Share of labelled rows held out (default 0.25; 0 for none).
    stratify : bool
        Keep class shares equal in both splits.
    scale : bool
        Standardize numeric columns.
    impute : {"mean", "median"}, optional
        Fill missing numbers (and inf) with the training rows' mean/median,
        and missing categories with the most frequent one, instead of raising.
    max_categories : int
        Refuse category columns with more distinct values (ids, free text).
    embedding : {"pca", "tsne"} or transformer
    seed : int
    name : str
    card : Card, optional

    Returns
    -------
    Dataset
        ``ds.source_index`` holds each row's position in ``df``
        (``df.iloc[ds.source_index]``), and in ``test_df`` shifted by ``len(df)``.
        ``ds.raw`` holds each row's original feature values as text, one
        ``column: value`` line each: what the Labeler and the gallery show, so a
        person labels grams and colours, not standardized numbers.
    """
    _check_frame(df, "df")
    if target is not None:
        check_target(df.columns, target, "df")
    if impute is not None:
        check_choice(impute, "impute", IMPUTE_CHOICES)
    features = _frame_features(df, target, features, groups, "df")
    numeric, cats = column_kinds(df[features], categorical, max_categories)
    frames = {"df": df}
    has_test = test_df is not None
    if has_test:
        _check_frame(test_df, "test_df")
        absent = [
            c for c in [*features, *([target] if target is not None else [])] if c not in test_df
        ]
        if absent:
            raise ValueError(f"test_df lacks the column(s) {absent} that df has.")
        frames["test_df"] = test_df
    X = {}
    for what, frame in frames.items():
        X[what] = numeric_frame(frame[features], numeric, cats)
        if impute is None:
            counts, n_bad = missing_counts(X[what], numeric)
            if counts:
                raise ValueError(nonfinite_report(counts, n_bad, what, IMPUTE_FIX))

    def column(frame, col, what):
        if col is None or not isinstance(col, str):
            return col
        check_target(frame.columns, col, what)
        return frame[col].to_numpy()

    y = None if target is None else df[target]
    y_test = None if not has_test or target is None else test_df[target]
    y, y_test, classes = encode_y(
        y, y_test, classes=classes, task=task, n=len(df), has_test=has_test
    )
    ds = build(
        name,
        X["df"],
        y,
        card=user_card(name, "Your own table.", "user-supplied DataFrame", card),
        classes=classes,
        test_size=resolve_test_size(test_size, has_test),
        seed=seed,
        groups=column(df, groups, "df"),
        task=task,
        X_test=X.get("test_df"),
        y_test=y_test,
        groups_test=column(test_df, groups, "test_df") if has_test else None,
        stratify=stratify,
        preprocessor=frame_preprocessor(numeric, cats, scale, impute),
        embedding=embedding,
        raw=_row_texts(df, features),
        raw_test=_row_texts(test_df, features) if has_test else None,
    )
    ds.meta["columns"] = {
        "numeric": [str(c) for c in numeric],
        "categorical": [str(c) for c in cats],
    }
    if target is not None:
        ds.meta["target"] = str(target)
    return ds


def _row_texts(frame, columns) -> list[str]:
    """Each row's original values, one ``column: value`` line each (a list of str saves as JSON)."""
    return [
        "\n".join(f"{c}: {v}" for c, v in zip(columns, row, strict=True))
        for row in frame[columns].itertuples(index=False)
    ]


def from_csv(path, target=None, *, test_path=None, read_csv: dict | None = None, **kwargs):
    """A Dataset from a CSV file (see :func:`from_dataframe` for the options).

    Parameters
    ----------
    path : str or path-like
        The CSV file, with a header row.
    target : str, optional
        The label column; blank cells are rows without a label yet.
    test_path : str or path-like, optional
        A CSV file with the test split (same columns, every row labelled).
    read_csv : dict, optional
        Options for :func:`pandas.read_csv` (``sep``, ``encoding``, ...).
    **kwargs
        Passed to :func:`from_dataframe`; ``name`` defaults to the file's stem.

    Returns
    -------
    Dataset
        ``ds.source_index`` holds each row's position among the file's data
        rows (0 = the first row after the header).
    """
    df = _read_csv(path, read_csv)
    if test_path is not None:
        kwargs["test_df"] = _read_csv(test_path, read_csv)
    kwargs.setdefault("name", Path(path).stem)
    ds = from_dataframe(df, target, **kwargs)
    ds.meta["path"] = str(path)
    return ds


def _read_csv(path, options: dict | None):
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CSV file {str(path)!r} does not exist.")
    if path.stat().st_size == 0:
        raise ValueError(f"CSV file {str(path)!r} is empty (0 bytes); it needs a header and rows.")
    options = dict(options or {})
    try:
        df = pd.read_csv(path, **options)
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"CSV file {str(path)!r} holds no columns (only blank lines?).") from exc
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"CSV file {str(path)!r} could not be parsed: {exc}. If it uses another separator, "
            f"pass read_csv={{'sep': ';'}}."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"CSV file {str(path)!r} is not in the {options.get('encoding', 'utf-8')!r} "
            f"encoding (it holds the byte {exc.object[exc.start : exc.start + 1]!r}, which "
            f"cannot be decoded). Pass its encoding, e.g. read_csv={{'encoding': 'latin-1'}} "
            f"(or 'cp1252' for files saved by Excel on Windows)."
        ) from exc
    if len(df) == 0:
        raise ValueError(f"CSV file {str(path)!r} has a header but no rows.")
    if df.shape[1] == 1 and "sep" not in options and "delimiter" not in options:
        header = str(df.columns[0])
        for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in header:
                raise ValueError(
                    f"CSV file {str(path)!r} was read as one column {header[:60]!r}, whose name "
                    f"holds {word}: the file seems to use {sep!r} as its separator. Pass "
                    f"read_csv={{'sep': {sep!r}}}"
                    + (" (and 'decimal': ',' if numbers are written 1,5)." if sep == ";" else ".")
                )
    return df

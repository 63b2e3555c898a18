"""The user's own data: arrays, DataFrames, CSV files, texts, images; bad input, clear errors."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import alviz as al
from alviz.datasets import UNLABELED


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----------------------------------------------------------------- from_arrays
def test_string_labels_unlabelled_rows_stay_in_the_pool(rng):
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] > 0, "yes", "no").astype(object)
    y[:12] = None
    ds = al.datasets.from_arrays(X, y, seed=1)
    assert ds.classes.tolist() == ["no", "yes"]
    assert (ds.y == UNLABELED).sum() == 12 and UNLABELED not in ds.y_test
    assert set(range(12)) <= set(ds.source_index)  # the unlabelled source rows
    assert len(ds.y_test) == int(np.ceil(0.25 * 68))
    assert "12 pool rows without a label" in ds.card.size
    # Labels are those of the source rows they came from.
    np.testing.assert_array_equal(ds.classes[ds.y_test], y[ds.source_index_test])


def test_scaler_is_fitted_on_the_training_rows_only(rng):
    X = rng.normal(5, 3, size=(200, 4))
    ds = al.datasets.from_arrays(X, np.arange(200) % 2)
    np.testing.assert_allclose(ds.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.X.std(axis=0), 1, atol=1e-12)
    scaler = ds.preprocessor.named_steps["scale"]
    np.testing.assert_allclose(scaler.mean_, X[ds.source_index].mean(axis=0))
    assert np.abs(ds.X_test.mean(axis=0)).max() > 1e-3
    raw = al.datasets.from_arrays(X, np.arange(200) % 2, scale=False)
    np.testing.assert_array_equal(raw.X, X[raw.source_index])


def test_explicit_test_split_and_all_unlabelled_pool(rng):
    X, X_test = rng.normal(size=(30, 2)), rng.normal(size=(10, 2))
    ds = al.datasets.from_arrays(
        X, None, classes=["cat", "dog"], X_test=X_test, y_test=["cat", "dog"] * 5
    )
    assert (ds.y == UNLABELED).all() and ds.n_samples == 30
    assert ds.y_test.tolist() == [0, 1] * 5 and ds.meta["split"] == {"explicit_test": True}
    np.testing.assert_array_equal(ds.source_index_test, 30 + np.arange(10))
    with pytest.raises(ValueError, match="y_test has 1 row"):
        al.datasets.from_arrays(X, None, classes=["a", "b"], X_test=X_test, y_test=[0] * 9 + [None])
    with pytest.raises(ValueError, match="explicit test split"):
        al.datasets.from_arrays(X, np.arange(30) % 2, X_test=X_test, y_test=[0] * 10, test_size=0.2)
    with pytest.raises(ValueError, match="X_test has 3 features but X has 2"):
        al.datasets.from_arrays(X, np.arange(30) % 2, X_test=np.ones((4, 3)), y_test=[0] * 4)


def test_regression_from_arrays(rng):
    X = rng.normal(size=(40, 2))
    y = X[:, 0] * 2.0
    y[:5] = np.nan
    ds = al.datasets.from_arrays(X, y, task="regression")
    assert ds.task == "regression" and np.isnan(ds.y).sum() == 5
    assert ds.is_labeled.sum() == ds.n_samples - 5 and np.isfinite(ds.y_test).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": np.ones((5, 2)), "y": [0, 1, 0]}, ValueError, "X has 5 rows but y has 3"),
        ({"X": np.ones(5), "y": [0, 1, 0, 1, 0]}, ValueError, "reshape"),
        ({"X": np.array([["a", "b"]] * 4), "y": [0, 1] * 2}, TypeError, "from_dataframe"),
        ({"X": np.ones((0, 2)), "y": []}, ValueError, "empty"),
        ({"X": np.ones((6, 2)), "y": ["a"] * 6}, ValueError, "at least two classes"),
        ({"X": np.ones((6, 2)), "y": [None] * 6, "classes": ["a"]}, ValueError, "two classes"),
        ({"X": np.ones((9, 2)), "y": [0] * 8 + [1]}, ValueError, r"class 1 \(1 row\)"),
        ({"X": np.ones((6, 2)), "y": [0, 1] * 3, "impute": "zero"}, ValueError, "impute"),
        ({"X": np.ones((6, 2)), "y": [0, 1] * 3, "task": "clustering"}, ValueError, "task"),
    ],
)
def test_bad_arrays(kwargs, error, match):
    with pytest.raises(error, match=match):
        al.datasets.from_arrays(**kwargs)


def test_nan_and_inf_are_reported_by_column_and_imputed_on_request():
    X = np.arange(40, dtype=float).reshape(20, 2)
    X[3, 0] = np.nan
    X[5, 0] = np.inf
    X[5, 1] = np.nan
    y = np.arange(20) % 2
    with pytest.raises(
        ValueError, match=r"2 column\(s\), 2 row\(s\).*'age' \(1 NaN, 1 inf\).*impute="
    ):
        al.datasets.from_arrays(X, y, feature_names=["age", "income"])
    ds = al.datasets.from_arrays(X, y, impute="mean", scale=False, test_size=0, seed=0)
    finite = np.isfinite(X[:, 0])
    assert ds.X[3, 0] == ds.X[5, 0] == pytest.approx(X[finite, 0].mean())
    med = al.datasets.from_arrays(X, y, impute="median", scale=False, test_size=0)
    assert med.X[5, 1] == pytest.approx(np.nanmedian(X[:, 1]))


# ----------------------------------------------------------------- from_dataframe / from_csv
@pytest.fixture
def fruit(rng):
    n = 60
    return pd.DataFrame(
        {
            "weight": rng.normal(150, 20, n),
            "colour": rng.choice(["red", "green", "yellow"], n),
            "organic": rng.integers(0, 2, n).astype(bool),
            "grade": pd.array(rng.integers(1, 4, n), dtype="Int64"),
            "label": np.where(np.arange(n) % 3 == 0, "apple", "pear").astype(object),
        }
    )


def test_dataframe_encodes_categories_and_scales_numbers(fruit):
    fruit.loc[[1, 4], "label"] = None
    ds = al.datasets.from_dataframe(fruit, target="label")
    assert ds.meta["columns"] == {
        "numeric": ["weight", "organic", "grade"],
        "categorical": ["colour"],
    }
    assert ds.feature_names == [
        "weight",
        "organic",
        "grade",
        "colour_green",
        "colour_red",
        "colour_yellow",
    ]
    onehot = ds.X[:, 3:]
    assert set(np.unique(onehot)) == {0.0, 1.0} and (onehot.sum(axis=1) == 1).all()
    np.testing.assert_allclose(ds.X[:, :3].mean(axis=0), 0, atol=1e-12)
    assert ds.classes.tolist() == ["apple", "pear"] and (ds.y == UNLABELED).sum() == 2
    rows = fruit.iloc[ds.source_index]
    np.testing.assert_array_equal(onehot[:, 1], (rows["colour"] == "red").to_numpy())


def test_dataframe_rows_keep_their_original_values_for_display(fruit):
    # A person labels by the guideline's units (grams, colours), not by standardized features.
    ds = al.datasets.from_dataframe(fruit.iloc[:40], target="label", test_df=fruit.iloc[40:])
    first = fruit.iloc[ds.source_index[0]]
    assert ds.raw[0].splitlines() == [
        f"weight: {first.weight}",
        f"colour: {first.colour}",
        f"organic: {first.organic}",
        f"grade: {first.grade}",
    ]
    assert len(ds.raw) == len(ds.y) and len(ds.raw_test) == len(ds.y_test) == 20
    assert ds.raw_test[-1].startswith(f"weight: {fruit.weight.iloc[-1]}")
    card = al.widgets.labeler.item_html(ds, 0, current=True)
    assert f"weight: {first.weight}" in card and "colour_red" not in card


def test_dataframe_groups_column_and_test_frame(fruit):
    fruit["site"] = np.arange(len(fruit)) % 2
    ds = al.datasets.from_dataframe(
        fruit.iloc[:40], target="label", groups="site", test_df=fruit.iloc[40:]
    )
    assert "site" not in ds.meta["columns"]["numeric"]
    np.testing.assert_array_equal(ds.groups, np.arange(40) % 2)
    assert len(ds.y_test) == 20 and len(ds.groups_test) == 20


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (
            lambda d: d.rename(columns={"label": "lab"}),
            ValueError,
            r"'label' is not in df.*'lab'.*Did you mean 'lab'",
        ),
        (
            lambda d: d.assign(when=pd.Timestamp("2024-01-01")),
            TypeError,
            "'when' has dtype datetime64",
        ),
        (lambda d: d.assign(mixed=["a", 1] * 30), TypeError, "'mixed' mixes value types"),
        (
            lambda d: d.assign(name=[f"n{i}" for i in range(60)]),
            ValueError,
            "'name' has 60 distinct",
        ),
        (lambda d: d.assign(bag=[[1]] * 60), TypeError, "'bag' holds"),
        (lambda d: d.assign(nothing=[None] * 60), TypeError, "'nothing' has no values"),
        (lambda d: d.iloc[:0], ValueError, "header but no rows"),
        (lambda d: d.assign(label="apple"), ValueError, "two classes"),
    ],
)
def test_bad_frames(fruit, change, error, match):
    with pytest.raises(error, match=match):
        al.datasets.from_dataframe(change(fruit), target="label")


def test_missing_cells_are_named_and_imputed_on_request(fruit):
    fruit.loc[[2, 3], "weight"] = np.nan
    fruit.loc[5, "colour"] = None
    fruit.loc[5, "grade"] = pd.NA
    with pytest.raises(
        ValueError, match=r"3 row\(s\).*'weight' \(2 missing\).*'colour' \(1 missing\)"
    ):
        al.datasets.from_dataframe(fruit, target="label")
    ds = al.datasets.from_dataframe(
        fruit, target="label", impute="median", test_size=0, scale=False
    )
    assert np.isfinite(ds.X).all()
    assert ds.X[2, 0] == pytest.approx(fruit["weight"].median())
    assert ds.X[5, 3:].sum() == 1  # the missing colour became the most frequent one


def test_categorical_override_and_no_target(fruit):
    ds = al.datasets.from_dataframe(
        fruit, features=["weight", "grade"], categorical=["grade"], classes=["apple", "pear"]
    )
    assert ds.meta["columns"]["categorical"] == ["grade"] and (ds.y == UNLABELED).all()
    with pytest.raises(ValueError, match="not feature columns"):
        al.datasets.from_dataframe(fruit, target="label", categorical=["colur"])
    with pytest.raises(ValueError, match=r"features \['wieght'\] are not columns"):
        al.datasets.from_dataframe(fruit, target="label", features=["wieght"])


def test_csv_round_trip_and_file_errors(fruit, tmp_path):
    fruit.loc[7, "label"] = None
    path = tmp_path / "fruit.csv"
    fruit.to_csv(path, index=False)
    ds = al.datasets.from_csv(path, target="label")
    assert ds.name == "fruit" and ds.meta["path"] == str(path) and ds.meta["target"] == "label"
    back = pd.read_csv(path).iloc[ds.source_index]["label"].fillna("?").tolist()
    assert back == [ds.classes[c] if c != UNLABELED else "?" for c in ds.y]
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b,label\n")
    (tmp_path / "blank.csv").write_text("\n\n")
    with pytest.raises(ValueError, match="is empty"):
        al.datasets.from_csv(tmp_path / "empty.csv", target="label")
    with pytest.raises(ValueError, match="header but no rows"):
        al.datasets.from_csv(tmp_path / "header.csv", target="label")
    with pytest.raises(ValueError, match="no columns"):
        al.datasets.from_csv(tmp_path / "blank.csv", target="label")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        al.datasets.from_csv(tmp_path / "nope.csv", target="label")


def test_csv_with_another_separator(fruit, tmp_path):
    path = tmp_path / "semi.csv"
    fruit.to_csv(path, index=False, sep=";")
    # Read with commas, the file is one column named "weight;...;label": say which sep to pass.
    with pytest.raises(ValueError, match=r"semi\.csv.*seems to use ';'.*read_csv=\{'sep': ';'\}"):
        al.datasets.from_csv(path, target="label")
    ds = al.datasets.from_csv(path, target="label", read_csv={"sep": ";"})
    assert ds.n_features == 6


# ----------------------------------------------------------------- from_texts
def test_texts_keep_raw_and_fit_the_vocabulary_on_the_pool():
    texts = ["cats purr softly", "dogs bark loudly", "cats nap", "dogs fetch sticks"] * 5
    texts_test = ["zebras run", "cats bark"]
    ds = al.datasets.from_texts(
        texts, ["cat", "dog"] * 10, texts_test=texts_test, labels_test=["cat", "dog"]
    )
    assert ds.raw == texts and ds.raw_test == texts_test  # lists of str: saved as JSON
    assert "zebras" not in ds.feature_names and "cats" in ds.feature_names
    assert ds.X.shape == (20, len(ds.feature_names)) and ds.X_test[0].sum() == 0
    np.testing.assert_allclose(np.linalg.norm(ds.X, axis=1), 1.0)


def test_texts_bad_input():
    with pytest.raises(TypeError, match=r"1 item\(s\) are not .*index 1: None"):
        al.datasets.from_texts(["a text", None, "more"], [0, 1, 0])
    with pytest.raises(TypeError, match="single string"):
        al.datasets.from_texts("one long text", None)
    with pytest.raises(ValueError, match="no words"):
        al.datasets.from_texts(["a", "b", "c", "d"] * 2, [0, 1] * 4, test_size=0)
    with pytest.raises(ValueError, match="texts has 2 rows but labels has 3"):
        al.datasets.from_texts(["one two", "three four"], [0, 1, 0])


# ----------------------------------------------------------------- from_images
def test_image_array_keeps_raw_and_scales_pixels(rng):
    images = rng.integers(0, 256, (24, 5, 4), dtype=np.uint8)
    ds = al.datasets.from_images(images, np.arange(24) % 3)
    assert ds.X.dtype == np.float32 and ds.X.shape == (18, 20)
    np.testing.assert_allclose(ds.X * 255, images[ds.source_index].reshape(18, -1), atol=1e-3)
    np.testing.assert_array_equal(ds.raw, images[ds.source_index])
    rgb = al.datasets.from_images(rng.random((12, 3, 3, 3)), np.arange(12) % 2)
    assert rgb.n_features == 27
    with pytest.raises(ValueError, match="shape"):
        al.datasets.from_images(rng.random((12, 9)), np.arange(12) % 2)


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def test_image_folder_with_classes_and_unlabelled_files(tmp_path, rng):
    for c in ("cat", "dog"):
        for i in range(4):
            _save(tmp_path / c / f"{i}.png", rng.integers(0, 256, (6, 6), dtype=np.uint8))
    _save(tmp_path / "new.png", rng.integers(0, 256, (6, 6), dtype=np.uint8))
    (tmp_path / ".DS_Store").write_text("")
    ds = al.datasets.from_images(tmp_path, test_size=0)
    assert ds.classes.tolist() == ["cat", "dog"] and ds.n_samples == 9
    files = ds.meta["files"]
    assert files[0] == "new.png" and ds.y[0] == UNLABELED
    assert [f.split("/")[0] for f in files[1:]] == ["cat"] * 4 + ["dog"] * 4
    first_dog = np.asarray(Image.open(tmp_path / "dog" / "0.png"))
    np.testing.assert_array_equal(ds.raw[files.index("dog/0.png")], first_dog)


def test_image_folder_problems(tmp_path, rng):
    _save(tmp_path / "a" / "0.png", rng.integers(0, 256, (6, 6), dtype=np.uint8))
    _save(tmp_path / "a" / "1.png", rng.integers(0, 256, (6, 6), dtype=np.uint8))
    _save(tmp_path / "b" / "0.png", rng.integers(0, 256, (8, 6), dtype=np.uint8))
    _save(tmp_path / "b" / "1.png", rng.integers(0, 256, (6, 6), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"different sizes.*size=\(height, width\)"):
        al.datasets.from_images(tmp_path, test_size=0)
    ds = al.datasets.from_images(tmp_path, size=(4, 5), mode="RGB", test_size=0)
    assert ds.raw.shape == (4, 4, 5, 3)
    (tmp_path / "b" / "notes.txt").write_text("hello")
    with pytest.warns(al.AlvizWarning, match="skipped 1 file"):
        al.datasets.from_images(tmp_path, size=(4, 5), test_size=0)
    (tmp_path / "b" / "broken.png").write_bytes(b"not a png")
    with (
        pytest.raises(ValueError, match=r"cannot read image .*broken\.png"),
        pytest.warns(al.AlvizWarning),
    ):
        al.datasets.from_images(tmp_path, size=(4, 5), test_size=0)
    with pytest.raises(ValueError, match="labels cannot be passed with a folder"):
        al.datasets.from_images(tmp_path, [0, 1])
    with pytest.raises(FileNotFoundError):
        al.datasets.from_images(tmp_path / "missing")


# ----------------------------------------------------------------- the example files in data/
def test_example_files_load_with_unlabelled_rows():
    import pathlib

    examples = pathlib.Path(__file__).resolve().parents[1] / "data" / "examples"
    fruit = al.datasets.from_csv(examples / "fruit.csv", target="label")
    assert (
        fruit.classes.tolist() == ["apple", "orange", "pear"] and (fruit.y == UNLABELED).sum() > 20
    )
    reviews = pd.read_csv(examples / "reviews.csv")
    texts = al.datasets.from_texts(reviews["text"].tolist(), reviews["label"])
    assert texts.classes.tolist() == ["negative", "positive"] and (texts.y == UNLABELED).sum() > 20

"""Settings codes carry data, never actions, and are bounded before anything is built (issue 12)."""

import base64
import json
import tracemalloc
import zlib

import pytest

import alviz as al
from alviz.widgets._settings import MAX_CODE_CHARS, decode_settings, encode_settings


def _raw_code(obj) -> str:
    """A code made without encode_settings's checks, as an attacker would make one."""
    packed = zlib.compress(json.dumps(obj).encode(), 9)
    return "alviz1-" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def test_a_code_that_inflates_past_the_limit_is_refused_without_inflating_it():
    code = _raw_code({"panels": ["a" * 5_000_000]})
    assert len(code) < MAX_CODE_CHARS  # short enough to pass the length check
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="inflates to more than 65536 bytes"):
            decode_settings(code)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20


def test_a_long_code_is_refused_before_decoding():
    # The 632 KB code inflated to ~940 MB; now its length alone refuses it.
    with pytest.raises(ValueError, match="characters long"):
        decode_settings("alviz1-" + "A" * 632_000)


@pytest.mark.parametrize(
    "settings, match",
    [
        ({"resolution": 4000}, r"resolution.*\[10, 200\]"),
        ({"dataset": {"name": "moons", "params": {"n_samples": 2e7}}}, "n_samples.*integer"),
        ({"dataset": {"name": "moons", "params": {"n_samples": 20_000_000}}}, r"\[1, 50000\]"),
        ({"dataset": {"name": "moons", "params": {"noise": 1e9}}}, "noise"),
        ({"dataset": {"name": "mnist", "params": {"download": True}}}, "cannot take 'download'"),
        ({"dataset": {"name": "mnist", "params": {"path": "/etc"}}}, "cannot take 'path'"),
        ({"dataset": {"name": "../../etc/passwd"}}, "not a registered dataset"),
        ({"session": {"n_draws": 10**6}}, "n_draws"),
        ({"session": {"model": "os.system"}}, "model"),
        ({"session": {"autosave": "/tmp/x"}}, "cannot carry"),
        ({"exec": "print(1)"}, "cannot carry"),
        ({"panels": [f"p{i}" for i in range(17)]}, "at most 16"),
        ({"controls": ["ok", "not an id!"]}, "identifier"),
        ({"size": "huge"}, "size"),
        ({"size": [100, 100]}, r"\[200, 4000\]"),
        ({"strategies": ["entropy", "rm -rf"]}, "strategies"),
    ],
)
def test_codes_hold_only_allow_listed_knobs_within_bounds(settings, match):
    with pytest.raises((ValueError, TypeError), match=match):
        decode_settings(_raw_code(settings))


def test_widget_keys_of_the_boards_fit():
    code = encode_settings(
        {
            "widget": "explorer",
            "panels": ["boundary", "learning"],
            "controls": ["step", "strategy"],
            "size": [1200, 800],
        }
    )
    assert decode_settings(code)["size"] == [1200, 800]
    assert decode_settings(encode_settings({"size": "slide"}))["size"] == "slide"


def test_no_error_lists_a_folders_files(tmp_path):
    (tmp_path / "secret-diary.txt").write_text("x")
    with pytest.raises(FileNotFoundError) as err:
        al.datasets.load("mnist", path=tmp_path)
    assert "secret-diary" not in str(err.value)


def test_a_widget_refuses_a_hostile_code_before_building_anything(moons):
    code = _raw_code({"widget": "explorer", "resolution": 4000, "dataset": {"name": "moons"}})
    with pytest.raises(ValueError, match="resolution"):
        al.widgets.ExplorerController.from_settings(code)
    c = al.widgets.ExplorerController(moons, resolution=20, seed=0)
    huge = {"name": "moons", "params": {"n_samples": 10**8}}
    c.restore(_raw_code({"widget": "explorer", "dataset": huge}))
    assert "n_samples" in c.message and c.session.dataset is moons

"""compare(): sweeps, determinism, failures, persistence, Dask, and `alviz bench`."""

import numpy as np
import pandas as pd
import pytest

import alviz as al
from alviz import cli
from alviz._warnings import AlvizWarning
from alviz.acquisition import Strategy
from alviz.experiments import PoolSubsample, Results, compare

TINY = {"budget": 4, "initial": 6, "n_jobs": 1, "progress": False}


@pytest.fixture(scope="module")
def ds():
    return al.datasets.load("moons", n_samples=120, noise=0.2, seed=0)


@pytest.fixture(scope="module")
def res(ds):
    return compare(ds, ["random", "entropy"], seeds=range(3), **TINY)


def _numbers(results):
    return results.table.drop(columns=["step_seconds"])


def test_table_is_tidy_and_closes_each_curve(res):
    t = res.table
    assert list(t.columns[:5]) == ["strategy", "model", "seed", "round", "n_labeled"]
    assert {"accuracy", "macro_f1", "nll", "ece", "brier", "step_seconds"} <= set(t.columns)
    assert len(t) == 2 * 3 * (4 + 1)  # 4 steps + the final evaluation, per run
    run = t[(t["strategy"] == "entropy") & (t["seed"] == 1)]
    assert run["n_labeled"].tolist() == [6, 7, 8, 9, 10]
    # The last row evaluates the model fitted on every label: no step, no step time.
    assert np.isnan(run["step_seconds"].iloc[-1]) and (run["step_seconds"].iloc[:-1] > 0).all()
    assert res.strategies == ["random", "entropy"] and res.models == ["logreg"]
    assert res.errors.empty and (res.runs["status"] == "ok").all()
    assert res.meta["budget"] == 4 and res.meta["seeds"] == [0, 1, 2]


def test_same_seeds_same_numbers_on_any_backend(ds, res):
    again = compare(ds, ["random", "entropy"], seeds=range(3), **TINY)
    pd.testing.assert_frame_equal(_numbers(res), _numbers(again))
    threads = compare(
        ds, ["random", "entropy"], seeds=range(3), **{**TINY, "n_jobs": 2}, backend="threading"
    )
    pd.testing.assert_frame_equal(_numbers(res), _numbers(threads))
    other = compare(ds, ["random", "entropy"], seeds=[3, 4, 5], **TINY)
    assert not np.allclose(other.table["accuracy"], res.table["accuracy"])


def test_the_automatic_schedule_gives_the_serial_numbers_with_or_without_workers(ds, res):
    from alviz.experiments import _compare

    auto = {**TINY, "n_jobs": None}
    first = compare(ds, ["random", "entropy"], seeds=range(3), **auto)
    pd.testing.assert_frame_equal(_numbers(res), _numbers(first))
    assert first.meta["schedule"] == "auto"
    from joblib import cpu_count

    if cpu_count() < 2:
        return  # one core: the schedule is serial, checked above
    # Once workers are up (an earlier call left them, or here: started), they take runs.
    _compare._wait_for_workers()
    slow = {**auto, "budget": 30}
    warm = compare(ds, ["random", "entropy"], seeds=range(6), **slow)
    assert warm.meta["n_workers"] >= 1 and warm.meta["runs_in_workers"] >= 1
    serial = compare(ds, ["random", "entropy"], seeds=range(6), **{**slow, "n_jobs": 1})
    pd.testing.assert_frame_equal(_numbers(serial), _numbers(warm))
    # Runs that cannot travel to a worker (an unpicklable dataset callable) run here.
    import threading

    class Unpicklable:
        def __init__(self):
            self.lock = threading.Lock()

        def __call__(self, seed):
            return ds

    _compare._wait_for_workers()
    here = compare(Unpicklable(), ["random", "entropy"], seeds=range(6), **slow)
    assert here.meta["runs_in_workers"] == 0 and here.errors.empty
    pd.testing.assert_frame_equal(_numbers(serial), _numbers(here))


def test_models_dict_and_estimators_are_reseeded_per_run(ds):
    from sklearn.ensemble import RandomForestClassifier

    rf = RandomForestClassifier(n_estimators=5, random_state=None)
    a = compare(ds, ["entropy"], models={"forest": rf}, seeds=[0, 1], **TINY)
    b = compare(ds, ["entropy"], models={"forest": rf}, seeds=[0, 1], **TINY)
    pd.testing.assert_frame_equal(_numbers(a), _numbers(b))
    assert a.models == ["forest"]
    assert rf.random_state is None  # the caller's estimator is never modified


class Broken(Strategy):
    name = "broken"

    def score(self, context):
        raise RuntimeError("this strategy always fails")


def test_a_failing_run_is_reported_and_the_others_kept(ds):
    def data(seed):
        if seed == 1:
            raise OSError("seed 1's data could not be read")
        return ds

    with pytest.warns(AlvizWarning, match="4 of 6 runs failed"):
        out = compare(data, {"random": "random", "broken": Broken()}, seeds=range(3), **TINY)
    errors = out.errors
    assert len(errors) == 4
    assert set(errors["error"]) == {
        "OSError: seed 1's data could not be read",
        "RuntimeError: this strategy always fails",
    }
    kept = out.table.groupby(["strategy", "seed"]).size()
    assert list(kept.index) == [("random", 0), ("random", 2)]
    assert "Traceback" in out.runs.loc[out.runs["status"] == "error", "traceback"].iloc[0]


def test_bad_arguments_fail_before_the_sweep(ds):
    with pytest.raises(ValueError, match="unknown strategy 'entorpy'"):
        compare(ds, ["entorpy"], **TINY)
    with pytest.raises(ValueError, match="unknown model 'lgoreg'"):
        compare(ds, ["random"], models=["lgoreg"], **TINY)
    with pytest.raises(ValueError, match="appears twice"):
        compare(ds, ["random", "random"], **TINY)
    with pytest.raises(ValueError, match="seeds is empty"):
        compare(ds, ["random"], seeds=[], **TINY)
    with pytest.raises(ValueError, match="smaller than batch_size"):
        compare(ds, ["random"], **{**TINY, "budget": 2}, batch_size=3)
    with pytest.raises(TypeError, match="dataset must be"):
        compare(np.zeros((3, 2)), ["random"], **TINY)
    with pytest.raises(TypeError, match="backend must be"):
        compare(ds, ["random"], **TINY, backend=42)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_load_round_trip(res, tmp_path, fmt):
    folder = res.save(tmp_path / "sweep", format=fmt)
    assert (folder / f"table.{fmt}").is_file() and (folder / "meta.json").is_file()
    assert not list(folder.glob("*.pkl")) and not list(folder.glob("*.tmp"))
    back = Results.load(folder)
    pd.testing.assert_frame_equal(back.table, res.table, check_dtype=fmt == "parquet")
    pd.testing.assert_frame_equal(back.runs, res.runs, check_dtype=fmt == "parquet")
    assert back.meta["seeds"] == [0, 1, 2] and back.meta["budget"] == 4
    pd.testing.assert_frame_equal(back.aubc(), res.aubc())
    with pytest.raises(ValueError, match=r"no meta\.json"):
        Results.load(tmp_path)


def test_plot_draws_one_line_per_strategy(res):
    from alviz.experiments._plot import curves_figure

    names = " ".join(str(tr.name) for tr in res.plot().data)
    assert "random" in names and "entropy" in names
    # The figure used when alviz.viz.learning_curves is not there: a line and a band each.
    own = curves_figure(res.curves(), "accuracy", 0.95)
    lines = [tr for tr in own.data if tr.mode == "lines"]
    assert [tr.name for tr in lines] == ["random", "entropy"]
    assert len(own.data) == 4


def test_dask_cluster_runs_the_same_sweep(ds, res):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with distributed.get_task_stream(client=client) as stream:
            on_dask = compare(
                ds, ["random", "entropy"], seeds=range(3), **{**TINY, "n_jobs": None},
                backend=client,
            )  # fmt: skip
        assert len(stream.data) >= 6  # the runs went through the scheduler
        by_name = compare(ds, ["random"], seeds=[0], **{**TINY, "n_jobs": None}, backend="dask")
    pd.testing.assert_frame_equal(_numbers(res), _numbers(on_dask))
    assert len(by_name.table) == 5
    with pytest.raises(ValueError, match=r"needs a running dask\.distributed Client"):
        compare(ds, ["random"], seeds=[0], **TINY, backend="dask")


def test_pool_subsample_scores_only_its_subset(ds):
    strat = PoolSubsample("bald", size=20, n_draws=4, seed=3)
    s = al.Session(ds, model="logreg", strategy=strat, initial=10, seed=0, batch_size=2)
    s.step()
    r = s.history[0]
    scored = ~np.isnan(r.pool_scores)
    assert scored.sum() == 20
    # Both picks come from the scored subset, and are its two best scores.
    picked = np.isin(r.pool_indices, r.queried)
    assert scored[picked].all()
    best = np.sort(r.pool_scores[scored])[-2:]
    assert np.allclose(np.sort(r.pool_scores[picked]), best)
    with pytest.raises(ValueError, match="size must be"):
        PoolSubsample("bald", size=0)


def test_pool_subsample_is_reseeded_per_run(ds):
    strat = {"bald@30": PoolSubsample("bald", size=30, n_draws=4, seed=0)}
    a = compare(ds, strat, seeds=[0, 1], **TINY)
    b = compare(ds, strat, seeds=[0, 1], **TINY)
    pd.testing.assert_frame_equal(_numbers(a), _numbers(b))
    assert a.strategies == ["bald@30"]


def test_bench_command_writes_table_and_plot(tmp_path, capsys):
    code = cli.main(
        ["bench", "moons", "--seeds", "2", "--budget", "3", "--out", str(tmp_path),
         "--n-jobs", "1", "--no-png", "--quiet"]
    )  # fmt: skip
    assert code == 0
    folder = tmp_path / "moons"
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary["strategy"]) == ["random", "entropy", "margin"]
    assert (folder / "curves.html").stat().st_size > 1000
    assert "| strategy |" in (folder / "summary.md").read_text()
    assert Results.load(folder / "results").meta["benchmark"] == "moons"
    assert "summary_md" in capsys.readouterr().out

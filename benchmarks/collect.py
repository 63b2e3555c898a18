"""Assemble benchmarks/README.md from the intro below and every results/*.md table.

Each benchmark script writes its own table to ``benchmarks/results/<area>.md``;
this keeps the README in one place without anyone editing it by hand.

Run: .venv/bin/python benchmarks/collect.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "session",
    "scale",
    "gpu",
    "uncertainty",
    "bald_bound",
    "acquisition",
    "models",
    "threads",
    "compare",
    "widgets",
    "browser",
    "datasets",
    "experiments",
]

INTRO = """# Benchmarks

Speed and label-efficiency benchmarks. Each script prints its table and writes it to
`results/<area>.md`; `collect.py` assembles them here. Timings come from a shared, noisy
2-core machine: every speed result is a median over repeats and is quoted beside a baseline
measured **in the same run**, as a ratio. Peers (modAL, scikit-activeml, baal) run from their
own virtual environments (`python3 -m venv /tmp/peers && /tmp/peers/bin/pip install
scikit-activeml baal torch==2.13.0`; modAL needs `scikit-learn<1.6`, so it gets its own venv).

| area | script | target (issue) |
| --- | --- | --- |
| one `Session.step()` | `bench_session.py` | <= 10 ms, 500-point pool (#6); <= best peer (#16) |
| step vs pool size | `bench_scale.py` | growth near linear, 500 to 500k points (#16) |
| GPU path | `bench_gpu.py` | BALD, BatchBALD on device tensors, MNIST CNN (#16) |
| BALD / decompose | `bench_uncertainty.py` | <= 40 ms, >= 3x numpy, (20, 100000, 10) (#3) |
| BALD vs the machine | `bench_uncertainty.py --write-bound` | within 2x of its bound (#16) |
| BatchBALD | `bench_batchbald.py` | <= 1 s, 20 draws, pool 2000, 10 classes, batch 10 (#6) |
| model refits | `bench_models.py` | MLP refit after one label well under 100 ms (#5) |
| OpenMP after torch | `bench_threads.py` | HistGradientBoosting step after torch <= 1.5x (#11) |
| compare() default | `bench_compare.py` | default `n_jobs` never slower than `n_jobs=1` (#16) |
| widget redraws | `bench_widgets.py` | click to redraw <= 100 ms logreg, 250 ms MLP (#8) |
| in a browser | `bench_browser.py` | click <= 250 ms (500, logreg), 1 s (50k); render 3 s (#13) |
| datasets | `bench_datasets.py` | large data accepted (#4) |
| published results | `wdbc.py`, `mnist_*.py` | WDBC within 0.005 of Lu et al. 2023 (#7) |
"""


def main() -> None:
    parts = [INTRO]
    files = {p.stem: p for p in sorted((HERE / "results").glob("*.md"))}
    for name in ORDER + sorted(set(files) - set(ORDER)):
        if name in files:
            text = files[name].read_text().strip()
            # Demote the file's headings one level under this page's title.
            text = "\n".join(
                "#" + line if line.startswith("#") else line for line in text.split("\n")
            )
            parts.append(text)
    (HERE / "README.md").write_text("\n\n".join(parts) + "\n")


if __name__ == "__main__":
    main()

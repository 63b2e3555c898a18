"""The GPU path: BALD and BatchBALD on device tensors, and an MNIST MC-dropout CNN round.

Runs on whatever ``device="auto"`` finds (CUDA when present, else the CPU), with
small sizes by default so that it also runs here; ``--full`` uses the sizes of
issue 16 (BALD on (20, 1M, 10), BatchBALD on a 10k pool, the whole MNIST t10k
split as pool), for a session with a GPU lent. Every row has its baseline
measured in the same run: the numpy kernel on the host for the kernels
(copying the draws to the host included, as a GPU model's draws would need),
and the same round on the CPU for the CNN when a GPU is present.

Run: .venv/bin/python benchmarks/bench_gpu.py [--full] [--write]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import torch

import alviz as al
from alviz.acquisition.batchbald import batch_bald_batch
from alviz.models._torch_utils import resolve_device

HERE = Path(__file__).resolve().parent
#: The MNIST test split, read in place: beside the checkout (/work/main) or the shared folder.
MNIST = next(
    (
        d
        for d in (
            HERE.parents[1] / "shared" / "datasets" / "mnist-t10k",
            Path("/work/shared/datasets/mnist-t10k"),
        )
        if d.exists()
    ),
    Path("/work/shared/datasets/mnist-t10k"),
)


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def median_time(fn, repeats: int, device) -> float:
    fn()  # warm-up: kernels, caches
    _sync(device)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def draws(n_draws, n, c, seed=0) -> np.ndarray:
    r = np.random.default_rng(seed)
    logits = r.normal(size=(n_draws, n, c)).astype(np.float32) * 2
    p = np.exp(logits - logits.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def mnist_round(data, device: str, n_pool: int, epochs: int) -> float:
    ds = al.datasets.load("mnist", path=data, n_samples=n_pool, n_test=500, seed=0)
    s = al.Session(
        ds,
        model="cnn_mc_dropout",
        model_params={"device": device, "max_epochs": epochs},
        strategy="bald",
        initial=20,
        seed=0,
    )
    s.step()  # first fit
    t0 = time.perf_counter()
    s.step()
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--full", action="store_true", help="issue 16's sizes (for a GPU)")
    p.add_argument("--write", action="store_true", help="write results/gpu.md")
    p.add_argument("--data", default=str(MNIST), help="folder with the MNIST t10k IDX files")
    args = p.parse_args()
    dev = resolve_device("auto")
    n_bald = 1_000_000 if args.full else 20_000
    n_bb = 10_000 if args.full else 1_000
    n_mnist = 7_500 if args.full else 600
    epochs = 30 if args.full else 3
    rows = []

    p_host = draws(20, n_bald, 10)
    p_dev = torch.from_numpy(p_host).to(dev)
    t_np = median_time(lambda: al.uncertainty.mutual_information(p_dev.cpu().numpy()), 5, dev)
    t_dev = median_time(lambda: al.uncertainty.mutual_information(p_dev), 5, dev)
    gel = p_host.size / 1e9
    rows.append(
        (f"BALD, draws (20, {n_bald:,}, 10) float32", t_dev, t_np, f"{gel / t_dev:.2f} Gelem/s")
    )

    q_host = draws(20, n_bb, 10, seed=1)
    q_dev = torch.from_numpy(q_host).to(dev)
    t_np = median_time(lambda: batch_bald_batch(q_dev.cpu().numpy(), 10, seed=0), 3, dev)
    t_dev = median_time(lambda: batch_bald_batch(q_dev, 10, seed=0), 3, dev)
    rows.append((f"BatchBALD, batch 10, pool {n_bb:,}, 20 draws, 10 classes", t_dev, t_np, ""))

    if Path(args.data).exists():
        t_dev = mnist_round(args.data, "auto", n_mnist, epochs)
        t_cpu = mnist_round(args.data, "cpu", n_mnist, epochs) if dev.type == "cuda" else t_dev
        rows.append(
            (
                f"MNIST CNN MC-dropout round (BALD, pool {n_mnist:,}, {epochs} epochs)",
                t_dev,
                t_cpu,
                "baseline: same round on the CPU",
            )
        )
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "CPU (no CUDA device)"
    lines = [
        "## GPU path",
        "",
        f'Device from `device="auto"`: **{name}**; torch {torch.__version__}. Median wall '
        "seconds; the baseline is the numpy kernel on the host (draws copied there first), "
        "measured in the same run; ratio = device / baseline.",
        "",
        "| case | device s | baseline s | ratio | note |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [f"| {c} | {a:.4f} | {b:.4f} | {a / b:.2f} | {n} |" for c, a, b, n in rows]
    if dev.type == "cpu":
        lines += [
            "",
            "No CUDA device in this run: a CPU tensor goes to the numpy kernel (shared memory, "
            "no copy), so both columns run the same code and the ratio only shows the noise. "
            "Run with a GPU (`--full`) for the device numbers.",
        ]
    lines += [
        "",
        f"Machine load: `{load}` ({os.cpu_count()} CPUs).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_gpu.py{' --full' if args.full else ''}"
        f"{' --write' if args.write else ''}`",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (HERE / "results" / "gpu.md").write_text(text)


if __name__ == "__main__":
    main()

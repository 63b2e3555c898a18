"""BatchBALD vs top-k BALD at batch size 10 (Kirsch et al. 2019) on the scaled MNIST set-up.

Same data and model as benchmarks/mnist_gal2017.py, with a longer budget (20 + 380 labels);
labels needed to reach 90% test accuracy. BatchBALD picks the 10 points of a step jointly
(greedy, exact joint entropies over the MC-dropout draws); top-k BALD takes the 10 best
single scores.

    .venv/bin/python benchmarks/mnist_batchbald.py      # 3 seeds, ~20 min on 2 busy cores
    .venv/bin/python benchmarks/mnist_batchbald.py --seeds 1 --budget 40  # smoke run
"""

from _common import parse, run_and_report

from alviz.experiments._mnist import protocol_notes

BUDGET = 380

READING = """
Reading (the run recorded here): BatchBALD reaches 90% test accuracy at 280 labels on the
seed-averaged curve (per seed 280-310, median 290) and top-k BALD at 310 (300-310); BatchBALD's
AUBC is higher on 2 of 3 seeds (+0.013, 95% CI [-0.015, +0.041]). The direction agrees with
Kirsch et al. (2019: BatchBALD needs fewer labels than BALD at acquisition size 10), but with 3
seeds the difference is not significant. Their label counts are not quoted here: their set-up
(the full MNIST training set as pool, 28x28 images, a larger network) is too far from this
CPU-scaled one for a like-for-like comparison of numbers. The first 250 labels of top-k BALD
here repeat, number for number, the `bald` run of mnist-gal2017 (same seeds, same set-up):
the sweep is deterministic.
"""

if __name__ == "__main__":
    args = parse(__doc__.splitlines()[0], default_seeds=3, data=True)
    args.budget = BUDGET if args.budget is None else args.budget
    notes = (
        READING
        + "\nProtocol differences from the papers (shared with mnist-gal2017, budget aside):\n\n"
        + protocol_notes(budget=args.budget)
    )
    run_and_report("mnist-batchbald", args, notes, data=args.data)

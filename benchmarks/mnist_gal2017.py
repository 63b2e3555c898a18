"""MNIST in the spirit of Gal, Islam & Ghahramani 2017, scaled to a shared 2-core CPU.

MC-dropout CNN, 20 balanced initial labels, 10 labels per step, the pool scored on a
random subset per step; BALD, variation ratios, max entropy, mean STD and random over
3 seeds; labels needed for 10% / 5% test error beside the paper's Table 1. Every
difference of protocol is listed in the results (alviz.experiments._mnist.PROTOCOL_CHANGES).

    .venv/bin/python benchmarks/mnist_gal2017.py                  # 3 seeds, 1-2 h on 2 busy cores
    .venv/bin/python benchmarks/mnist_gal2017.py --seeds 1 --budget 40   # smoke run
"""

from _common import parse, run_and_report

from alviz.experiments._mnist import protocol_notes

if __name__ == "__main__":
    args = parse(__doc__.splitlines()[0], default_seeds=3, data=True)
    notes = "Protocol differences from the paper:\n\n" + protocol_notes()
    run_and_report("mnist-gal2017", args, notes, data=args.data)

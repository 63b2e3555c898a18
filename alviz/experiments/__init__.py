"""Experiments: compare strategies over seeds, summarise the curves honestly.

>>> import alviz as al
>>> ds = al.datasets.load("moons", n_samples=120, seed=0)
>>> res = al.experiments.compare(ds, ["random", "entropy"], seeds=range(2), budget=4,
...                              n_jobs=1, progress=False)
>>> list(res.aubc()["strategy"])
['random', 'entropy']
"""

from ._compare import compare
from ._results import Results
from ._stats import aubc, labels_to_reach, t_interval
from ._subsample import PoolSubsample

__all__ = ["PoolSubsample", "Results", "aubc", "compare", "labels_to_reach", "t_interval"]

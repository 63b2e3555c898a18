"""Short text cells for the published-result tables."""

from __future__ import annotations

__all__ = ["paired_cell"]


def paired_cell(paired, strategy: str) -> str:
    """``"+0.0112 [+0.0100, +0.0124], wins 97%"`` from a :meth:`Results.versus_random` frame.

    Parameters
    ----------
    paired : pandas.DataFrame
        ``versus_random(...)`` indexed by strategy.
    strategy : str

    Returns
    -------
    str
        ``"baseline"`` for the strategy the others were compared with.
    """
    if strategy not in paired.index:
        return "baseline"
    r = paired.loc[strategy]
    return f"{r['mean_diff']:+.4f} [{r['low']:+.4f}, {r['high']:+.4f}], wins {r['win_rate']:.0%}"

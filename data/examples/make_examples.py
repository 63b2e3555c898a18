"""Regenerate the example files in this folder (seeded; run from the repository root).

    .venv/bin/python data/examples/make_examples.py

fruit.csv    120 fruits: numeric and category columns, a third without a label
             (for from_csv and the Labeler).
reviews.csv  90 short product reviews, half without a label (for from_texts).
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def fruit(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = {
        "apple": (170, 7.5, ["red", "green", "yellow"]),
        "orange": (200, 8.0, ["orange"]),
        "pear": (180, 6.5, ["green", "yellow"]),
    }
    rows = []
    for i in range(120):
        label = list(kinds)[i % 3]
        weight, diameter, colours = kinds[label]
        rows.append(
            {
                "weight_g": round(rng.normal(weight, 25), 1),
                "diameter_cm": round(rng.normal(diameter, 0.7), 2),
                "colour": rng.choice([*colours, "green"]),  # green fruit of every kind
                "organic": bool(rng.random() < 0.3),
                "label": label if rng.random() > 1 / 3 else None,
            }
        )
    return pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def reviews(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    good = ["great", "excellent", "sturdy", "well made", "quiet", "a joy to use"]
    bad = ["terrible", "flimsy", "broken", "noisy", "badly made", "a waste of money"]
    things = ["kettle", "lamp", "backpack", "keyboard", "umbrella", "blender"]
    rows = []
    for i in range(90):
        positive = i % 2 == 0
        words = rng.choice(good if positive else bad, size=2, replace=False)
        text = f"This {rng.choice(things)} is {words[0]} and {words[1]}."
        label = ("positive" if positive else "negative") if rng.random() < 0.5 else None
        rows.append({"text": text, "label": label})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    fruit().to_csv(HERE / "fruit.csv", index=False)
    reviews().to_csv(HERE / "reviews.csv", index=False)

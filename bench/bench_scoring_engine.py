"""Time the scoring engine alone on one 44-item assessment (no Django, no database).

Run from the repository root: ``.venv/bin/python bench/bench_scoring_engine.py``. The data has
the default bank's shape (10 dimensions, 5/5/5/4/4/4/4/4/4/5 items, 6.1 and 8.1 reverse) and
random answers from a fixed seed, with a few "don't know" and blanks so every branch runs.
"""

import random
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alignment.scoring import DONT_KNOW, DimensionSpec, ItemSpec, score  # noqa: E402

SIZES = [5, 5, 5, 4, 4, 4, 4, 4, 4, 5]
REVERSE = {"6.1", "8.1"}
RUNS = 2_000  # timed runs per repeat
REPEATS = 25


def build_assessment(seed: int = 44):
    """The 44-item questionnaire and one CEO and one CISO answer set."""
    rng = random.Random(seed)
    dimensions = [DimensionSpec(f"D{d}", f"Dimension {d}") for d in range(1, len(SIZES) + 1)]
    items = [
        ItemSpec(f"{d}.{i}", f"D{d}", reverse=f"{d}.{i}" in REVERSE)
        for d, size in enumerate(SIZES, start=1)
        for i in range(1, size + 1)
    ]
    choices = [1, 2, 3, 4, 5] * 8 + [DONT_KNOW, None]

    def answers():
        return {item.code: rng.choice(choices) for item in items}

    return dimensions, items, answers(), answers()


def main() -> None:
    dimensions, items, ceo, ciso = build_assessment()
    assert len(items) == 44
    timer = timeit.Timer(lambda: score(dimensions, items, ceo, ciso))
    per_run = [total / RUNS for total in timer.repeat(repeat=REPEATS, number=RUNS)]
    median_ms = statistics.median(per_run) * 1000
    print(f"scoring engine: {median_ms:.3f} ms per assessment (median of {REPEATS} x {RUNS} runs)")


if __name__ == "__main__":
    main()

"""Time Krippendorff's alpha against the `krippendorff` package, and `compare` on large files.

Run with ``python bench/agreement.py`` (needs the test extras: numpy and krippendorff).

Each side gets its data in its own native form, built before the clock starts: ours a list
of row tuples with ``None`` for missing, theirs a coders x units float array with NaN. Each
timing is the best of ``--repeat`` runs. Labels are integers on a 1..7 scale, the kind of
data either level is used for. The compare benchmark is added by :func:`bench_compare`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotate.agreement import krippendorff_alpha


def make_table(
    units: int, coders: int, missing: float, seed: int, scale: int = 7
) -> list[tuple[int | None, ...]]:
    """Ratings that mostly agree: each coder copies a unit's true value 70% of the time."""
    rng = random.Random(seed)
    table = []
    for _ in range(units):
        truth = rng.randint(1, scale)
        row = tuple(
            None
            if rng.random() < missing
            else (truth if rng.random() < 0.7 else rng.randint(1, scale))
            for _ in range(coders)
        )
        table.append(row)
    return table


def best_of(repeat: int, run: Callable[[], float]) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs and the value the last run returned."""
    best = float("inf")
    value = float("nan")
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def bench_alpha(repeat: int) -> bool:
    """Print our alpha time, the package's, and the ratio; True when every ratio is <= 1."""
    import krippendorff
    import numpy as np

    cases = [
        ("500,000 units x 2 coders", 500_000, 2, 0.0),
        ("200,000 units x 5 coders, 20% missing", 200_000, 5, 0.2),
    ]
    all_fast = True
    print(f"{'data':40} {'level':9} {'ours s':>8} {'theirs s':>9} {'ratio':>6}  alpha")
    for title, units, coders, missing in cases:
        table = make_table(units, coders, missing, seed=units + coders)
        ratings = sum(v is not None for row in table for v in row)
        matrix = np.array(
            [[np.nan if v is None else v for v in row] for row in table], dtype=float
        ).T
        for level in ("nominal", "interval"):

            def ours(level: str = level, table: list[tuple[int | None, ...]] = table) -> float:
                value = krippendorff_alpha(table, level).value  # type: ignore[arg-type]
                assert value is not None
                return value

            def theirs(level: str = level, matrix: np.ndarray = matrix) -> float:
                return float(krippendorff.alpha(matrix, level_of_measurement=level))

            our_time, our_value = best_of(repeat, ours)
            their_time, their_value = best_of(repeat, theirs)
            assert abs(our_value - their_value) < 1e-9, (our_value, their_value)
            ratio = our_time / their_time
            all_fast &= ratio <= 1.0
            print(
                f"{title:40} {level:9} {our_time:8.3f} {their_time:9.3f} {ratio:6.2f}"
                f"  {our_value:.6f}  ({ratings:,} ratings)"
            )
    return all_fast


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args()
    ok = bench_alpha(args.repeat)
    print("alpha: ours no slower than krippendorff" if ok else "alpha: SLOWER than krippendorff")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

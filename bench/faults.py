"""Kill the real app (and export, import) with SIGKILL 200 times; count lost edits (must be 0).

Run: python bench/faults.py [--trials 200] [--seed 1]
Each trial types random edits into ``annotate open`` in a pseudo-terminal and kills it at a
random moment (typing, during the background save, or idle); one trial in ten kills
``export -o`` and one in ten ``import`` instead. See tests/test_faults.py for the rules.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_faults import run_trials


def main() -> int:
    """Run the trials and print trials, keys, edits handled, lost and unreadable files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="annotate-faults-") as scratch:
        totals = run_trials(Path(scratch), args.trials, args.seed)
    elapsed = time.perf_counter() - started
    print(f"faults: {totals.trials} trials in {elapsed:.0f} s (seed {args.seed})")
    print(f"  keys typed        {totals.keys:>6}")
    print(f"  edits handled     {totals.handled:>6}")
    print(f"  one edit in flight also kept: {totals.in_flight} trials")
    print(f"  edits lost        {totals.lost:>6}")
    print(f"  files unreadable  {totals.unreadable:>6}")
    for note in totals.notes:
        print(f"  note: {note}")
    return 1 if totals.lost or totals.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz every file reader with 100,000 random and mutated files; count crashes (must be 0).

Run: python bench/fuzz.py [--cases 100000] [--seed 1] [--workers 2] [--keep DIR]
A crash is any exception other than annotate's own AnnotateError (or one with an empty
message). The cases come from the engine in tests/test_fuzz.py: random bytes, byte-level
damage and structural mutations with hostile values (huge numbers, deep nesting, long strings,
NUL bytes, invalid UTF-8, a BOM, duplicate ids, spans outside the text, start > end,
overlapping sentences, unknown keys, wrong types) of valid project, annotator, sentence,
journal, import (JSON, JSONL, W3C) and ratings CSV files.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_fuzz import describe, fuzz_bytes, fuzz_world

Result = tuple[Counter[str], Counter[str], list[tuple[str, str, bytes]]]


def run_worker(worker: int, cases: int, seed: int) -> Result:
    """Run ``cases`` cases with their own project folder; count cases and crashes per target."""
    sys.setrecursionlimit(1000)
    counts: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    samples: list[tuple[str, str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="annotate-fuzz-") as scratch, \
            fuzz_world(Path(scratch) / "project") as world:
        rng = random.Random(seed * 1_000_003 + worker)
        for _ in range(cases):
            target = rng.choice(world.targets)
            data = fuzz_bytes(rng, target.kind, rng.choice(target.seeds))
            counts[target.name] += 1
            error = world.run(target, data, rng)
            if error is not None:
                key = f"{target.name}: {describe(error)}"
                crashes[key] += 1
                if crashes[key] <= 3:
                    samples.append((target.name, key, data))
    return counts, crashes, samples


def main() -> int:
    """Run the cases in parallel and print the counts; exit 1 if anything crashed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=max(1, multiprocessing.cpu_count()))
    parser.add_argument("--keep", type=Path, help="write crashing inputs into this folder")
    args = parser.parse_args()
    started = time.perf_counter()
    shares = [args.cases // args.workers + (i < args.cases % args.workers)
              for i in range(args.workers)]
    with multiprocessing.Pool(args.workers) as pool:
        results = pool.starmap(run_worker, [(i, n, args.seed) for i, n in enumerate(shares)])
    counts: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    samples: list[tuple[str, str, bytes]] = []
    for worker_counts, worker_crashes, worker_samples in results:
        counts.update(worker_counts)
        crashes.update(worker_crashes)
        samples.extend(worker_samples)
    elapsed = time.perf_counter() - started
    total_crashes = sum(crashes.values())
    print(f"fuzz: {sum(counts.values()):,} cases in {elapsed:.0f} s "
          f"(seed {args.seed}, {args.workers} workers)")
    for name, count in sorted(counts.items()):
        crashed = sum(n for key, n in crashes.items() if key.startswith(f"{name}:"))
        print(f"  {name:<10} {count:>8,} cases  {crashed:>5} crashes")
    print(f"crashes: {total_crashes}")
    for key, count in crashes.most_common():
        print(f"  {count:>6} x {key}")
    if args.keep and samples:
        args.keep.mkdir(parents=True, exist_ok=True)
        for number, (name, _, data) in enumerate(samples):
            (args.keep / f"{number:03}-{name}.bin").write_bytes(data)
        print(f"crashing inputs written to {args.keep}")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())

"""Time every CLI command on a 50 MB document and 1 MB lines; none may hang.

Run: python bench/big_inputs.py [--mb 50] [--line-mb 1] [--annotations 20000] [--timeout 600]
Builds a project with ``init`` and ``add`` (a document of --mb megabytes, a line of prose and a
line with no space or full stop of --line-mb each), writes two annotators who reviewed every
sentence, then runs segment, validate, stats, export and compare in fresh interpreters, as
tests/test_big_inputs.py does at CI size. Prints each command's wall time and exit code.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_big_inputs import Timing, build_big_project, command_timings


def main() -> int:
    """Build the inputs, run the commands, print one line per command; exit 1 on a failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="document size in MB (50)")
    parser.add_argument("--line-mb", type=float, default=1, help="long line size in MB (1)")
    parser.add_argument("--annotations", type=int, default=20000,
                        help="annotations per annotator on the big document (20000)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per command (600)")
    args = parser.parse_args()
    started = time.perf_counter()
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="annotate-big-") as scratch:
        try:
            root, timings = build_big_project(Path(scratch), args.mb, args.line_mb,
                                              args.annotations, args.timeout)
            sizes = {p.name: p.stat().st_size for p in (root / "annotations").glob("*.toml")}
            timings += command_timings(root, args.timeout)
        except subprocess.TimeoutExpired as e:
            print(f"big inputs: a command did not finish in {args.timeout:.0f} s: {e.cmd}")
            return 1
    print(f"big inputs: {args.mb:g} MB document, {args.line_mb:g} MB lines, "
          f"{args.annotations:,} annotations per annotator "
          f"({', '.join(f'{n} {s / 1e6:.0f} MB' for n, s in sorted(sizes.items()))}); "
          f"{time.perf_counter() - started:.0f} s in all")
    failed = 0
    for timing in timings:
        status = "ok" if timing.returncode == 0 else f"exit {timing.returncode}"
        print(f"  {timing.label:<20} {timing.seconds:>7.2f} s  {status}")
        if timing.returncode:
            failed += 1
            print("    " + timing.stderr.strip().replace("\n", "\n    "))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

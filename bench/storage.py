"""Benchmark the project files: load and save annotator files, segment and add documents.

Run: python bench/storage.py [--quick]
Targets (issue 2): load an annotator file of 10k annotations in under 0.5 s; add a 5 MB
document (segmentation included) in under 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from annotate.model import Annotation, AnnotatorFile
from annotate.projects import add_document, init_project
from annotate.segmentation import segment
from annotate.storage import load_annotator_file, save_annotator_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "industry-recovery.txt"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TAGS = {"propaganda": "loaded-language", "figure": "statistical", "quote": "direct",
        "assertion": "causal"}


def best_of(repeats: int, action: object) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    assert callable(action)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_file(count: int, rng: random.Random) -> AnnotatorFile:
    """An annotator file of ``count`` realistic annotations with notes and attributes."""
    items = []
    for index in range(count):
        start = index * 120 + rng.randrange(0, 60)
        quote = "approximately 100-105 million rubles"[: rng.randrange(5, 36)]
        tag = rng.choice(list(TAGS))
        items.append(Annotation(
            id=f"a{index:06d}", document="doc", start=start, end=start + len(quote), quote=quote,
            prefix="The financial assistance provided to ", suffix=" [Cm. Stalin Political",
            tag=tag, subtype=TAGS[tag],
            attributes={"value": 100.0, "unit": "rubles", "status": "unchecked"}
            if tag == "figure" else {},
            note="Compare with the 1925 budget." if index % 3 == 0 else "",
            created=NOW, modified=NOW))
    return AnnotatorFile(annotator="bench", project="0123456789abcdef",
                         reviewed={"doc": list(range(0, count * 2, 2))}, annotations=items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k sizes")
    args = parser.parse_args()
    rng = random.Random(1)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    print("annotator files (best of 3)")
    print(f"{'annotations':>12} {'file MB':>8} {'save s':>8} {'load s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            data = synthetic_file(count, rng)
            path = Path(tmp) / f"f{count}.toml"
            save = best_of(3, lambda d=data, p=path: save_annotator_file(p, d))
            load = best_of(3, lambda p=path: load_annotator_file(p))
            size = path.stat().st_size / 1e6
            print(f"{count:>12,} {size:>8.2f} {save:>8.3f} {load:>8.3f}")

        text = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else \
            "The party grew. It had 7 million members [Cm. Stalin, p. 4.].\n\n" * 400
        print("\nsegmentation (sample document repeated)")
        print(f"{'sentences':>12} {'MB':>8} {'seconds':>8} {'MB/s':>8}")
        per_copy = len(segment(text))
        for count in sizes:
            copies = max(1, count // per_copy)
            big = "\n\n".join([text] * copies)
            seconds = best_of(1, lambda b=big: segment(b))
            megabytes = len(big.encode()) / 1e6
            print(f"{per_copy * copies:>12,} {megabytes:>8.2f} {seconds:>8.3f} "
                  f"{megabytes / seconds:>8.2f}")

        copies = int(5e6 / len(text.encode())) + 1
        five_mb = Path(tmp) / "five.txt"
        five_mb.write_text("\n\n".join([text] * copies), encoding="utf-8")
        folder = init_project(Path(tmp) / "project", "bench")
        start = time.perf_counter()
        added = add_document(folder, five_mb)
        seconds = time.perf_counter() - start
        print(f"\nadd a {five_mb.stat().st_size / 1e6:.1f} MB document "
              f"({added.sentence_count:,} sentences): {seconds:.2f} s (target < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark sentence segmentation: golden rules, throughput, and a comparison of base segmenters.

Run from the repository root: ``python bench/segment.py``. It prints the pass rate on the pySBD
English golden rules, the throughput on the sample document repeated to at least 5 MB, and, for
pysbd, syntok and sentencex, their figures alone and under this project's genre rules.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from annotate.segmentation import BaseSegmenter, segment, segment_with_base, sentencex_boundaries

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN_RULES = SHARED / "benchmarks" / "golden_rules_en.json"
SAMPLE = SHARED / "corpus" / "industry-recovery.txt"
GENRE_TABLE = ROOT / "tests" / "test_segmentation.py"

Segmenter = Callable[[str], list[tuple[int, int]]]
Case = tuple[str, str, list[str]]


def load_golden_rules(path: Path) -> list[Case]:
    """Return the golden rules as (id and rule name, text, expected sentences)."""
    rules = json.loads(path.read_text(encoding="utf-8"))
    return [(f"{rule['id']} {rule['rule']}", rule["text"], rule["expected"]) for rule in rules]


def load_genre_table(path: Path) -> list[Case]:
    """Return the genre cases that tests/test_segmentation.py defines."""
    spec = importlib.util.spec_from_file_location("genre_table", path)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: list[Case] = module.GENRE_CASES
    return cases


def sentences(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Return the sentence strings of ``spans``."""
    return [text[start:end] for start, end in spans]


def failures(segmenter: Segmenter, cases: list[Case]) -> list[tuple[str, list[str]]]:
    """Return (case id, sentences produced) for each case the segmenter gets wrong."""
    wrong = []
    for case_id, text, expected in cases:
        got = sentences(text, segmenter(text))
        if got != expected:
            wrong.append((case_id, got))
    return wrong


def megabytes_per_second(segmenter: Segmenter, text: str, runs: int = 3) -> tuple[float, float]:
    """Return (seconds, MB/s of UTF-8 text) for the fastest of ``runs`` runs over ``text``."""
    seconds = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        segmenter(text)
        seconds = min(seconds, time.perf_counter() - started)
    return seconds, len(text.encode("utf-8")) / 1e6 / seconds


def spans_from_starts(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """Turn sentence starts into trimmed spans, as a base segmenter alone would give them."""
    bounds = sorted({0, *starts, len(text)})
    spans = []
    for start, end in itertools.pairwise(bounds):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def pysbd_boundaries() -> BaseSegmenter:
    """Return a base segmenter over pysbd, mapping its strings back to offsets by search."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)

    def starts(line: str) -> list[int]:
        found, cursor = [], 0
        for piece in segmenter.segment(line):
            stripped = piece.strip()
            if not stripped:
                continue
            index = line.find(stripped, cursor)
            if index < 0:
                index = line.find(stripped[:8], cursor)
            if index < 0:
                continue
            found.append(index)
            cursor = index + 1
        return [index for index in found if index > 0]

    return starts


def syntok_boundaries() -> BaseSegmenter:
    """Return a base segmenter over syntok, whose tokens carry offsets into the input."""
    from syntok import segmenter  # type: ignore[import-untyped]

    def starts(line: str) -> list[int]:
        return [sentence[0].offset for paragraph in segmenter.process(line)
                for sentence in paragraph if sentence and sentence[0].offset > 0]

    return starts


def bases() -> dict[str, BaseSegmenter]:
    """Return the base segmenters that are installed, by name."""
    found: dict[str, BaseSegmenter] = {"sentencex": sentencex_boundaries}
    for name, factory in (("pysbd", pysbd_boundaries), ("syntok", syntok_boundaries)):
        try:
            found[name] = factory()
        except ImportError:
            print(f"  ({name} is not installed; pip install {name} to compare it)")
    return found


def report_golden_rules(golden: list[Case], show: int) -> None:
    """Print the golden-rules pass rate of ``segment`` and its failures."""
    wrong = failures(segment, golden)
    passed = len(golden) - len(wrong)
    print(f"Golden rules (pySBD English): {passed}/{len(golden)} passed "
          f"({100 * passed / len(golden):.0f}%)")
    for case_id, got in wrong[:show]:
        print(f"  FAIL {case_id}: {got}")


def report_throughput(sample: str, target_bytes: int) -> None:
    """Print throughput on the sample repeated to ``target_bytes`` or more."""
    repeats = -(-target_bytes // len(sample.encode("utf-8")))
    text = "\n\n".join([sample] * repeats)
    seconds, rate = megabytes_per_second(segment, text)
    size = len(text.encode("utf-8")) / 1e6
    sentence_count = len(segment(text))
    print(f"Throughput: {size:.1f} MB ({repeats} copies of the sample, {sentence_count} "
          f"sentences) in {seconds:.2f} s = {rate:.1f} MB/s (target >= 1 MB/s; 5 MB < 10 s)")
    line = sample.replace("\n", " ")
    one_line = (line * (1 + 1_000_000 // len(line)))[:1_000_000]
    seconds, rate = megabytes_per_second(segment, one_line)
    print(f"One 1 MB line: {seconds:.2f} s = {rate:.1f} MB/s")


def report_comparison(golden: list[Case], genre: list[Case], sample: str) -> None:
    """Print each base segmenter's figures alone and under the genre rules."""
    print("Segmenter comparison (golden rules, genre table, MB/s on the sample):")
    print(f"  {'segmenter':<24}{'golden':>8}{'genre':>8}{'MB/s':>8}")
    for name, base in bases().items():
        def alone(text: str, base: BaseSegmenter = base) -> list[tuple[int, int]]:
            return spans_from_starts(text, base(text))

        def with_rules(text: str, base: BaseSegmenter = base) -> list[tuple[int, int]]:
            return segment_with_base(text, None, base)

        for label, segmenter in ((name, alone), (f"{name} + genre rules", with_rules)):
            golden_passed = len(golden) - len(failures(segmenter, golden))
            genre_passed = len(genre) - len(failures(segmenter, genre))
            _, rate = megabytes_per_second(segmenter, sample, runs=1 if "pysbd" in name else 3)
            print(f"  {label:<24}{golden_passed:>5}/{len(golden):<2}{genre_passed:>5}/"
                  f"{len(genre):<2}{rate:>8.2f}")


def main() -> None:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10, help="golden-rule failures to list")
    parser.add_argument("--megabytes", type=float, default=5.0, help="throughput text size")
    parser.add_argument("--no-compare", action="store_true", help="skip the base comparison")
    args = parser.parse_args()
    golden = load_golden_rules(GOLDEN_RULES)
    sample = SAMPLE.read_text(encoding="utf-8")
    report_golden_rules(golden, args.show)
    report_throughput(sample, int(args.megabytes * 1e6))
    if not args.no_compare:
        report_comparison(golden, load_genre_table(GENRE_TABLE), sample)


if __name__ == "__main__":
    main()

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


def build_compare_project(root: Path, annotations: int, seed: int = 1) -> tuple[Path, Path]:
    """A one-document project and two annotator files of ``annotations`` annotations each."""
    from datetime import UTC, datetime

    from annotate.model import Annotation, AnnotatorFile, Document, SentenceFile
    from annotate.projects import init_project
    from annotate.storage import save_annotator_file, save_project, sentences_to_toml, sha256_text

    rng = random.Random(seed)
    sentence_count = annotations * 2
    pieces, spans, offset = [], [], 0
    for i in range(sentence_count):
        sentence = f"In {1900 + i % 100} the plant number {i} made {rng.randint(1, 999)} tractors."
        pieces.append(sentence + " ")
        spans.append((offset, offset + len(sentence)))
        offset += len(sentence) + 1
    text = "".join(pieces)
    folder = init_project(root, "Compare benchmark")
    digest = sha256_text(text)
    document = Document(
        id="doc",
        title="Doc",
        path="documents/doc.txt",
        sha256=digest,
        sentences="sentences/doc.toml",
        length=len(text),
    )
    (root / document.path).write_text(text, encoding="utf-8")
    sentence_file = SentenceFile(document="doc", sha256=digest, method="annotate-1", spans=spans)
    (root / document.sentences).write_text(sentences_to_toml(sentence_file), encoding="utf-8")
    project = folder.project.model_copy(update={"documents": [document]})
    save_project(root, project)
    tag_ids = [t.id for t in project.tags]
    when = datetime(2025, 1, 1, tzinfo=UTC)
    chosen = rng.sample(range(sentence_count), annotations)
    paths = []
    for name in ("maria", "lev"):
        made = []
        for number, index in enumerate(chosen):
            start, end = spans[index]
            if name == "lev" and rng.random() < 0.3:
                start, end = spans[(index + 1) % sentence_count]
            if rng.random() < 0.5:
                end = start + (end - start) // 2
            tag = tag_ids[index % len(tag_ids)] if rng.random() < 0.9 else rng.choice(tag_ids)
            made.append(
                Annotation(
                    id=f"{name}-{number}",
                    document="doc",
                    start=start,
                    end=end,
                    quote=text[start:end],
                    tag=tag,
                    created=when,
                    modified=when,
                )
            )
        path = root / "annotations" / f"{name}.toml"
        path.parent.mkdir(exist_ok=True)
        save_annotator_file(
            path,
            AnnotatorFile(
                annotator=name,
                project=project.id,
                reviewed={"doc": list(range(sentence_count))},
                annotations=made,
            ),
        )
        paths.append(path)
    return paths[0], paths[1]


def bench_compare(repeat: int, annotations: int = 10_000) -> bool:
    """Time ``annotate compare`` on two files of 10,000 annotations, in-process and as a
    fresh command; True when the command finishes within 1 s."""
    import contextlib
    import io
    import subprocess
    import tempfile

    from annotate.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        first, second = build_compare_project(Path(tmp) / "project", annotations)

        def in_process() -> float:
            with contextlib.redirect_stdout(io.StringIO()):
                return float(cli_main(["compare", str(first), str(second)]))

        def as_command() -> float:
            done = subprocess.run(
                [sys.executable, "-m", "annotate", "compare", str(first), str(second)],
                capture_output=True,
                check=True,
            )
            return float(len(done.stdout))

        from annotate.compare import compare_annotators
        from annotate.storage import load_annotator_file, open_project

        folder = open_project(first.parent.parent)

        def load() -> float:
            for path in (first, second):
                folder.check_annotator_file(path, load_annotator_file(path))
            return 0.0

        loaded = [load_annotator_file(first), load_annotator_file(second)]
        sentences, texts = {"doc": folder.sentences("doc")}, {"doc": folder.text("doc")}

        def report() -> float:
            compare_annotators(folder.project, sentences, texts, *loaded)
            return 0.0

        load_time, _ = best_of(repeat, load)
        report_time, _ = best_of(repeat, report)
        call_time, _ = best_of(repeat, in_process)
        command_time, _ = best_of(repeat, as_command)
    print(
        f"compare, 2 x {annotations:,} annotations, 1000 bootstrap resamples: "
        f"{command_time:.3f} s as a command, {call_time:.3f} s in-process; of that "
        f"{load_time:.3f} s reading and checking the two files (storage) and "
        f"{report_time:.3f} s building the report (limit 1 s)"
    )
    return command_time <= 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args()
    fast_alpha = bench_alpha(args.repeat)
    print("alpha: ours no slower than krippendorff" if fast_alpha else "alpha: SLOWER")
    fast_compare = bench_compare(args.repeat)
    print("compare: within 1 s" if fast_compare else "compare: over 1 s")
    return 0 if fast_alpha and fast_compare else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Time edit-session calls on a large synthetic project and print p50/p95.

    python bench/journal.py [--sentences 100000] [--annotations 10000] [--calls 500]

Each mutating call includes its journal append and fsync. The project is built in a temporary
folder with annotate.projects (falling back to hand-written sentence files when segmentation
is unavailable), so nothing outside it is touched.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from annotate.session import EditSession
from annotate.storage import ProjectFolder, open_project

WORDS = ("the", "ministry", "reported", "that", "unemployment", "fell", "by", "four",
         "percent", "in", "the", "last", "quarter", "while", "critics", "said", "figures",
         "were", "misleading", "and", "experts", "disagreed", "about", "causes")


def synthetic_text(sentences: int, rng: random.Random) -> str:
    """A text of ``sentences`` plain sentences, one paragraph per ten."""
    parts = []
    for index in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(6, 18))
        sentence = " ".join(words).capitalize() + "."
        parts.append(sentence + ("\n\n" if index % 10 == 9 else " "))
    return "".join(parts)


def build(root: Path, text: str) -> ProjectFolder:
    """A project with one document holding ``text``."""
    source = root.parent / "synthetic.txt"
    source.write_text(text, encoding="utf-8")
    try:
        from annotate.projects import add_document, init_project
    except ImportError:
        return build_by_hand(root, text)
    folder = init_project(root, "Journal benchmark")
    add_document(folder, source, document_id="synthetic")
    return open_project(root)


def build_by_hand(root: Path, text: str) -> ProjectFolder:
    """The same project without the segmenter: sentences end at '. '."""
    import secrets

    from annotate.model import Document, Project, SentenceFile
    from annotate.storage import save_project, sentences_to_toml, sha256_text
    from annotate.tagset import default_tags

    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "." and (index + 1 == len(text) or text[index + 1] in " \n"):
            spans.append((start, index + 1))
            start = index + 1
            while start < len(text) and text[start] in " \n":
                start += 1
    digest = sha256_text(text)
    for sub in ("documents", "sentences", "annotations"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "documents/synthetic.txt").write_text(text, encoding="utf-8")
    (root / "sentences/synthetic.toml").write_text(sentences_to_toml(SentenceFile(
        document="synthetic", sha256=digest, method="annotate-1", spans=spans)),
        encoding="utf-8")
    project = Project(id=secrets.token_hex(8), title="Journal benchmark", tags=default_tags(),
                      documents=[Document(id="synthetic", path="documents/synthetic.txt",
                                          sha256=digest, sentences="sentences/synthetic.toml",
                                          length=len(text))])
    save_project(root, project)
    return open_project(root)


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds taken by each of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    """Print p50 and p95 of a list of milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<28} p50 {statistics.median(ordered):7.3f} ms   p95 {p95:7.3f} ms   "
          f"(n={len(ordered)})")


def during_saves(session: EditSession, sentence: Callable[[], tuple[int, int]],
                 tags: list[str], rng: random.Random) -> list[float]:
    """Milliseconds per add while another thread saves every 20 ms (so a TOML rewrite is
    almost always in progress)."""
    stop = threading.Event()

    def keep_saving() -> None:
        while not stop.wait(0.02):
            session.save()

    worker = threading.Thread(target=keep_saving)
    worker.start()
    try:
        times = []
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            times += timed(lambda: session.add("synthetic", *sentence(), rng.choice(tags)), 1)
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join()
    return times


def main() -> None:
    """Build the project, fill it, and time the calls the UI makes per key."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval in seconds (Python's default is 0.005)")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    rng = random.Random(1)
    tags = ["propaganda", "figure", "quote", "assertion"]
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "project"
        began = time.perf_counter()
        folder = build(root, synthetic_text(args.sentences, rng))
        sentences = folder.sentences("synthetic")
        print(f"project: {len(sentences)} sentences, {folder.project.documents[0].length} "
              f"characters, built in {time.perf_counter() - began:.1f} s")

        session = EditSession(folder, "bench")
        began = time.perf_counter()
        for _ in range(args.annotations):
            start, end = rng.choice(sentences)
            session.add("synthetic", start, end, rng.choice(tags))
        print(f"filled {args.annotations} annotations in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        session.save()
        print(f"save() with {args.annotations} annotations (first fold): "
              f"{(time.perf_counter() - began) * 1000:.0f} ms")

        def sentence() -> tuple[int, int]:
            return rng.choice(sentences)

        report("add", timed(lambda: session.add("synthetic", *sentence(), rng.choice(tags)),
                            args.calls))
        report("toggle", timed(lambda: session.toggle("synthetic", *sentence(),
                                                      rng.choice(tags)), args.calls))
        report("set_reviewed", timed(lambda: session.set_reviewed(
            "synthetic", rng.randrange(len(sentences)), rng.random() < 0.7), args.calls))
        report("undo", timed(session.undo, args.calls // 2))
        report("annotations_overlapping", timed(
            lambda: session.annotations_overlapping("synthetic", *sentence()), args.calls))
        report("next_unreviewed", timed(lambda: session.next_unreviewed(
            "synthetic", rng.randrange(len(sentences)), len(sentences)), args.calls))
        report("tag_counts", timed(lambda: session.tag_counts("synthetic"), args.calls))
        count = len(session.annotations("synthetic"))
        saves = timed(session.save, 1)
        saves += timed(lambda: (session.add("synthetic", *sentence(), "figure"),
                                session.save()), 4)
        report(f"save() with {count} annotations", saves)
        report("add during a background save", during_saves(session, sentence, tags, rng))
        session.close()

        began = time.perf_counter()
        reopened = EditSession(open_project(root), "bench")
        print(f"open session with {count} annotations: "
              f"{(time.perf_counter() - began) * 1000:.0f} ms")
        reopened.close()


if __name__ == "__main__":
    main()

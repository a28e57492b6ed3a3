"""Key-to-frame latency, CPU per key, memory and start-up time of the annotator's UI.

Usage::

    python bench/tui_latency.py            # 100,000 and 100 sentences, headless, + tmux start-up
    python bench/tui_latency.py --keys 300 --no-startup

It builds a synthetic project (100,000 sentences with 10,000 annotations, and one of 100
sentences with 10), runs the app headless at 100x30, presses keys one at a time with a
random human-like gap, and takes the time from posting each key to the end of the next frame
the app writes (the frame is rendered to terminal bytes, as a real terminal would need).
Start-up is measured as a real process in tmux: from spawning ``annotate open`` to the first
screen showing the document text at its position, and to the annotations shown (they are read
in the background after the first screen).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import annotate.tui  # noqa: F401  (sets the UI's frame rate before textual is imported)
from annotate.model import Annotation, AnnotatorFile, Document, SentenceFile
from annotate.projects import init_project
from annotate.storage import (
    open_project,
    save_annotator_file,
    save_project,
    sentences_to_toml,
    sha256_text,
)

WORDS = ["the", "production", "of", "coal", "and", "steel", "grew", "by", "8.3", "million",
         "tons", "in", "1927", "while", "heroic", "workers", "of", "the", "Soviet", "state",
         "built", "new", "factories", "under", "the", "wise", "leadership"]
TAGS = ["propaganda", "figure", "quote", "assertion"]
NAVIGATION_KEYS = ["j", "j", "k", "l", "l", "h", "j", "shift+right", "escape", "j"]


def build_project(root: Path, sentences: int, annotations: int, seed: int = 1) -> None:
    """A project with one synthetic document and an annotator file for "bench"."""
    rng = random.Random(seed)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for index in range(sentences):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 24)))
        sentence = sentence[0].upper() + sentence[1:] + "."
        separator = "\n\n" if index % 6 == 5 else " "
        spans.append((position, position + len(sentence)))
        parts.append(sentence + separator)
        position += len(sentence) + len(separator)
    text = "".join(parts)
    folder = init_project(root, "Benchmark")
    digest = sha256_text(text)
    document = Document(id="big", title="Synthetic", path="documents/big.txt", sha256=digest,
                        sentences="sentences/big.toml", length=len(text))
    (root / document.path).write_text(text, encoding="utf-8")
    sentence_file = SentenceFile(document="big", sha256=digest, method="annotate-1",
                                 spans=spans)
    (root / document.sentences).write_text(sentences_to_toml(sentence_file), encoding="utf-8")
    project = folder.project.model_copy(update={"documents": [document]})
    save_project(root, project)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    step = max(1, sentences // max(annotations, 1))
    items = []
    for number in range(annotations):
        start, end = spans[(number * step) % sentences]
        if number % 2:
            end = min(end, start + 20)
        items.append(Annotation(id=f"a{number}", document="big", start=start, end=end,
                                quote=text[start:end], tag=TAGS[number % 4], created=now,
                                modified=now))
    save_annotator_file(root / "annotations" / "bench.toml",
                        AnnotatorFile(annotator="bench", project=project.id,
                                      annotations=items))


async def measure_keys(root: Path, keys: int, seed: int = 2) -> dict[str, list[float]]:
    """Press navigation keys and tag toggles; per key: latency to frame (ms), CPU (ms)."""
    from textual import events
    from textual.keys import _character_to_key

    from annotate.session import EditSession
    from annotate.tui.app import AnnotateApp

    folder = open_project(root)
    folder.text("big")
    folder.sentences("big")
    # as annotate open does: take the lock, freeze what start-up built out of the garbage
    # collector's reach, and let the screen read the annotations in the background
    session = EditSession(folder, "bench", load=False)
    gc.freeze()
    app = AnnotateApp(folder, annotator="bench", document="big", session=session,
                      save_delay=3600)
    frame_done = asyncio.Event()
    frame_at = [0.0]
    original_display = app._display

    def display(screen: object, renderable: object) -> None:
        original_display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
        frame_at[0] = time.perf_counter()
        frame_done.set()

    app._display = display  # type: ignore[method-assign]
    rng = random.Random(seed)
    results: dict[str, list[float]] = {"navigate": [], "navigate_cpu": [], "toggle": [],
                                       "toggle_cpu": []}
    async with app.run_test(size=(100, 30)) as pilot:
        while app.main is None or app.main.reading:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        plan = []
        for index in range(keys):
            plan.append(("toggle", "2") if index % 5 == 4 else
                        ("navigate", NAVIGATION_KEYS[index % len(NAVIGATION_KEYS)]))
        for kind, key in plan:
            await asyncio.sleep(rng.uniform(0.012, 0.035))
            frame_done.clear()
            character = key if len(key) == 1 else None
            name = _character_to_key(key) if len(key) == 1 else key
            cpu_start = time.process_time()
            started = time.perf_counter()
            app.post_message(events.Key(name, character))
            await asyncio.wait_for(frame_done.wait(), timeout=5)
            results[kind].append((frame_at[0] - started) * 1000)
            results[f"{kind}_cpu"].append((time.process_time() - cpu_start) * 1000)
        await pilot.press("q")
    gc.unfreeze()
    return results


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(label: str, results: dict[str, list[float]]) -> None:
    """Print one size's figures."""
    print(f"{label}:")
    for kind in ("navigate", "toggle"):
        latencies, cpu = results[kind], results[f"{kind}_cpu"]
        print(f"  {kind:<9} key->frame p50 {statistics.median(latencies):5.1f} ms  "
              f"p95 {p95(latencies):5.1f} ms  max {max(latencies):5.1f} ms  | "
              f"CPU/key p50 {statistics.median(cpu):5.1f} ms  p95 {p95(cpu):5.1f} ms  "
              f"({len(latencies)} keys)")


def measure_startup(root: Path, runs: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from spawning ``annotate open`` in tmux to the first screen, and to the
    annotations shown.

    The first screen counts once the status line ("Sentence 1/") and the document's first
    words are on screen; the annotations count once the header shows the progress
    ("N/M reviewed"), which replaces "loading annotations…" when the annotator's file is read.
    """
    if shutil.which("tmux") is None:
        return [], []
    # The console script beside this interpreter, as a virtual environment puts it on PATH;
    # a version manager's shim in front of it (pyenv's adds ~40 ms of bash) is not ours.
    beside = Path(sys.executable).parent / "annotate"
    command = str(beside) if beside.exists() else (shutil.which("annotate")
                                                  or f"{sys.executable} -m annotate")
    print(f"start-up command: {command}")
    first_words = (root / "documents" / "big.txt").read_text(encoding="utf-8")[:12]
    first_screens, loaded = [], []
    for run in range(runs):
        session = f"bench-startup-{run}"
        started = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                        f"{command} open {root} --annotator bench"], check=True)
        try:
            shown = False
            while time.perf_counter() - started < 30:
                screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                        capture_output=True, text=True).stdout
                if not shown and "Sentence 1/" in screen and first_words in screen:
                    first_screens.append(time.perf_counter() - started)
                    shown = True
                if shown and " reviewed (" in screen:
                    loaded.append(time.perf_counter() - started)
                    break
                time.sleep(0.005)
            subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=False)
            time.sleep(1.0)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False,
                           capture_output=True)
    return first_screens, loaded


def startup_breakdown(root: Path) -> None:
    """Where start-up time goes, measured in a fresh interpreter."""
    code = f"""
import time; t0 = time.perf_counter()
from annotate.storage import open_project
folder = open_project({str(root)!r}); t1 = time.perf_counter()
folder.text("big"); t2 = time.perf_counter()
folder.sentences("big"); t3 = time.perf_counter()
from annotate.session import EditSession
s = EditSession(folder, "bench", read_only=True); t4 = time.perf_counter()
import annotate.tui.app; t5 = time.perf_counter()
print(f"  project.toml {{(t1-t0)*1000:.0f}} ms, text {{(t2-t1)*1000:.0f}} ms, "
      f"sentence file {{(t3-t2)*1000:.0f}} ms, "
      f"annotator file (10,000; read after the first screen) {{(t4-t3)*1000:.0f}} ms, "
      f"import textual + UI {{(t5-t4)*1000:.0f}} ms")
"""
    subprocess.run([sys.executable, "-c", code], check=False)


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=400, help="keys pressed per size")
    parser.add_argument("--no-startup", action="store_true", help="skip the tmux start-up run")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        big, small = Path(temp) / "big", Path(temp) / "small"
        build_project(big, 100_000, 10_000)
        build_project(small, 100, 10)
        report("100,000 sentences, 10,000 annotations (100x30)",
               asyncio.run(measure_keys(big, options.keys)))
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report("100 sentences, 10 annotations (100x30)",
               asyncio.run(measure_keys(small, options.keys)))
        print(f"peak memory (both runs, this process): {memory:.0f} MB")
        if not options.no_startup:
            first_screens, loaded = measure_startup(big)
            if first_screens:
                for label, times in (("first screen (text and position)", first_screens),
                                     ("annotations shown", loaded)):
                    print(f"start-up to {label}, 100,000 sentences, in tmux: median "
                          f"{statistics.median(times):.2f} s, best {min(times):.2f} s, "
                          f"worst {max(times):.2f} s ({len(times)} runs)")
            else:
                print("start-up: tmux not found, not measured")
            startup_breakdown(big)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Drive the UI headless for the kill test: tag and review sentence after sentence.

Run as ``python tests/tui/tui_crash_child.py PROJECT``; prints ``done N`` after the N-th key
press has been handled, until it is killed.
"""

from __future__ import annotations

import asyncio
import sys

from annotate.session import EditSession
from annotate.storage import open_project
from annotate.tui.app import AnnotateApp

KEYS = ["2", "space"]
"""Each sentence gets the figure tag, then is marked reviewed (which moves on)."""


async def drive(project: str) -> None:
    """Press the keys forever, reporting each one handled."""
    folder = open_project(project)
    app = AnnotateApp(folder, annotator="maria", document="doc",
                      session=EditSession(folder, "maria"), save_delay=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        print("ready", flush=True)
        step = 0
        while True:
            await pilot.press(KEYS[step % len(KEYS)])
            step += 1
            print(f"done {step}", flush=True)


if __name__ == "__main__":
    asyncio.run(drive(sys.argv[1]))

"""The bundled sample project and how to get a fresh copy of it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from annotate.errors import UsageError

SAMPLE_PROJECT = "industry-recovery"
"""Folder name of the bundled sample project."""


def sample_project_source() -> Path:
    """Where the installed package keeps the sample project (or the source checkout does)."""
    try:
        path = Path(str(resources.files("annotate.sample_projects") / SAMPLE_PROJECT))
    except ModuleNotFoundError:  # running from a source checkout that shadows the install
        path = Path(__file__).resolve().parent.parent / "sample_projects" / SAMPLE_PROJECT
    if not (path / "project.toml").is_file():
        raise UsageError(f"the sample project is missing from this installation ({path})")
    return path


def copy_sample_project(target: Path | None = None) -> Path:
    """Copy the sample project to ``target`` (default: a fresh ./annotate-demo[-N])."""
    source = sample_project_source()
    if target is None:
        target = Path("annotate-demo")
        number = 2
        while target.exists():
            target = Path(f"annotate-demo-{number}")
            number += 1
    elif target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: already exists and is not empty; choose a new folder")
    try:
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.py", ".*"))
    except OSError as e:
        raise UsageError(f"{target}: cannot copy the sample project: {e.strerror or e}") from None
    return target.resolve()

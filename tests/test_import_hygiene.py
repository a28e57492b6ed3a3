"""The domain never loads textual: only annotate/tui/ may import it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import annotate

PACKAGE_DIR = Path(annotate.__file__).parent


def domain_modules() -> list[str]:
    """Every module of the package outside annotate.tui."""
    return sorted(f"annotate.{m.name}" for m in pkgutil.iter_modules([str(PACKAGE_DIR)])
                  if m.name not in {"tui", "__main__"})


class TestImportHygiene:
    def test_domain_modules_do_not_load_textual(self) -> None:
        """A fresh interpreter importing every domain module has not loaded textual."""
        modules = domain_modules()
        assert "annotate.cli" in modules and "annotate.storage" in modules
        code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
                "bad = sorted(m for m in sys.modules if m == 'textual' "
                "or m.startswith('textual.'))\n"
                "print(','.join(bad))\n")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True)
        assert result.stdout.strip() == ""

    def test_domain_source_never_names_textual(self) -> None:
        """No domain source file imports textual, even lazily inside a function."""
        offenders = []
        for path in PACKAGE_DIR.glob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith(("import textual", "from textual")):
                    offenders.append(f"{path.name}: {stripped}")
        assert offenders == []

"""The ``annotate export`` and ``annotate import`` commands, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from export_project import build_project

from annotate.cli import main
from annotate.storage import ProjectFolder

NOW = "2024-06-01T12:00:00Z"
GOLDEN = Path(__file__).parent / "data" / "export" / "fixture.json"


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    return build_project(tmp_path / "project")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line; return status, stdout and stderr."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


class TestExportCommand:
    def test_stdout_json_matches_golden(self, folder: ProjectFolder,
                                        capsys: pytest.CaptureFixture[str]) -> None:
        """With --now, the default JSON on stdout is the golden file; the count goes to stderr."""
        status, out, err = run(capsys, "export", str(folder.root), "--now", NOW)
        assert status == 0
        assert out == GOLDEN.read_text(encoding="utf-8")
        assert "exported 8 claims as json" in err

    def test_output_file(self, folder: ProjectFolder, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
        """-o writes the file and nothing to stdout."""
        target = tmp_path / "claims.csv"
        status, out, _ = run(capsys, "export", str(folder.root), "--format", "csv", "-o",
                             str(target))
        assert status == 0 and out == ""
        with target.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 8

    def test_filters_and_jsonl(self, folder: ProjectFolder,
                               capsys: pytest.CaptureFixture[str]) -> None:
        """--annotator and --tag filter the JSON Lines output."""
        status, out, _ = run(capsys, "export", str(folder.root), "--annotator", "maria",
                             "--tag", "figure", "--format", "jsonl")
        assert status == 0
        claims = [json.loads(line) for line in io.StringIO(out)]
        assert [c["id"] for c in claims] == ["m1", "m3", "m4"]

    def test_w3c(self, folder: ProjectFolder, capsys: pytest.CaptureFixture[str]) -> None:
        """--format w3c writes an AnnotationCollection."""
        status, out, _ = run(capsys, "export", str(folder.root), "--format", "w3c")
        assert status == 0
        assert json.loads(out)["type"] == "AnnotationCollection"

    @pytest.mark.parametrize(("args", "message"), [
        (["--tag", "nope"], "no tag 'nope'"),
        (["--annotator", "bob"], "no annotator 'bob'"),
        (["--document", "nope"], "no document 'nope'"),
        (["-o", "/nonexistent-folder/x.json"], "cannot write"),
        (["--excel"], "--excel only applies to --format csv"),
    ])
    def test_bad_input_is_one_line_and_exit_2(self, folder: ProjectFolder,
                                              capsys: pytest.CaptureFixture[str],
                                              args: list[str], message: str) -> None:
        """An unknown name, an unwritable path or a wrong option is one line and exit 2."""
        status, out, err = run(capsys, "export", str(folder.root), *args)
        assert status == 2 and out == ""
        assert err.count("\n") == 1 and message in err

    def test_unknown_format_exits_2(self, folder: ProjectFolder,
                                    capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown --format is refused by the parser with exit 2."""
        with pytest.raises(SystemExit) as caught:
            main(["export", str(folder.root), "--format", "xml"])
        assert caught.value.code == 2
        assert "invalid choice: 'xml'" in capsys.readouterr().err


class TestImportCommand:
    def test_round_trip(self, folder: ProjectFolder, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
        """export -o then import --from puts the same claims into a new annotator's file."""
        target = tmp_path / "claims.json"
        assert run(capsys, "export", str(folder.root), "-o", str(target))[0] == 0
        status, _, err = run(capsys, "import", str(folder.root), str(target), "--annotator",
                             "copy", "--from", "maria")
        assert status == 0
        assert "imported 5 claims" in err
        assert (folder.load_annotator("copy").annotations
                == folder.load_annotator("maria").annotations)

    def test_bad_file_exit_2(self, folder: ProjectFolder, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
        """A file that is not an export gets one line with the path, and exit 2."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"hello": 1}', encoding="utf-8")
        status, _, err = run(capsys, "import", str(folder.root), str(bad), "--annotator", "x")
        assert status == 2
        assert err.count("\n") == 1 and str(bad) in err

    def test_conflict_lists_problems(self, folder: ProjectFolder, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """Conflicting ids are listed one per line, then that nothing was imported."""
        target = tmp_path / "claims.json"
        run(capsys, "export", str(folder.root), "--annotator", "li", "-o", str(target))
        data = json.loads(target.read_text(encoding="utf-8"))
        for claim in data["claims"]:
            claim["note"] = "edited"
        target.write_text(json.dumps(data), encoding="utf-8")
        status, _, err = run(capsys, "import", str(folder.root), str(target), "--annotator",
                             "li")
        assert status == 2
        assert err.count("already exists") == 3
        assert "nothing was imported" in err


class TestParserIsLight:
    def test_format_choices_match_the_exporters(self) -> None:
        """The command line offers exactly the formats the exporters write."""
        from annotate.cli_export import EXPORT_FORMATS
        from annotate.export import FORMATS

        assert EXPORT_FORMATS == FORMATS

    def test_building_the_parser_imports_no_exporter(self) -> None:
        """Every command pays for the parser, so it must not import the export models."""
        import subprocess
        import sys

        code = ("import sys, annotate.cli; annotate.cli.build_parser(); "
                "print(sorted(m for m in sys.modules if m.startswith('annotate.export')))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
        assert out.strip() == "[]"

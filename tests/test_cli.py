"""Tests for the annotate command line: each command, and one clear line + exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.cli import main
from tests.conftest import DATA

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "industry-recovery.txt"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, "-m", "annotate", *args], capture_output=True,
                          input=stdin.decode() if stdin is not None else None, text=True,
                          timeout=60)


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "Chapter One.txt"
    path.write_text("Title line\n\nV. I. Lenin spoke. It was 1925! Was it? "
                    "Yes [Cm. Stalin, Soch., vol. 7, p. 42.].\n", encoding="utf-8")
    return path


class TestInitAndAdd:
    def test_init_then_add_creates_the_folder_layout(self, tmp_path: Path,
                                                     text_file: Path) -> None:
        """init writes project.toml; add copies the text and stores its sentences once."""
        project = tmp_path / "my-project"
        assert main(["init", str(project), "--title", "Textbook chapter"]) == 0
        assert main(["add", str(project), str(text_file)]) == 0
        assert (project / "documents" / "chapter-one.txt").read_bytes() == text_file.read_bytes()
        sentences = (project / "sentences" / "chapter-one.toml").read_text()
        assert sentences.splitlines()[4] == "spans = \"\"\"" and "0 10" in sentences
        assert 'title = "Textbook chapter"' in (project / "project.toml").read_text()

    def test_adding_the_same_text_twice_is_refused(self, tmp_path: Path,
                                                   text_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
        """A text already in the project is not added a second time."""
        project = tmp_path / "p"
        main(["init", str(project)])
        main(["add", str(project), str(text_file)])
        assert main(["add", str(project), str(text_file)]) == 2
        assert "already has this text as 'chapter-one'" in capsys.readouterr().err

    def test_init_refuses_a_non_empty_folder(self, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
        """init never writes into a folder that holds other files."""
        (tmp_path / "x.txt").write_text("x")
        assert main(["init", str(tmp_path)]) == 2
        assert "not empty" in capsys.readouterr().err

    def test_add_a_missing_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing text is one clear line and exit 2."""
        main(["init", str(tmp_path / "p")])
        assert main(["add", str(tmp_path / "p"), str(tmp_path / "nope.txt")]) == 2
        assert capsys.readouterr().err.strip().endswith("nope.txt: file not found")


class TestSegment:
    def test_text_format_has_offsets(self, text_file: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """The preview prints one sentence a line with its number and offsets."""
        assert main(["segment", str(text_file)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split()[:2] == ["0", "0-10"]
        assert any("V. I. Lenin spoke." in line for line in lines)

    def test_jsonl_from_stdin(self, text_file: Path) -> None:
        """`segment - --format jsonl` reads stdin and prints objects whose text matches offsets."""
        text = text_file.read_text(encoding="utf-8")
        result = run("segment", "-", "--format", "jsonl", stdin=text.encode())
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert rows and all(text[r["start"]:r["end"]] == r["text"] for r in rows)
        assert rows[-1]["text"].endswith("[Cm. Stalin, Soch., vol. 7, p. 42.].")

    def test_control_characters_are_shown_escaped(self, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
        """An escape sequence in a text never reaches the terminal from the preview."""
        path = tmp_path / "t.txt"
        path.write_text("Red \x1b[31mtext\x1b[0m here.\n", encoding="utf-8")
        main(["segment", str(path)])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\\e[31m" in out


class TestValidateAndStats:
    def test_validate_clean_project(self, small_project,  # type: ignore[no-untyped-def]
                                    capsys: pytest.CaptureFixture[str]) -> None:
        """A project without problems validates with exit 0."""
        assert main(["validate", str(small_project.root)]) == 0
        assert capsys.readouterr().err.startswith("ok: 1 documents")

    def test_validate_lists_every_problem(self, small_project,  # type: ignore[no-untyped-def]
                                          capsys: pytest.CaptureFixture[str]) -> None:
        """Problems in several files are all listed, and the exit status is 2."""
        annotations = small_project.root / "annotations"
        (annotations / "maria.toml").write_bytes((DATA / "bad_unknown_tag.toml").read_bytes())
        (annotations / "lev.toml").write_bytes((DATA / "bad_syntax.toml").read_bytes())
        assert main(["validate", str(small_project.root)]) == 2
        err = capsys.readouterr().err
        assert "lev.toml:9:7: TOML syntax error" in err
        assert "maria.toml: annotations[0].tag: unknown tag 'figur'" in err
        assert "2 problems" in err

    def test_stats_json(self, small_project,  # type: ignore[no-untyped-def]
                        capsys: pytest.CaptureFixture[str]) -> None:
        """stats --json reports documents, sentences and annotators."""
        assert main(["stats", str(small_project.root), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["sentences"] == 3 and data["documents"][0]["id"] == "doc"


class TestBadInputNeverShowsATraceback:
    @pytest.mark.parametrize("name", ["bad_syntax", "bad_unknown_tag", "bad_newer_version",
                                      "bad_not_utf8", "bad_unknown_key", "bad_other_project",
                                      "bad_duplicate_id"])
    def test_bad_annotator_file(self, small_project, name: str) -> None:  # type: ignore[no-untyped-def]
        """Each broken file gives exactly one line on stderr naming the file, and exit 2."""
        (small_project.root / "annotations" / "maria.toml").write_bytes(
            (DATA / f"{name}.toml").read_bytes())
        result = run("stats", str(small_project.root))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "maria.toml" in lines[0], result.stderr
        assert "Traceback" not in result.stderr

    def test_missing_project(self, tmp_path: Path) -> None:
        """A folder that is not a project says how to make one."""
        result = run("validate", str(tmp_path))
        assert result.returncode == 2
        assert "annotate init" in result.stderr and "Traceback" not in result.stderr

    def test_unknown_command(self) -> None:
        """An unknown subcommand is a usage error with exit 2."""
        assert run("frobnicate").returncode == 2


class TestDemo:
    def test_demo_copies_the_sample_project(self, tmp_path: Path) -> None:
        """`demo --no-open` copies a valid sample project to a fresh folder."""
        target = tmp_path / "demo"
        assert main(["demo", str(target), "--no-open"]) == 0
        assert (target / "project.toml").is_file()
        assert main(["validate", str(target)]) == 0

    def test_demo_refuses_a_non_empty_folder(self, tmp_path: Path) -> None:
        """The demo never overwrites an existing folder's files."""
        (tmp_path / "x").write_text("keep")
        assert main(["demo", str(tmp_path), "--no-open"]) == 2
        assert (tmp_path / "x").read_text() == "keep"


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
class TestSampleCorpus:
    def test_add_the_sample_document(self, tmp_path: Path) -> None:
        """The shared sample document adds cleanly and validates."""
        project = tmp_path / "p"
        assert main(["init", str(project)]) == 0
        assert main(["add", str(project), str(CORPUS)]) == 0
        assert main(["validate", str(project)]) == 0


class TestPendingJournal:
    def test_stats_counts_edits_still_in_the_journal(self, small_project,  # type: ignore[no-untyped-def]
                                                    capsys: pytest.CaptureFixture[str]) -> None:
        """After a crash, stats already shows the edits the journal kept, as export does."""
        from annotate.journal import SetReviewed, encode_header, encode_record, journal_path

        journal_path(small_project.root, "maria").write_bytes(
            encode_header(small_project.project.id, "maria")
            + encode_record([SetReviewed("doc", 1, True)]))
        assert main(["stats", str(small_project.root), "--json"]) == 0
        annotators = json.loads(capsys.readouterr().out)["annotators"]
        assert annotators[0]["name"] == "maria" and annotators[0]["reviewed"] == 1

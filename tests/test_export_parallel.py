"""Exports rendered in worker processes are byte for byte what one process writes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pytest
from export_project import build_project

from annotate import export_parallel
from annotate.errors import ProjectFileError
from annotate.export import (
    FORMATS,
    ExportSelection,
    JsonWriter,
    current_annotator_file,
    plan_export,
    write_export,
)
from annotate.journal import journal_path
from annotate.storage import ProjectFolder, atomic_output

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    return build_project(tmp_path / "project")


def export(folder: ProjectFolder, fmt: str, jobs: int, *,
           excel: bool = False) -> tuple[str, list[str]]:
    """The export written to a real UTF-8 file (the byte-copy path), and its warnings."""
    plan = plan_export(folder, ExportSelection())
    target = folder.root.parent / f"out-{fmt}-{jobs}"
    with atomic_output(target, text=True) as out:
        write_export(out, plan, fmt, now=NOW, excel=excel, jobs=jobs)
    return target.read_text(encoding="utf-8"), plan.warnings


class TestSameOutput:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_every_format_matches_one_process(self, folder: ProjectFolder, fmt: str) -> None:
        """JSON, JSONL, CSV and W3C from two workers equal the single-process output."""
        assert export(folder, fmt, 2) == export(folder, fmt, 1)

    def test_excel_csv_matches(self, folder: ProjectFolder) -> None:
        """The spreadsheet CSV (BOM, CRLF rows, neutralised formulas) is copied unchanged."""
        assert export(folder, "csv", 2, excel=True) == export(folder, "csv", 1, excel=True)

    def test_stream_without_a_byte_buffer(self, folder: ProjectFolder) -> None:
        """Output that has no byte layer (a StringIO) gets the parts as text."""
        outputs = []
        for jobs in (1, 2):
            out = io.StringIO()
            write_export(out, plan_export(folder, ExportSelection()), "json", now=NOW,
                         jobs=jobs)
            outputs.append(out.getvalue())
        assert outputs[0] == outputs[1]

    def test_an_annotator_without_claims(self, folder: ProjectFolder) -> None:
        """Commas stay right when an annotator in the middle has no claims to export."""
        li = folder.annotator_path("li").read_text(encoding="utf-8")
        folder.annotator_path("lu").write_text(
            li.replace('annotator = "li"', 'annotator = "lu"').split("[[annotations]]")[0],
            encoding="utf-8")
        assert plan_export(folder, ExportSelection()).annotators == ["li", "lu", "maria"]
        for fmt in ("json", "w3c"):
            assert export(folder, fmt, 3) == export(folder, fmt, 1)

    def test_journal_warnings_come_back(self, folder: ProjectFolder) -> None:
        """What a worker noticed while reading (a damaged journal) reaches the caller."""
        journal_path(folder.root, "li").write_bytes(b"\x00\x00garbage")
        parallel = export(folder, "json", 2)
        assert parallel == export(folder, "json", 1)
        assert parallel[1], "the damaged journal should give a warning"


class TestWorkerFailures:
    def test_a_killed_worker_is_redone_here(self, folder: ProjectFolder) -> None:
        """A worker the system kills (the OOM killer, say) is noticed, not waited for: its
        annotator is rendered again in this process, the output is whole, and a warning says
        so."""
        parent = os.getpid()

        def load(f: ProjectFolder, name: str) -> Any:
            if name == "li" and os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return current_annotator_file(f, name)

        expected = export(folder, "json", 1)[0]
        plan = plan_export(folder, ExportSelection())
        plan.load = load
        out = io.StringIO()
        write_export(out, plan, "json", now=NOW, jobs=2)
        assert out.getvalue() == expected
        assert plan.warnings == ["a worker process failed on annotator 'li'; its claims were "
                                 "read again in the main process"]

    def test_sigterm_stops_like_ctrl_c(self) -> None:
        """While workers run, SIGTERM raises KeyboardInterrupt, so workers are stopped and
        the scratch folder removed; the previous handler comes back afterwards."""
        before = signal.getsignal(signal.SIGTERM)
        with pytest.raises(KeyboardInterrupt), export_parallel._terminated_as_interrupted():
            os.kill(os.getpid(), signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) == before

    def test_no_fork_means_one_process(self, folder: ProjectFolder,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        """Where forking is not safe, jobs above 1 quietly use one process."""
        monkeypatch.setattr(export_parallel, "can_fork", lambda: False)
        monkeypatch.setattr(export_parallel, "write_rendered_claims", None)
        assert export(folder, "json", 2) == export(folder, "json", 1)


class TestErrors:
    def test_a_broken_file_gives_the_usual_error(self, folder: ProjectFolder) -> None:
        """An annotator file that fails in a worker is read again here, so the error is the
        one a single process raises, with its file and line."""
        path = folder.annotator_path("maria")
        path.write_text(path.read_text(encoding="utf-8").replace("start = ", "start = -", 1),
                        encoding="utf-8")
        errors = []
        for jobs in (1, 2):
            with pytest.raises(ProjectFileError) as error:
                export(folder, "json", jobs)
            errors.append(str(error.value))
        assert errors[0] == errors[1]
        assert str(path) in errors[0]


class TestDefaultJobs:
    def test_small_projects_use_one_process(self, folder: ProjectFolder) -> None:
        """Starting workers costs more than a small export takes."""
        assert export_parallel.default_jobs(plan_export(folder, ExportSelection())) == 1

    def test_large_projects_use_a_process_per_cpu(
            self, folder: ProjectFolder, monkeypatch: pytest.MonkeyPatch) -> None:
        """Above the size threshold: one process per CPU, whether the claims are spread over
        annotators or all one annotator's (then they are rendered in slices)."""
        monkeypatch.setattr(export_parallel, "PARALLEL_BYTES", 1)
        monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
        assert export_parallel.default_jobs(plan_export(folder, ExportSelection())) == 4
        one = plan_export(folder, ExportSelection(annotators=("li",)))
        assert export_parallel.default_jobs(one) == 4


class TestSlices:
    """Fewer annotators than jobs: each annotator is read once here and its claims are
    rendered in consecutive slices by the workers."""

    def export_one(self, folder: ProjectFolder, fmt: str, jobs: int,
                   **selection: Any) -> tuple[str, list[str], list[Any]]:
        plan = plan_export(folder, ExportSelection(annotators=("maria",), **selection))
        out = io.StringIO()
        write_export(out, plan, fmt, now=NOW, jobs=jobs)
        return out.getvalue(), plan.warnings, plan.reviewed

    @pytest.mark.parametrize("fmt", FORMATS)
    @pytest.mark.parametrize("jobs", [2, 3, 7])
    def test_slices_join_to_the_whole(self, folder: ProjectFolder, fmt: str,
                                      jobs: int) -> None:
        """Any number of slices, some of them empty, joins to the single-process output;
        review marks are listed once."""
        assert self.export_one(folder, fmt, jobs) == self.export_one(folder, fmt, 1)

    def test_filters_apply_within_slices(self, folder: ProjectFolder) -> None:
        """--tag and --reviewed-only narrow each slice, and the joined result is the same."""
        for selection in ({"tags": ("figure",)}, {"reviewed_only": True}):
            assert (self.export_one(folder, "json", 2, **selection)
                    == self.export_one(folder, "json", 1, **selection))

    def test_a_killed_slice_is_redone_here(self, folder: ProjectFolder,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
        """A slice whose worker dies is rendered again in this process, once, and the
        output is whole."""
        parent = os.getpid()
        expected = self.export_one(folder, "json", 1)[0]
        real = JsonWriter.claims

        def claims(self: JsonWriter, out: TextIO, annotator: str, *, continuing: bool) -> int:
            if os.getpid() != parent and self.plan.part == (1, 2):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, out, annotator, continuing=continuing)

        monkeypatch.setattr(JsonWriter, "claims", claims)
        text, warnings, _ = self.export_one(folder, "json", 2)
        assert text == expected
        assert warnings == ["a worker process failed on annotator 'maria'; its claims were "
                            "read again in the main process"]


class TestCommand:
    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "annotate", "export", *args],
                              capture_output=True, timeout=60, check=False)

    def test_standard_output_is_not_doubled(self, folder: ProjectFolder) -> None:
        """Workers forked after the head was written do not write it again on exit."""
        common = (str(folder.root), "--now", "2024-06-01T12:00:00Z")
        parallel = self.run(*common, "--jobs", "2")
        single = self.run(*common, "--jobs", "1")
        assert parallel.returncode == single.returncode == 0
        assert parallel.stdout == single.stdout

    def test_closed_standard_output(self, folder: ProjectFolder) -> None:
        """With standard output closed (`>&-`), an export to a file still works."""
        target = folder.root.parent / "closed.json"
        result = subprocess.run(
            [sys.executable, "-m", "annotate", "export", str(folder.root), "--jobs", "2",
             "-o", str(target), "--now", "2024-06-01T12:00:00Z"],
            capture_output=False, stderr=subprocess.PIPE, timeout=60, check=False,
            preexec_fn=lambda: os.close(1))  # the child closes its own stdout
        assert result.returncode == 0, result.stderr
        assert target.read_text(encoding="utf-8") == export(folder, "json", 1)[0]

    def test_jobs_must_be_positive(self, folder: ProjectFolder) -> None:
        """--jobs 0 is a usage error with exit status 2."""
        result = self.run(str(folder.root), "--jobs", "0")
        assert result.returncode == 2
        assert b"not a positive whole number" in result.stderr

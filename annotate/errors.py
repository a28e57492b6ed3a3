"""One error family for everything a user can get wrong."""

from __future__ import annotations

from pathlib import Path


class AnnotateError(Exception):
    """An error a user can act on: one readable message, never a traceback."""

    title = "Error"

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class FileProblem(AnnotateError):
    """A problem with one file, located by path and, where known, line, column and field."""

    title = "Bad file"

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.field = field
        where = str(self.path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        detail = f"{field}: {problem}" if field else problem
        super().__init__(f"{where}: {detail}")


class ProjectFileError(FileProblem):
    """A project, annotator or sentence file that cannot be read as it stands."""

    title = "Cannot read project file"


class DocumentError(FileProblem):
    """A document that is missing, not UTF-8, or no longer matches its recorded hash."""

    title = "Document problem"


class NewerVersionError(ProjectFileError):
    """A file written by a newer version of annotate; refused rather than half-read."""

    title = "File from a newer version"


class UsageError(AnnotateError):
    """A command-line request that cannot be carried out as asked."""

    title = "Cannot do that"


class SaveError(AnnotateError):
    """A write that failed; the previous file on disk is left intact."""

    title = "Could not save"


class LockedError(AnnotateError):
    """Another live process is already writing this annotator file."""

    title = "File in use"


class ProblemList(AnnotateError):
    """Several independent problems found at once, e.g. by ``annotate validate``."""

    title = "Problems found"

    def __init__(self, problems: list[AnnotateError]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__("\n".join(lines) if lines else "no problems")

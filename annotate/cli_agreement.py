"""The ``compare`` and ``agreement`` subcommands: load files, build reports, print them.

Human-readable output is rendered by :mod:`annotate.cli_agreement_render`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotate.errors import FileProblem, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from annotate.agreement import Label, Score
    from annotate.compare import CompareReport
    from annotate.compare_all import AgreementReport
    from annotate.model import AnnotatorFile
    from annotate.storage import ProjectFolder

LEVELS = ("nominal", "ordinal", "interval", "ratio")
TABLE_COLUMNS = ("unit", "coder", "label")


class TableFileError(FileProblem):
    """A ratings CSV that cannot be read as unit, coder, label rows."""

    title = "Bad ratings table"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``compare`` and ``agreement`` subcommands to the ``annotate`` parser."""
    p = commands.add_parser(
        "compare",
        help="agreement and disagreements between two annotator files",
        description="Compare two annotators of one project, tag by tag, on the sentences "
        "both reviewed. A sentence an annotator has not reviewed is missing data.",
    )
    p.add_argument("first", metavar="A.toml", help="first annotator file")
    p.add_argument("second", metavar="B.toml", help="second annotator file")
    _add_common(p)
    p.add_argument(
        "--project",
        help="project folder (default: the folder above the files' annotations/ folder)",
    )
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    p.set_defaults(func=cmd_compare)

    p = commands.add_parser(
        "agreement",
        help="agreement among all annotators of a project, or of any ratings table",
        description="Pairwise and multi-annotator agreement for a project, or the "
        "coefficients of a CSV of ratings with the columns unit,coder,label (one row per "
        "rating; a unit a coder did not rate has no row, an empty label counts as no row).",
    )
    p.add_argument("project", nargs="?", help="project folder")
    _add_common(p)
    p.add_argument("--table", metavar="FILE.csv", help="score a ratings CSV instead")
    p.add_argument(
        "--level",
        choices=LEVELS,
        default="nominal",
        help="level of measurement of --table labels, for Krippendorff's alpha (nominal)",
    )
    p.set_defaults(func=cmd_agreement)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument(
        "--fail-below", type=_alpha_minimum, metavar="ALPHA",
        help="exit with status 1 if Krippendorff's alpha of any tag, or across tags, is below "
        "ALPHA (e.g. 0.667); undefined alphas are listed, not counted, but if none can be "
        "computed the check fails")
    p.add_argument(
        "--document", action="append", metavar="ID", help="only this document (repeatable)"
    )
    p.add_argument("--tag", action="append", metavar="ID", help="only this tag (repeatable)")


def _alpha_minimum(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not -1.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"give an alpha between -1 and 1, not {value!r}")
    return number


def _gate(minimum: float | None, named: Sequence[tuple[str, Score]]) -> int:
    """Report a ``--fail-below`` check on stderr; the exit status it calls for."""
    if minimum is None:
        return 0
    from annotate.cli import EXIT_FINDING
    from annotate.textsafe import visible
    from annotate.thresholds import check_alphas

    check = check_alphas(named, minimum)
    for line in check.messages():
        print(f"annotate: {visible(line)}", file=sys.stderr)
    return EXIT_FINDING if check.failed else 0


def _report_alphas(report: CompareReport | AgreementReport) -> list[tuple[str, Score]]:
    """The alphas ``--fail-below`` checks in a project report: each tag's, and across tags."""
    return [*((t.tag, t.krippendorff_alpha) for t in report.tags),
            ("across tags (MASI)", report.masi_alpha)]


# --- compare ---------------------------------------------------------------------------


def _project_of(path: Path) -> Path:
    """The project folder holding an annotator file: the first ancestor with project.toml."""
    for folder in list(path.resolve().parents)[:3]:
        if (folder / "project.toml").is_file():
            return folder
    raise UsageError(f"{path}: no project.toml above this file; name the project with --project")


def _load(folder: ProjectFolder, path: Path) -> AnnotatorFile:
    from annotate.storage import load_annotator_file

    if not path.is_file():
        raise UsageError(f"{path}: no such annotator file")
    if path.resolve() == folder.annotator_path(path.stem).resolve():
        from annotate.export import current_annotator_file

        # the project's own file: include edits still in its journal, as export does
        annotator_file, _ = current_annotator_file(folder, path.stem)
        return folder.check_annotator_file(path, annotator_file)
    return folder.check_annotator_file(path, load_annotator_file(path))


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two annotator files and print the report."""
    from annotate.compare import compare_annotators
    from annotate.storage import open_project

    first_path, second_path = Path(args.first), Path(args.second)
    if args.resamples < 1:
        raise UsageError("--resamples must be at least 1")
    root = Path(args.project) if args.project else _project_of(first_path)
    folder = open_project(root)
    first, second = _load(folder, first_path), _load(folder, second_path)
    document_ids = _document_ids(folder, args.document)
    sentences = {d: folder.sentences(d) for d in document_ids}
    texts = {d: folder.text(d) for d in document_ids}
    report = compare_annotators(
        folder.project,
        sentences,
        texts,
        first,
        second,
        documents=args.document,
        tags=args.tag,
        resamples=args.resamples,
        seed=args.seed,
    )
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    else:
        from annotate.cli_agreement_render import render_compare

        render_compare(report, _console())
    return _gate(args.fail_below, _report_alphas(report))


def _document_ids(folder: ProjectFolder, wanted: Sequence[str] | None) -> list[str]:
    for document_id in wanted or ():
        folder.require_document(document_id)
    return [d.id for d in folder.project.documents if not wanted or d.id in wanted]


# --- agreement -------------------------------------------------------------------------


def cmd_agreement(args: argparse.Namespace) -> int:
    """Agreement among a project's annotators, or the coefficients of a ratings table."""
    if args.table:
        if args.project:
            raise UsageError("give either a project folder or --table FILE.csv, not both")
        if args.document or args.tag:
            raise UsageError("--document and --tag apply to projects, not to --table")
        result = table_agreement(Path(args.table), args.level)
        if args.json:
            _print_json(result)
        else:
            from annotate.cli_agreement_render import render_table_agreement

            render_table_agreement(result, Path(args.table), args.level, _console())
        from annotate.agreement import Score

        alpha = Score(result["krippendorff_alpha"], result["notes"].get("krippendorff_alpha"))
        return _gate(args.fail_below, [(f"the ratings in {args.table}", alpha)])
    if not args.project:
        raise UsageError("give a project folder, or --table FILE.csv")
    if args.level != "nominal":
        raise UsageError("--level applies to --table; project tags are nominal")
    from annotate.compare_all import agreement_report
    from annotate.storage import open_project

    folder = open_project(args.project)
    names = folder.annotator_names()
    from annotate.export import current_annotator_file

    files = [current_annotator_file(folder, name)[0] for name in names]
    document_ids = _document_ids(folder, args.document)
    sentences = {d: folder.sentences(d) for d in document_ids}
    report = agreement_report(
        folder.project, sentences, files, documents=args.document, tags=args.tag
    )
    if args.json:
        _print_json(report.to_json())
    else:
        from annotate.cli_agreement_render import render_agreement

        render_agreement(report, _console())
    return _gate(args.fail_below, _report_alphas(report))


def read_ratings(path: Path, level: str) -> list[tuple[str, str, Label]]:
    """Read ``unit,coder,label`` rows; numeric levels need numeric labels."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as e:
        raise TableFileError(path, f"not valid UTF-8 (byte offset {e.start})") from None
    except (OSError, csv.Error) as e:
        raise TableFileError(path, str(e)) from None
    if not rows:
        raise TableFileError(path, "the file is empty; expected a header unit,coder,label")
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in TABLE_COLUMNS if name not in header]
    if missing:
        shown = ",".join(rows[0])
        raise TableFileError(
            path,
            f"the header needs the columns unit,coder,label; missing {', '.join(missing)} "
            f"(header is {shown!r})",
            line=1,
        )
    columns = [header.index(name) for name in TABLE_COLUMNS]
    ratings: list[tuple[str, str, Label]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(columns):
            raise TableFileError(path, f"expected {len(header)} columns, got {len(row)}", line=line)
        unit, coder, label = (row[i].strip() for i in columns)
        if not label:
            continue
        value: Label = label
        if level != "nominal":
            try:
                value = float(label)
            except ValueError:
                raise TableFileError(
                    path, f"the {level} level needs numeric labels, got {label!r}", line=line
                ) from None
            if not math.isfinite(value):
                raise TableFileError(
                    path, f"the {level} level needs finite numbers, got {label!r}", line=line)
            value = int(value) if value.is_integer() else value
        ratings.append((unit, coder, value))
    return ratings


def table_agreement(path: Path, level: str) -> dict[str, Any]:
    """The ``agreement --table`` result: the issue's JSON keys, numbers or null, and notes."""
    from annotate.agreement import (
        categories,
        cohen_kappa,
        fleiss_kappa,
        gwet_ac1,
        krippendorff_alpha,
        percent_agreement,
        reliability_table,
        scott_pi,
        tally,
    )

    ratings = read_ratings(path, level)
    try:
        units, coders, table = reliability_table(ratings)
    except ValueError as e:
        raise TableFileError(path, str(e)) from None
    data = tally(table)
    scores: dict[str, Score] = {
        "percent_agreement": percent_agreement(data),
        "krippendorff_alpha": krippendorff_alpha(data, level),  # type: ignore[arg-type]
        "scott_pi": scott_pi(data),
        "fleiss_kappa": fleiss_kappa(data),
        "gwet_ac1": gwet_ac1(data),
    }
    if len(coders) == 2:
        scores["cohen_kappa"] = cohen_kappa(data)
    result: dict[str, Any] = {
        "n_units": len(units),
        "n_coders": len(coders),
        "categories": categories(data),
    }
    notes: dict[str, str] = {}
    for name, score in scores.items():
        result[name] = score.value
        if score.note:
            notes[name] = score.note
    result["notes"] = notes
    return result


# --- output ----------------------------------------------------------------------------


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

"""The ``export`` and ``import`` subcommands."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from annotate.errors import UsageError

EXPORT_FORMATS = ("json", "jsonl", "csv", "w3c")
"""The formats ``--format`` accepts; the same as ``annotate.export.FORMATS``, kept here so that
building the command line does not import the exporters."""

EXAMPLES = """\
examples:
  annotate export my-project -o claims.json
  annotate export my-project --annotator maria --tag figure --format jsonl
  annotate export my-project --format csv --excel -o claims.csv
  annotate export my-project --format w3c -o claims.jsonld
"""

IMPORT_EXAMPLES = """\
examples:
  annotate import my-project claims.json --annotator maria
  annotate import my-project all.json --annotator maria-copy --from maria

Claims already in the annotator's file with the same content are skipped; an id that exists
with different content, an unknown document, tag, subtype or attribute, or a quote that can no
longer be found in the document stops the import (nothing is written) unless --partial is given.
"""


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, e.g. {value}Z")
    return moment


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


def cmd_export(args: argparse.Namespace) -> int:
    """Write the selected claims as JSON, JSON Lines, CSV or W3C JSON-LD."""
    from annotate.export import ExportSelection, open_output, plan_export, write_export
    from annotate.export_parallel import default_jobs
    from annotate.storage import open_project
    from annotate.textsafe import visible

    folder = open_project(args.project)
    selection = ExportSelection(annotators=tuple(args.annotator or ()),
                                documents=tuple(args.document or ()),
                                tags=tuple(args.tag or ()), reviewed_only=args.reviewed_only)
    if args.excel and args.format != "csv":
        raise UsageError("--excel only applies to --format csv")
    plan = plan_export(folder, selection)
    jobs = args.jobs or default_jobs(plan)
    output = None if args.output in (None, "-") else Path(args.output)
    with open_output(output) as out:
        count = write_export(out, plan, args.format, now=args.now, excel=args.excel,
                             jobs=jobs)
    for warning in plan.warnings:
        print(f"annotate: warning: {visible(warning)}", file=sys.stderr)
    where = "standard output" if output is None else str(output)
    print(f"exported {count:,} claims as {args.format} to {where}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read a JSON, JSON Lines or W3C export back into one annotator's file."""
    from annotate.importing import import_claims
    from annotate.storage import open_project
    from annotate.textsafe import visible

    folder = open_project(args.project)
    report = import_claims(folder, Path(args.file), args.annotator, source=args.source,
                           partial=args.partial)
    for line in report.messages:
        print(f"annotate: {visible(line)}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``export`` and ``import`` to the ``annotate`` command line."""

    p = commands.add_parser(
        "export", help="write tagged claims as JSON, JSONL, CSV or W3C Web Annotation",
        description="Write tagged claims in a deterministic order (annotator, document, "
                    "start, end, id). The JSON shape is described by "
                    "schemas/export.schema.json.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("project", help="project folder")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="json",
                   help="json (default), jsonl (one claim a line), csv (one claim a row) or "
                        "w3c (Web Annotation JSON-LD)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write here, replacing the file only once the export is complete "
                        "(default: standard output)")
    p.add_argument("--annotator", action="append", metavar="NAME",
                   help="only this annotator's claims (repeatable)")
    p.add_argument("--document", action="append", metavar="ID",
                   help="only claims on this document (repeatable)")
    p.add_argument("--tag", action="append", metavar="ID",
                   help="only claims with this tag (repeatable)")
    p.add_argument("--reviewed-only", action="store_true",
                   help="only claims whose sentence the annotator marked reviewed")
    p.add_argument("--excel", action="store_true",
                   help="csv only: start with a byte-order mark and neutralise cells a "
                        "spreadsheet would run as formulas (prefix ')")
    p.add_argument("--now", type=_parse_now, metavar="TIME",
                   help="export time to record, ISO 8601 with a zone (default: now); for "
                        "reproducible files")
    p.add_argument("--jobs", type=_positive, metavar="N",
                   help="processes to read and write annotators in (default: one per CPU, "
                        "one for small projects; at most 64); the output is the same")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser(
        "import", help="read a JSON, JSONL or W3C export back into an annotator's file",
        description="Read claims exported by 'annotate export' (json, jsonl or w3c; the "
                    "format is recognised) into one annotator's file, re-anchoring claims "
                    "whose text moved.",
        epilog=IMPORT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("project", help="project folder")
    p.add_argument("file", help="exported file")
    p.add_argument("--annotator", required=True, metavar="NAME",
                   help="annotator whose file receives the claims (created if missing)")
    p.add_argument("--from", dest="source", metavar="NAME",
                   help="only the claims of this annotator in the file (needed when the "
                        "file holds several annotators' claims)")
    p.add_argument("--partial", action="store_true",
                   help="import what can be imported and list each claim left out, instead "
                        "of stopping at the first problem")
    p.set_defaults(func=cmd_import)

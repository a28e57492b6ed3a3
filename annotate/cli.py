"""The ``annotate`` command line: argparse, one function per subcommand."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from annotate import __version__
from annotate.errors import AnnotateError, UsageError

EXIT_OK = 0
EXIT_FINDING = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70

Handler = Callable[[argparse.Namespace], int]


def _print_error(error: AnnotateError) -> None:
    from annotate.textsafe import visible

    for line in str(error).splitlines() or [str(error)]:
        print(f"annotate: error: {visible(line)}", file=sys.stderr)


# --- init / add / segment -------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    """Create a project folder with the default tag set."""
    from annotate.projects import init_project

    folder = init_project(Path(args.folder), args.title or Path(args.folder).name,
                          args.description)
    print(f"created project {folder.project.title!r} in {folder.root}", file=sys.stderr)
    print(f"next: annotate add {folder.root} TEXT.txt", file=sys.stderr)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    """Copy texts into the project and segment each once."""
    from annotate.projects import add_document
    from annotate.storage import open_project

    folder = open_project(args.project)
    if args.id and len(args.texts) > 1:
        raise UsageError("--id names one document; add the texts one at a time")
    for text_path in args.texts:
        added = add_document(folder, Path(text_path), document_id=args.id, title=args.title)
        count = added.sentence_count
        print(f"added {added.document.id}: {added.document.length:,} characters, "
              f"{count:,} sentence{'' if count == 1 else 's'}", file=sys.stderr)
    return EXIT_OK


def cmd_segment(args: argparse.Namespace) -> int:
    """Print a text's sentences with their offsets (a preview; nothing is stored)."""
    from annotate.errors import DocumentError
    from annotate.projects import MAX_DOCUMENT_BYTES, check_document_size, read_document_source
    from annotate.segmentation import segment
    from annotate.textsafe import visible

    if args.file == "-":
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        check_document_size("<stdin>", len(data))
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as e:
            raise DocumentError("<stdin>", f"not valid UTF-8: byte 0x{data[e.start]:02x} at "
                                           f"byte offset {e.start}") from None
    else:
        text = read_document_source(Path(args.file))
    out = sys.stdout
    for number, (start, end) in enumerate(segment(text)):
        if args.format == "jsonl":
            out.write(json.dumps({"start": start, "end": end, "text": text[start:end]},
                                 ensure_ascii=False) + "\n")
        else:
            out.write(f"{number:>5} {start:>8}-{end:<8} {visible(text[start:end])}\n")
    return EXIT_OK


# --- validate / stats -----------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file of a project; list problems; exit 2 if there are any."""
    from annotate.projects import validate_project

    report = validate_project(Path(args.project))
    for problem in report.problems:
        _print_error(problem)
    summary = (f"{report.documents} documents, {report.annotator_files} annotator files, "
               f"{report.annotations} annotations")
    if report.problems:
        print(f"{len(report.problems)} problems in {summary}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"ok: {summary}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Print documents, sentences, annotators, reviewed share and tag counts."""
    from annotate.stats import project_stats, render_stats

    stats = project_stats(Path(args.project))
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
    else:
        render_stats(stats)
    return EXIT_OK


# --- demo / open ------------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    """Copy the sample project to a fresh folder and open it in the TUI."""
    from annotate.demo import copy_sample_project

    target = copy_sample_project(Path(args.folder) if args.folder else None)
    print(f"sample project copied to {target}", file=sys.stderr)
    if args.no_open:
        print(target)
        return EXIT_OK
    args.project = str(target)
    args.annotator = args.annotator or os.environ.get("ANNOTATE_ANNOTATOR") or "you"
    args.document = None
    return cmd_open(args)


def cmd_open(args: argparse.Namespace) -> int:
    """Open a project in the annotator's TUI."""
    from annotate.tui.launch import run_tui

    return run_tui(args)


# --- the parser -------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="annotate",
        description="Tag claims in texts sentence by sentence, score agreement between "
                    "annotators, compare, adjudicate and export.",
        epilog="Exit status: 0 success, 1 a finding you asked to fail on, 2 bad input.")
    parser.add_argument("--version", action="version", version=f"annotate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("init", help="create a project folder with the default tag set")
    p.add_argument("folder", help="new or empty folder")
    p.add_argument("--title", help="project title (default: the folder name)")
    p.add_argument("--description", default="", help="what the project is for")
    p.set_defaults(func=cmd_init)

    p = commands.add_parser("add", help="copy texts into a project and segment them once")
    p.add_argument("project", help="project folder")
    p.add_argument("texts", nargs="+", metavar="TEXT", help="UTF-8 text file(s)")
    p.add_argument("--id", help="document id (default: from the file name)")
    p.add_argument("--title", help="document title (default: the file name)")
    p.set_defaults(func=cmd_add)

    p = commands.add_parser("segment", help="preview how a text splits into sentences")
    p.add_argument("file", help="UTF-8 text file, or - for standard input")
    p.add_argument("--format", choices=["text", "jsonl"], default="text",
                   help="text: one sentence a line with offsets; jsonl: one JSON object a line")
    p.set_defaults(func=cmd_segment)

    p = commands.add_parser("validate", help="check every file of a project; exit 2 on problems")
    p.add_argument("project", help="project folder")
    p.set_defaults(func=cmd_validate)

    p = commands.add_parser("stats", help="documents, sentences, annotators, progress, tags")
    p.add_argument("project", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.set_defaults(func=cmd_stats)

    p = commands.add_parser("open", help="annotate a project in the terminal UI")
    p.add_argument("project", help="project folder")
    p.add_argument("--annotator", help="your name (default: $ANNOTATE_ANNOTATOR, else asked)")
    p.add_argument("--document", help="document id to open (default: ask when several)")
    p.set_defaults(func=cmd_open)

    p = commands.add_parser("demo", help="open a fresh copy of the bundled sample project")
    p.add_argument("folder", nargs="?", help="where to copy it (default: ./annotate-demo, "
                                             "numbered if taken)")
    p.add_argument("--annotator", help="your name (default: $ANNOTATE_ANNOTATOR, else 'you')")
    p.add_argument("--no-open", action="store_true", help="only copy; print the folder")
    p.set_defaults(func=cmd_demo)

    for register in _plugin_registrations():
        register(commands)
    return parser


def _plugin_registrations() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    """Subcommands defined in their own modules (compare, agreement, export, import)."""
    import importlib

    found = []
    for name in ("annotate.cli_agreement", "annotate.cli_export", "annotate.cli_maintenance"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        found.append(module.register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print errors as one line on stderr and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    handler: Handler = args.func
    if args.command not in ("open", "demo"):
        # Batch commands build and drop many short-lived, acyclic objects; collecting less
        # often saves a fifth of a large export or comparison. The UI tunes its own.
        gc.set_threshold(50_000, 20, 20)
    try:
        return handler(args)
    except AnnotateError as error:
        _print_error(error)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("annotate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # a bug: one line for the user, the traceback on request
        if os.environ.get("ANNOTATE_DEBUG"):
            raise
        print(f"annotate: internal error: {type(error).__name__}: {error} "
              "(set ANNOTATE_DEBUG=1 to see the traceback, and please report it)",
              file=sys.stderr)
        return EXIT_INTERNAL

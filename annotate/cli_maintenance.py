"""Maintenance commands: ``annotate reanchor`` for documents whose text changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotate.errors import DocumentError, UsageError


def cmd_reanchor(args: argparse.Namespace) -> int:
    """Re-anchor annotations and review marks on documents whose text changed."""
    from annotate.reanchor import apply_change, changed_document_ids, plan_change, report_lines
    from annotate.storage import open_project, read_utf8, utc_now

    folder = open_project(args.project)
    if args.old_text and not args.document:
        raise UsageError("--old-text is the earlier version of one document; name it with "
                         "--document ID")
    if args.document:
        folder.require_document(args.document)
        document_ids = [args.document]
    else:
        document_ids = changed_document_ids(folder)
        if not document_ids:
            print(f"no document of {folder.root} has changed; nothing to do", file=sys.stderr)
            return 0
    old_text = read_utf8(Path(args.old_text), DocumentError) if args.old_text else None
    source = f"the old text from {args.old_text}" if args.old_text else ""
    for document_id in document_ids:
        if args.dry_run:
            change = plan_change(folder, document_id, old_text=old_text, old_text_source=source,
                                 use_git=not args.no_git)
            _print_lines(report_lines(change, folder.root, dry_run=True))
            continue
        applied = apply_change(folder, document_id, utc_now(), old_text=old_text,
                               old_text_source=source, use_git=not args.no_git)
        _print_lines(report_lines(applied.change, folder.root))
        for backup in applied.backups:
            print(f"  kept the previous version as {backup.relative_to(folder.root)}",
                  file=sys.stderr)
        print(f"re-anchored {document_id}: project.toml now records the new text",
              file=sys.stderr)
    if args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    return 0


def _print_lines(lines: list[str]) -> None:
    sys.stdout.write("".join(line + "\n" for line in lines))


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the maintenance subcommands to the ``annotate`` parser."""
    p = commands.add_parser(
        "reanchor", help="re-anchor annotations on documents whose text changed",
        description="For each document whose text no longer matches the hash in project.toml: "
                    "re-segment it, move every annotation to where its quote now is (or keep "
                    "it as orphaned), carry review marks over by sentence text, and record the "
                    "new hash. Previous files are kept as hidden .bak-<time> copies.")
    p.add_argument("project", help="project folder")
    p.add_argument("--document", metavar="ID", help="only this document (default: every "
                                                     "changed document)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write "
                                                          "nothing")
    p.add_argument("--old-text", metavar="FILE",
                   help="the document's previous text, to match review marks by sentence "
                        "(default: looked up in git history, else only annotated sentences "
                        "can be matched)")
    p.add_argument("--no-git", action="store_true", help="do not look for the previous text in "
                                                         "git history")
    p.set_defaults(func=cmd_reanchor)

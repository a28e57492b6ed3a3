"""Summarise a project: documents, sentences, annotators, progress and tag counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.export import current_annotator_file
from annotate.storage import open_project


@dataclass
class DocumentStats:
    """One document's size."""

    id: str
    title: str
    characters: int
    sentences: int


@dataclass
class AnnotatorStats:
    """One annotator's progress and tags."""

    name: str
    annotations: int
    reviewed: int
    reviewed_by_document: dict[str, int]
    tags: dict[str, int]
    orphaned: int = 0
    """Annotations whose quote was not found again after their document changed."""


@dataclass
class ProjectStats:
    """Everything ``annotate stats`` shows."""

    title: str
    documents: list[DocumentStats] = field(default_factory=list)
    annotators: list[AnnotatorStats] = field(default_factory=list)
    tag_ids: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        """Sentences in all documents."""
        return sum(d.sentences for d in self.documents)

    def to_json(self) -> dict[str, Any]:
        """A plain-data form for ``--json``."""
        total = self.sentences
        return {
            "title": self.title,
            "sentences": total,
            "documents": [vars(d) for d in self.documents],
            "annotators": [{**vars(a), "reviewed_percent": _percent(a.reviewed, total)}
                           for a in self.annotators],
        }


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def project_stats(root: Path) -> ProjectStats:
    """Count documents, sentences, and each annotator's reviewed sentences and tags."""
    folder = open_project(root)
    project = folder.project
    stats = ProjectStats(title=project.title, tag_ids=[t.id for t in project.tags])
    for document in project.documents:
        stats.documents.append(DocumentStats(document.id, document.title or document.id,
                                             document.length,
                                             len(folder.sentences(document.id))))
    for name in folder.annotator_names():
        annotator_file, _ = current_annotator_file(folder, name)  # journal edits included
        tags = Counter(a.tag for a in annotator_file.annotations)
        by_document = {doc: len(ix) for doc, ix in annotator_file.reviewed.items()}
        stats.annotators.append(AnnotatorStats(
            name=name, annotations=len(annotator_file.annotations),
            reviewed=sum(by_document.values()), reviewed_by_document=by_document,
            tags={t: tags.get(t, 0) for t in stats.tag_ids},
            orphaned=sum(1 for a in annotator_file.annotations if a.orphaned)))
    return stats


def render_stats(stats: ProjectStats) -> None:
    """Print the stats as rich tables; text from files is shown verbatim, never as markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from annotate.textsafe import visible

    console = Console(highlight=False, markup=False, emoji=False)
    console.print(Text(visible(stats.title), style="bold"))
    documents = Table(title="Documents", title_justify="left")
    documents.add_column("id")
    documents.add_column("title")
    documents.add_column("characters", justify="right")
    documents.add_column("sentences", justify="right")
    for d in stats.documents:
        documents.add_row(Text(d.id), Text(visible(d.title)), f"{d.characters:,}",
                          f"{d.sentences:,}")
    console.print(documents)
    if not stats.annotators:
        console.print(Text("No annotator files yet."))
        return
    total = stats.sentences
    annotators = Table(title="Annotators", title_justify="left")
    annotators.add_column("annotator")
    annotators.add_column("reviewed", justify="right")
    annotators.add_column("annotations", justify="right")
    any_orphaned = any(a.orphaned for a in stats.annotators)
    if any_orphaned:
        annotators.add_column("orphaned", justify="right")
    for a in stats.annotators:
        share = f"{a.reviewed:,}/{total:,} ({_percent(a.reviewed, total)}%)"
        orphaned = [f"{a.orphaned:,}" if a.orphaned else ""] if any_orphaned else []
        annotators.add_row(Text(visible(a.name)), share, f"{a.annotations:,}", *orphaned)
    console.print(annotators)
    if any_orphaned:
        console.print(Text("Orphaned annotations lost their place when a document changed; "
                           "run annotate reanchor or fix them."))
    tags = Table(title="Tags", title_justify="left")
    tags.add_column("tag")
    for a in stats.annotators:
        tags.add_column(Text(visible(a.name)), justify="right")
    for tag_id in stats.tag_ids:
        tags.add_row(Text(tag_id), *(f"{a.tags[tag_id]:,}" for a in stats.annotators))
    console.print(tags)

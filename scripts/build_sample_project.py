"""Build sample_projects/industry-recovery/ from the corpus text and the annotation specs.

The sample project is generated, never edited by hand: sentences are fixed when a document is
added, so a change to the segmenter is picked up by re-running this script. Annotation specs
(scripts/sample_annotations/<annotator>.toml) locate each span by its text rather than by
offsets, so they survive re-segmentation; the script resolves offsets, quote, prefix and suffix,
assigns ids, and checks everything against the project before writing.

Run from the repository root:  python scripts/build_sample_project.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from annotate.errors import AnnotateError, DocumentError
from annotate.model import Annotation, AnnotatorFile, Project
from annotate.projects import add_document, init_project
from annotate.storage import (
    ProjectFolder,
    read_utf8,
    save_annotator_file,
    save_project,
    sha256_text,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = REPO_ROOT / "scripts" / "sample_annotations"
OUTPUT = REPO_ROOT / "sample_projects" / "industry-recovery"
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "industry-recovery.txt"
BUNDLED_CORPUS = OUTPUT / "documents" / "industry-recovery.txt"

PROJECT_ID = "5a3b1e0c9d2f4a61"
"""Fixed, so that the annotator files and every rebuild belong to the same project."""
TITLE = "Industry recovery (sample)"
DESCRIPTION = (
    "A chapter of a Soviet-era history textbook on the restoration of the economy (1921-1926), "
    "in English translation. The first 40 sentences were annotated independently by two "
    "annotators, maria and lev, following the guidelines, for demonstrating agreement, compare "
    "and export.")
DOCUMENT_ID = "industry-recovery"
DOCUMENT_TITLE = "Creating the material basis of socialism - Industry Recovery"
DOCUMENT_SHA256 = "3e551b82e7aa758898ace138e2cf2e888ca68387341de8209416a5fa4bad7ffb"
"""SHA-256 of the corpus text; a different text would silently move every annotation."""
CONTEXT_CHARS = 32
"""Code points of prefix and suffix stored with each annotation."""
KEPT_FILES = ("README.md",)
"""Hand-written files of the output folder that a rebuild keeps."""


class SpecError(AnnotateError):
    """An annotation spec that cannot be resolved against the document."""

    title = "Bad annotation spec"


# --- specs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnnotationSpec:
    """One spec entry: where the span is (by text) and what the annotator recorded."""

    number: int
    tag: str
    created: datetime
    modified: datetime
    quote: str | None = None
    sentence: int | str | None = None
    in_sentence: int | str | None = None
    occurrence: int | None = None
    subtype: str | None = None
    note: str = ""
    attributes: tuple[tuple[str, Any], ...] = ()

    @property
    def where(self) -> str:
        """A short description for messages."""
        located = self.quote if self.quote is not None else f"sentence {self.sentence!r}"
        return f"entry {self.number} ({self.tag}: {located!r})"


@dataclass(frozen=True)
class AnnotatorSpec:
    """An annotator's spec file: name, reviewed sentences and annotation entries."""

    path: Path
    annotator: str
    document: str
    reviewed_sentences: int
    entries: tuple[AnnotationSpec, ...]


_ENTRY_KEYS = {"tag", "created", "modified", "quote", "sentence", "in_sentence", "occurrence",
               "subtype", "note", "attributes"}


def load_spec(path: Path) -> AnnotatorSpec:
    """Read one annotator's spec file."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    entries = []
    for number, item in enumerate(raw.get("annotations", []), start=1):
        unknown = sorted(set(item) - _ENTRY_KEYS)
        if unknown:
            raise SpecError(f"{path}: entry {number}: unknown key {unknown[0]!r}")
        if (item.get("quote") is None) == (item.get("sentence") is None):
            raise SpecError(f"{path}: entry {number}: give either quote or sentence")
        entries.append(AnnotationSpec(
            number=number, tag=item["tag"], created=item["created"],
            modified=item.get("modified", item["created"]), quote=item.get("quote"),
            sentence=item.get("sentence"), in_sentence=item.get("in_sentence"),
            occurrence=item.get("occurrence"), subtype=item.get("subtype"),
            note=item.get("note", ""),
            attributes=tuple(sorted(item.get("attributes", {}).items()))))
    return AnnotatorSpec(path=path, annotator=raw["annotator"], document=raw["document"],
                         reviewed_sentences=raw["reviewed_sentences"], entries=tuple(entries))


# --- resolving spans --------------------------------------------------------------------------

def _occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> list[int]:
    end = len(text) if end is None else end
    found, position = [], text.find(needle, start, end)
    while position != -1:
        found.append(position)
        position = text.find(needle, position + 1, end)
    return found


def find_sentence(locator: int | str, text: str, sentences: list[tuple[int, int]],
                  where: str) -> int:
    """Index of the sentence given by number, or by a text fragment only it contains."""
    if isinstance(locator, int):
        if not 0 <= locator < len(sentences):
            raise SpecError(f"{where}: sentence {locator} does not exist")
        return locator
    hits = [i for i, (start, end) in enumerate(sentences)
            if _occurrences(text, locator, start, end)]
    if len(hits) != 1:
        raise SpecError(f"{where}: the fragment {locator!r} is in {len(hits)} sentences "
                        f"{hits[:5]}; it must identify exactly one")
    return hits[0]


def resolve_span(entry: AnnotationSpec, text: str,
                 sentences: list[tuple[int, int]], where: str) -> tuple[int, int]:
    """Code-point offsets of the entry's span: a quote's position or a whole sentence."""
    if entry.quote is None:
        assert entry.sentence is not None
        return sentences[find_sentence(entry.sentence, text, sentences, where)]
    low, high = 0, len(text)
    if entry.in_sentence is not None:
        low, high = sentences[find_sentence(entry.in_sentence, text, sentences, where)]
    hits = _occurrences(text, entry.quote, low, high)
    if not hits:
        raise SpecError(f"{where}: quote not found" +
                        (" in the given sentence" if entry.in_sentence is not None else ""))
    if entry.occurrence is None and len(hits) > 1:
        raise SpecError(f"{where}: quote occurs {len(hits)} times; add occurrence or "
                        "in_sentence")
    index = (entry.occurrence or 1) - 1
    if not 0 <= index < len(hits):
        raise SpecError(f"{where}: occurrence {entry.occurrence} of {len(hits)}")
    return hits[index], hits[index] + len(entry.quote)


def sentence_of(start: int, end: int, sentences: list[tuple[int, int]]) -> int | None:
    """Index of the one sentence holding ``[start, end)``, or None if it crosses a boundary."""
    for index, (s_start, s_end) in enumerate(sentences):
        if s_start <= start and end <= s_end:
            return index
    return None


def _check_attributes(entry: AnnotationSpec, quote: str, text: str,
                      span: tuple[int, int], sentence: tuple[int, int], where: str) -> None:
    """Catch typos the project check cannot: written values must appear in the text."""
    attributes = dict(entry.attributes)
    value_text = attributes.get("value_text")
    if isinstance(value_text, str) and value_text not in quote:
        raise SpecError(f"{where}: value_text {value_text!r} is not in the span")
    citation = attributes.get("citation")
    if isinstance(citation, str) and citation not in text[span[0]:sentence[1]]:
        raise SpecError(f"{where}: citation {citation!r} does not follow the span in its "
                        "sentence")


def build_annotator_file(spec: AnnotatorSpec, project_id: str, text: str,
                         sentences: list[tuple[int, int]]) -> AnnotatorFile:
    """Resolve a spec into an annotator file; ids follow the spec order (creation order)."""
    if spec.reviewed_sentences > len(sentences):
        raise SpecError(f"{spec.path}: reviewed_sentences {spec.reviewed_sentences} exceeds "
                        f"the document's {len(sentences)} sentences")
    annotations = []
    for entry in spec.entries:
        where = f"{spec.path.name}: {entry.where}"
        start, end = resolve_span(entry, text, sentences, where)
        index = sentence_of(start, end, sentences)
        if index is None:
            raise SpecError(f"{where}: the span crosses a sentence boundary")
        if index >= spec.reviewed_sentences:
            raise SpecError(f"{where}: the span is in sentence {index}, past the reviewed "
                            f"range 0-{spec.reviewed_sentences - 1}")
        if entry.modified < entry.created:
            raise SpecError(f"{where}: modified is before created")
        quote = text[start:end]
        _check_attributes(entry, quote, text, (start, end), sentences[index], where)
        annotations.append(Annotation(
            id=f"{spec.annotator}-{entry.number:03d}", document=spec.document,
            start=start, end=end, quote=quote,
            prefix=text[max(0, start - CONTEXT_CHARS):start],
            suffix=text[end:end + CONTEXT_CHARS],
            tag=entry.tag, subtype=entry.subtype, attributes=dict(entry.attributes),
            note=entry.note, created=entry.created, modified=entry.modified))
    return AnnotatorFile(annotator=spec.annotator, project=project_id,
                         reviewed={spec.document: list(range(spec.reviewed_sentences))},
                         annotations=sorted(annotations, key=Annotation.sort_key))


# --- the project --------------------------------------------------------------------------------

def build_project(target: Path, corpus: Path, spec_dir: Path = SPEC_DIR) -> ProjectFolder:
    """Create the sample project in ``target`` (new or empty) from the corpus and the specs."""
    text = read_utf8(corpus, DocumentError)
    if sha256_text(text) != DOCUMENT_SHA256:
        raise SpecError(f"{corpus}: not the expected corpus text (sha256 "
                        f"{sha256_text(text)[:12]}…, expected {DOCUMENT_SHA256[:12]}…)")
    folder = init_project(target, TITLE, DESCRIPTION)
    add_document(folder, corpus, document_id=DOCUMENT_ID, title=DOCUMENT_TITLE)
    folder.project = Project.model_validate({**folder.project.model_dump(), "id": PROJECT_ID})
    save_project(folder.root, folder.project)
    sentences = folder.sentences(DOCUMENT_ID)
    for spec_path in sorted(spec_dir.glob("*.toml")):
        spec = load_spec(spec_path)
        annotator_file = build_annotator_file(spec, folder.project.id,
                                              folder.text(spec.document), sentences)
        path = folder.annotator_path(annotator_file.annotator)
        folder.check_annotator_file(path, annotator_file)
        save_annotator_file(path, annotator_file)
    return folder


def default_corpus() -> Path:
    """The shared corpus text if present, else the copy already in the sample project."""
    return SHARED_CORPUS if SHARED_CORPUS.is_file() else BUNDLED_CORPUS


def rebuild(output: Path, corpus: Path, spec_dir: Path = SPEC_DIR) -> ProjectFolder:
    """Build into a fresh sibling folder, keep the hand-written files, then swap it in."""
    staging = output.with_name(f".{output.name}.build")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        folder = build_project(staging, corpus, spec_dir)
        for name in KEPT_FILES:
            if (output / name).is_file():
                shutil.copy2(output / name, staging / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    return ProjectFolder(root=output, project=folder.project)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the sample project and print a one-line summary per annotator."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="project folder to write")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="the document text (default: ../shared/corpus, else the copy in "
                             "the sample project)")
    parser.add_argument("--specs", type=Path, default=SPEC_DIR, help="annotation spec folder")
    args = parser.parse_args(argv)
    try:
        folder = rebuild(args.output, args.corpus or default_corpus(), args.specs)
        sentences = len(folder.sentences(DOCUMENT_ID))
        for name in folder.annotator_names():
            annotator_file = folder.load_annotator(name)
            print(f"{name}: {len(annotator_file.annotations)} annotations, "
                  f"{len(annotator_file.reviewed.get(DOCUMENT_ID, []))} of {sentences} "
                  "sentences reviewed", file=sys.stderr)
    except AnnotateError as error:
        print(f"build_sample_project: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {folder.root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load and save the project folder: project.toml, sentence files and annotator files."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import tomli_w
from pydantic import BaseModel, TypeAdapter, ValidationError

from annotate.errors import (
    AnnotateError,
    DocumentError,
    NewerVersionError,
    ProjectFileError,
    SaveError,
)
from annotate.model import (
    SCHEMA_VERSION,
    Annotation,
    AnnotatorFile,
    Document,
    Project,
    SentenceFile,
    annotator_name_problem,
    compress_sentence_runs,
)
from annotate.toml_fast import annotations_json, dumps_annotator_data, loads_annotator_data

PROJECT_FILE = "project.toml"
ANNOTATIONS_DIR = "annotations"
DOCUMENTS_DIR = "documents"
SENTENCES_DIR = "sentences"
CONFLICT_MARK = ".conflict-"
"""In the name of a copy saved beside a file that changed on disk; such copies are not
annotators (see ``EditSession.save_copy``)."""

ModelT = TypeVar("ModelT", bound=BaseModel)


# --- low-level reading ----------------------------------------------------------------------

def read_bytes(path: Path, error: type[ProjectFileError] | type[DocumentError]) -> bytes:
    """Read ``path``, turning a missing file, a folder or an OS error into ``error``."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(path, "file not found") from None
    except IsADirectoryError:
        raise error(path, "is a folder, not a file") from None
    except OSError as e:
        raise error(path, f"cannot read: {e.strerror or e}") from None


def decode_utf8(path: Path, data: bytes,
                error: type[ProjectFileError] | type[DocumentError]) -> str:
    """``data`` as text, without a byte-order mark; bad UTF-8 is named by byte offset and
    line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise error(path, f"not valid UTF-8: byte 0x{data[e.start]:02x} at byte offset "
                          f"{e.start} ({e.reason})", line=line) from None
    return text.removeprefix("\ufeff")


def read_utf8(path: Path, error: type[ProjectFileError] | type[DocumentError]) -> str:
    """Read ``path`` as UTF-8, naming the byte offset and line of the first bad byte."""
    return decode_utf8(path, read_bytes(path, error), error)


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """Parse TOML text, turning syntax errors into one message with line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        match = _TOML_POSITION.search(message)
        line = column = None
        if match and match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        elif match:
            line = text.count("\n") + 1
        reason = _TOML_POSITION.sub("", message).strip() or "syntax error"
        raise ProjectFileError(path, f"TOML syntax error: {reason}", line=line,
                               column=column) from None
    except RecursionError:
        raise ProjectFileError(path, "TOML syntax error: arrays or tables are nested too "
                                     "deeply") from None
    except ValueError as e:  # e.g. an integer longer than Python converts (4300 digits)
        raise ProjectFileError(path, f"TOML syntax error: {e}") from None


def _check_version(path: Path, raw: Mapping[str, Any]) -> None:
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise NewerVersionError(
            path, f"written by a newer version of annotate (schema_version {version}; this "
                  f"version understands up to {SCHEMA_VERSION}); upgrade annotate to open it",
            field="schema_version")


def format_location(loc: Iterable[int | str]) -> str:
    """Turn a pydantic error location into a path like ``annotations[3].tag``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _table_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Find the line of array-of-tables item ``loc[1]`` (or of its key ``loc[2]``, if found)."""
    if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return None
    header = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(loc[0])}[ \t]*\]\]", re.MULTILINE)
    starts = [m.start() for m in header.finditer(text)]
    if loc[1] >= len(starts):
        return None
    begin = starts[loc[1]]
    line = text.count("\n", 0, begin) + 1
    if len(loc) > 2 and isinstance(loc[2], str):
        table_end = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, begin + 2)
        stop = table_end.start() if table_end else len(text)
        key = re.compile(rf"^[ \t]*\"?{re.escape(loc[2])}\"?[ \t]*=", re.MULTILINE)
        found = key.search(text, begin, stop)
        if found:
            line = text.count("\n", 0, found.start()) + 1
    return line


def validate_model(model: type[ModelT], path: Path, text: str, raw: Any) -> ModelT:
    """Validate parsed TOML against ``model``; the first error names its field path."""
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        first = errors[0]
        loc = tuple(first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        elif first["type"] == "missing":
            msg = "required key is missing"
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise ProjectFileError(path, msg + more, line=_table_line(text, loc),
                               field=format_location(loc) or None) from None


def load_model(model: type[ModelT], path: Path) -> ModelT:
    """Read, parse, version-check and validate one TOML file."""
    text = read_utf8(path, ProjectFileError)
    raw = parse_toml(path, text)
    _check_version(path, raw)
    return validate_model(model, path, text, raw)


# --- low-level writing ----------------------------------------------------------------------

@contextlib.contextmanager
def atomic_output(path: Path, *, text: bool = False,
                  make_folder: bool = True) -> Iterator[IO[Any]]:
    """Write ``path`` atomically: yield a temp file in the same folder; fsync and replace on
    success, remove it on any failure (the previous file is left as it was)."""
    folder = path.parent
    if path.is_dir():
        raise SaveError(f"{path}: is a folder; give a file name")
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise SaveError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        handle: IO[Any] = (os.fdopen(fd, "w", encoding="utf-8", newline="") if text
                           else os.fdopen(fd, "wb"))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp_name, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise SaveError(f"{path}: cannot write: {e.strerror or e}; the previous file is "
                        "unchanged") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(folder)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, replace."""
    with atomic_output(path) as handle:
        handle.write(data)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the replace itself is atomic
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 atomically."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise SaveError(f"{path}: text cannot be stored as UTF-8 ({e.reason})") from None
    atomic_write_bytes(path, data)


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    """Remove None values (TOML has no null) and empty optional strings and lists."""
    return {k: v for k, v in mapping.items() if v is not None and v != "" and v != [] and v != {}}


# --- project.toml -----------------------------------------------------------------------------

def project_to_toml(project: Project) -> str:
    """Serialise a project with keys in a fixed order."""
    data: dict[str, Any] = {
        "schema_version": project.schema_version,
        "id": project.id,
        "title": project.title,
        "description": project.description,
        "guidelines": project.guidelines,
        "segmentation": _drop_empty(project.segmentation.model_dump()),
        "tags": [_tag_dict(t) for t in project.tags],
        "documents": [_drop_empty(d.model_dump()) for d in project.documents],
    }
    return tomli_w.dumps(_drop_empty(data), multiline_strings=True)


def _tag_dict(tag: Any) -> dict[str, Any]:
    data = tag.model_dump()
    data["subtypes"] = [_drop_empty(s) for s in data["subtypes"]]
    data["attributes"] = [_drop_empty(a) for a in data["attributes"]]
    return _drop_empty(data)


def save_project(root: Path, project: Project) -> None:
    """Write ``project.toml`` atomically."""
    atomic_write_text(root / PROJECT_FILE, project_to_toml(project))


# --- sentence files ---------------------------------------------------------------------------

def sentences_to_toml(sentences: SentenceFile) -> str:
    """Serialise a sentence file; one "start end" line per sentence, so fixes diff cleanly."""
    head = tomli_w.dumps({
        "schema_version": sentences.schema_version,
        "document": sentences.document,
        "sha256": sentences.sha256,
        "method": sentences.method,
    })
    body = "".join(f"{s} {e}\n" for s, e in sentences.spans)
    return f'{head}spans = """\n{body}"""\n'


_SPANS_OPENING = '\nspans = """\n'


def load_sentence_file(path: Path) -> SentenceFile:
    """Read a sentence file; the span lines written by this tool skip the TOML parser."""
    text = read_utf8(path, ProjectFileError)
    head, opening, body = text.partition(_SPANS_OPENING)
    if opening and body.endswith('"""\n') and '"' not in body[:-4] and "\\" not in body:
        raw = parse_toml(path, head + "\n")
        if "spans" not in raw:
            raw["spans"] = body[:-4]
            _check_version(path, raw)
            return validate_model(SentenceFile, path, text, raw)
    return load_model(SentenceFile, path)


# --- annotator files --------------------------------------------------------------------------

def annotation_dict(annotation: Annotation) -> dict[str, Any]:
    """One annotation as an ordered dict for TOML (attributes last, sorted by name)."""
    data: dict[str, Any] = {
        "id": annotation.id,
        "document": annotation.document,
        "start": annotation.start,
        "end": annotation.end,
        "tag": annotation.tag,
        "subtype": annotation.subtype,
        "quote": annotation.quote,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "note": annotation.note,
        "orphaned": annotation.orphaned or None,
        "created": annotation.created,
        "modified": annotation.modified,
    }
    out = {k: v for k, v in data.items() if v is not None and (v != "" or k == "quote")}
    if annotation.attributes:
        out["attributes"] = dict(sorted(annotation.attributes.items()))
    return out


def annotator_file_to_toml(annotator_file: AnnotatorFile) -> str:
    """Serialise an annotator file deterministically: sorted annotations, fixed key order."""
    data: dict[str, Any] = {
        "schema_version": annotator_file.schema_version,
        "annotator": annotator_file.annotator,
        "project": annotator_file.project,
        "reviewed": {doc: compress_sentence_runs(ix)
                     for doc, ix in sorted(annotator_file.reviewed.items())},
        "annotations": [annotation_dict(a) for a in
                        sorted(annotator_file.annotations, key=Annotation.sort_key)],
    }
    return dumps_annotator_data(data)


def save_annotator_file(path: Path, annotator_file: AnnotatorFile) -> None:
    """Write an annotator file atomically."""
    atomic_write_text(path, annotator_file_to_toml(annotator_file))


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Reading 100k annotations allocates millions of objects, none in cycles; the collector's
    repeated passes over them took a third of the load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def _annotation_list() -> TypeAdapter[list[Annotation]]:
    return TypeAdapter(list[Annotation])


def load_written_annotator_file(path: Path, data: bytes) -> AnnotatorFile | None:
    """The file, read the fast way, if it is exactly as this tool writes it and valid; None
    sends it down the general path, which also words any error. The bytes are never decoded
    as a whole: pydantic's JSON parser refuses bad UTF-8 in the strings, and the checked
    layout allows only ASCII outside them."""
    split = annotations_json(data)
    if split is None:
        return None
    try:
        head = loads_annotator_data(split[0].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if head is None or "annotations" in head:
        return None
    _check_version(path, head)
    try:
        annotations = _annotation_list().validate_json(split[1])
        return AnnotatorFile.model_validate({**head, "annotations": annotations})
    except ValidationError:
        return None


def parse_annotator_file(path: Path, text: str) -> AnnotatorFile:
    """Parse and validate an annotator file's text by the general path, which reads any TOML
    and words every error with its line and field."""
    raw = loads_annotator_data(text)
    if raw is None:  # not in the subset the tool writes: let tomllib parse and report
        raw = parse_toml(path, text)
    _check_version(path, raw)
    return validate_model(AnnotatorFile, path, text, raw)


def load_annotator_file(path: Path) -> AnnotatorFile:
    """Read one annotator file, checking only its own structure (see ``check_annotations``)."""
    data = read_bytes(path, ProjectFileError)
    with _no_cycle_collection():
        annotator_file = load_written_annotator_file(path, data)
        if annotator_file is None:
            annotator_file = parse_annotator_file(path, decode_utf8(path, data,
                                                                    ProjectFileError))
        return annotator_file


def check_annotations(
    annotator_file: AnnotatorFile,
    project: Project,
    path: Path,
    texts: Mapping[str, str] | None = None,
    sentence_counts: Mapping[str, int] | None = None,
) -> list[ProjectFileError]:
    """List every way the file disagrees with the project's tag set, documents and texts."""
    problems: list[ProjectFileError] = []

    def problem(field_path: str, message: str) -> None:
        problems.append(ProjectFileError(path, message, field=field_path))

    if annotator_file.project != project.id:
        problem("project", f"this file belongs to another project (id {annotator_file.project}, "
                           f"this project is {project.id})")
        return problems
    known_tags = ", ".join(t.id for t in project.tags) or "(none)"
    tags = {t.id: t for t in project.tags}
    subtypes = {t.id: {s.id for s in t.subtypes} for t in project.tags}
    attributes = {t.id: {a.id: a for a in t.attributes} for t in project.tags}
    documents = {d.id: d for d in project.documents}
    for index, ann in enumerate(annotator_file.annotations):
        where = f"annotations[{index}]"
        document = documents.get(ann.document)
        if document is None:
            problem(f"{where}.document", f"unknown document {ann.document!r}")
            continue
        tag = tags.get(ann.tag)
        if tag is None:
            problem(f"{where}.tag", f"unknown tag {ann.tag!r}; known: {known_tags}")
        else:
            # the maps make the common, valid case cheap; the tag words any problem
            if ann.subtype is not None and ann.subtype not in subtypes[tag.id]:
                problem(f"{where}.subtype", tag.subtype_problem(ann.subtype) or "")
            for name, value in ann.attributes.items():
                definition = attributes[tag.id].get(name)
                if definition is None or definition.value_problem(value) is not None:
                    problem(f"{where}.attributes.{name}",
                            tag.attribute_problem(name, value) or "")
        if ann.orphaned:
            continue  # its offsets refer to an older text; re-anchoring reported it
        if ann.end > document.length:
            problem(f"{where}.end", f"span [{ann.start}, {ann.end}) is past the end of "
                                    f"document {document.id!r} ({document.length} characters)")
        elif texts is not None and ann.document in texts:
            actual = texts[ann.document][ann.start:ann.end]
            if actual != ann.quote:
                problem(f"{where}.quote", f"quote {_short(ann.quote)} does not match the "
                                          f"document text at [{ann.start}, {ann.end}): "
                                          f"{_short(actual)}")
    for doc_id, indices in annotator_file.reviewed.items():
        if project.document(doc_id) is None:
            problem(f"reviewed.{doc_id}", f"unknown document {doc_id!r}")
        elif (sentence_counts is not None and doc_id in sentence_counts and indices
              and indices[-1] >= sentence_counts[doc_id]):
            problem(f"reviewed.{doc_id}", f"sentence {indices[-1]} does not exist (the "
                                          f"document has {sentence_counts[doc_id]})")
    return problems


def _short(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


# --- the project folder -----------------------------------------------------------------------

def sha256_text(text: str) -> str:
    """SHA-256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ProjectFolder:
    """An opened project folder: its project file plus lazily loaded texts and sentences."""

    root: Path
    project: Project
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    _sentences: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    @property
    def project_path(self) -> Path:
        """Path of project.toml."""
        return self.root / PROJECT_FILE

    def require_document(self, document_id: str) -> Document:
        """Return the document with this id, or fail naming the known ones."""
        document = self.project.document(document_id)
        if document is None:
            known = ", ".join(d.id for d in self.project.documents) or "(none)"
            raise AnnotateError(f"{self.project_path}: no document {document_id!r}; "
                                f"known: {known}", "Unknown document")
        return document

    def text(self, document_id: str) -> str:
        """The document's text, checked against the hash recorded when it was added."""
        if document_id not in self._texts:
            document = self.require_document(document_id)
            path = self.root / document.path
            text = read_utf8(path, DocumentError)
            digest = sha256_text(text)
            if digest != document.sha256:
                raise DocumentError(path, f"the text has changed since it was added (sha256 "
                                          f"{digest[:12]}…, recorded {document.sha256[:12]}…); "
                                          "annotations may no longer line up: run 'annotate "
                                          f"reanchor {self.root} --document {document.id}' to "
                                          "re-anchor them (see what would change with "
                                          "--dry-run)")
            self._texts[document_id] = text
        return self._texts[document_id]

    def sentences(self, document_id: str) -> list[tuple[int, int]]:
        """The document's fixed sentence spans."""
        if document_id not in self._sentences:
            document = self.require_document(document_id)
            path = self.root / document.sentences
            sentence_file = load_sentence_file(path)
            if sentence_file.document != document.id:
                raise ProjectFileError(path, f"holds sentences of {sentence_file.document!r}, "
                                             f"not {document.id!r}", field="document")
            if sentence_file.sha256 != document.sha256:
                raise ProjectFileError(path, "was computed on another version of the text "
                                             "(sha256 differs from project.toml)", field="sha256")
            if sentence_file.spans and sentence_file.spans[-1][1] > document.length:
                raise ProjectFileError(path, "a sentence ends past the end of the document",
                                       field="spans")
            self._sentences[document_id] = sentence_file.spans
        return self._sentences[document_id]

    def annotator_path(self, annotator: str) -> Path:
        """Where an annotator's file lives; the name must be a safe file name."""
        problem = annotator_name_problem(annotator)
        if problem:
            raise AnnotateError(f"invalid annotator name: {problem}", "Invalid name")
        return self.root / ANNOTATIONS_DIR / f"{annotator}.toml"

    def annotator_names(self) -> list[str]:
        """Names of annotators with a file in the project, or whose only work so far is in an
        edit journal (a session that crashed before its first save), sorted."""
        folder = self.root / ANNOTATIONS_DIR
        if not folder.is_dir():
            return []
        names = {p.stem for p in folder.glob("*.toml")
                 if not p.name.startswith(".") and CONFLICT_MARK not in p.name}
        for journal in folder.glob(".*.journal"):
            name = journal.name[1:-len(".journal")]
            if annotator_name_problem(name) is None:
                names.add(name)
        return sorted(names)

    def load_annotator(self, annotator: str, *, check_texts: bool = True) -> AnnotatorFile:
        """Load an annotator's file (empty if there is none), checked against the project."""
        path = self.annotator_path(annotator)
        if not path.exists():
            return AnnotatorFile(annotator=annotator, project=self.project.id)
        return self.check_annotator_file(path, load_annotator_file(path), check_texts=check_texts)

    def check_annotator_file(self, path: Path, annotator_file: AnnotatorFile, *,
                             check_texts: bool = True) -> AnnotatorFile:
        """Raise the first problem of ``annotator_file`` against this project, if any."""
        problems = self.annotator_problems(path, annotator_file, check_texts=check_texts)
        if problems:
            raise problems[0]
        return annotator_file

    def annotator_problems(self, path: Path, annotator_file: AnnotatorFile, *,
                           check_texts: bool = True) -> list[ProjectFileError]:
        """Every problem of ``annotator_file`` against this project."""
        texts: dict[str, str] = {}
        counts: dict[str, int] = {}
        if check_texts:
            used = {a.document for a in annotator_file.annotations} | set(annotator_file.reviewed)
            for doc_id in sorted(used):
                if self.project.document(doc_id) is not None:
                    texts[doc_id] = self.text(doc_id)
                    counts[doc_id] = len(self.sentences(doc_id))
        return check_annotations(annotator_file, self.project, path, texts, counts)

    def save_annotator(self, annotator_file: AnnotatorFile) -> Path:
        """Write an annotator's file atomically and return its path."""
        path = self.annotator_path(annotator_file.annotator)
        save_annotator_file(path, annotator_file)
        return path


def open_project(root: Path | str) -> ProjectFolder:
    """Open the project folder at ``root`` (its project.toml is read and validated)."""
    root = Path(root)
    if not root.exists():
        raise AnnotateError(f"{root}: no such project folder", "Project not found")
    if root.is_file():
        if root.name == PROJECT_FILE:
            root = root.parent
        else:
            raise AnnotateError(f"{root}: expected a project folder (with project.toml), got a "
                                "file", "Not a project")
    path = root / PROJECT_FILE
    if not path.exists():
        raise AnnotateError(f"{root}: not a project folder (no {PROJECT_FILE}); create one with "
                            f"'annotate init {root}'", "Not a project")
    return ProjectFolder(root=root, project=load_model(Project, path))


def utc_now() -> datetime:
    """The current UTC time to the second, as annotations record it."""
    from datetime import UTC

    return datetime.now(UTC).replace(microsecond=0)

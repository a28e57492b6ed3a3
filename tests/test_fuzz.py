"""Fuzz every reader of files that travel between people: only AnnotateError may come out.

The project, annotator and sentence TOML files, the edit journal, the JSON/JSONL/W3C import
and the ratings CSV of ``agreement --table`` are fed random bytes, mutated copies of valid
files and hostile values (huge numbers, deep nesting, long strings, NUL bytes, invalid UTF-8,
a BOM, duplicate ids, spans outside the text, reversed spans, overlapping sentences, unknown
keys, wrong types). ``bench/fuzz.py`` runs the same engine for 100,000 cases.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import random
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.errors import AnnotateError
from annotate.model import Annotation, AnnotatorFile
from annotate.projects import validate_project
from annotate.segmentation import segment
from annotate.storage import open_project, save_annotator_file
from tests.conftest import PROJECT_ID, make_project

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

FUZZ_TEXT = ("In 1925 there were 7 million workers. Москва выросла вдвое.\r\n"
             "東京の人口は増えた。 The team 👩‍💻 wrote it. Café e\u0301 noted it.\n"
             "שלום עולם. The end.\n")

HAS_IMPORT = importlib.util.find_spec("annotate.importing") is not None
HAS_EXPORT = importlib.util.find_spec("annotate.export") is not None
HAS_TABLE = importlib.util.find_spec("annotate.cli_agreement") is not None


def _nested_list(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def _nested_table(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = {"a": value}
    return value


HOSTILE_VALUES: list[Any] = [
    10**30, -(10**30), 2**63, 2**64 + 1, -1, 0, 1e308, -1e-308, float("inf"), float("nan"),
    "", "x" * 100_000, "\x00", "a\x00b", "\x1b[31mred\x1b[0m", "\u202eevil", "\ud7ff",
    "0-999999999", "5-1", "../../etc/passwd", "/abs/path", "C:\\x", "con", True, False,
    [], {}, [[0, 10], [5, 15]], [[10, 5]], [[0, 10**12]], [-1, 3], _nested_list(60),
    _nested_table(60), {"unknown_key": 1}, "1970-01-01T00:00:00Z", "9999-99-99",
]
"""Values substituted anywhere in a parsed file."""

HOSTILE_BYTES: list[bytes] = [
    b"\x00", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x80", b"\xf4\x90",
    b"9" * 5000, b"-" + b"9" * 5000, b"[" * 5000, b"{\"a\":" * 3000, b"a = " + b"[" * 3000,
    b"1e99999", b"-0", b"\"\\ud800\"", b"NaN", b"Infinity", b"nan", b"inf", b"\r\n", b"\r",
    b"\"\"\"", b"'''", b"[[annotations]]\n", b"[reviewed]\n", b"\n[x]\n[x]\n", b"\\u0000",
    b"\",\"", b"\n\n\n", b"\x1b[2J", b"\xe2\x80\xae", b"\x00" * 64, b"x" * 70_000,
]
"""Byte strings spliced into files."""


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists (capped for very wide files)."""
    found = [prefix]
    if len(prefix) > 8:
        return found
    if isinstance(value, dict):
        for key, item in list(value.items())[:50]:
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value[:50]):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def mutate_structure(rng: random.Random, value: Any) -> Any:
    """Change one random place of a parsed file: replace, delete, duplicate, add or swap."""
    value = json.loads(json.dumps(value, default=str))
    paths = _paths(value)
    path = rng.choice(paths)
    if not path:
        return rng.choice(HOSTILE_VALUES) if rng.random() < 0.2 else value
    parent, key = _get(value, path[:-1]), path[-1]
    action = rng.randrange(6)
    if action == 0:
        parent[key] = rng.choice(HOSTILE_VALUES)
    elif action == 1:
        del parent[key]
    elif action == 2 and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(parent[key])))  # a duplicate: same ids
    elif action == 3 and isinstance(parent, dict):
        parent[rng.choice(["extra", "Start", "start ", "__class__", "id", "spans"])] = \
            rng.choice(HOSTILE_VALUES)
    elif action == 4 and isinstance(parent[key], int) and not isinstance(parent[key], bool):
        parent[key] = rng.choice([parent[key] + rng.randint(-50, 50), -parent[key],
                                  parent[key] * 1000, parent[key] + 10**6])
    elif isinstance(parent, dict) and "start" in parent and "end" in parent:
        parent["start"], parent["end"] = parent["end"], parent["start"]  # start > end
    else:
        parent[key] = rng.choice(HOSTILE_VALUES)
    return value


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Damage raw bytes: flip, cut, repeat, truncate or splice in a hostile snippet."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        position = rng.randint(0, len(data))
        action = rng.randrange(6)
        if action == 0 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif action == 1:
            del data[position:position + rng.randint(1, 40)]
        elif action == 2:
            data[position:position] = data[position:position + rng.randint(1, 60)] * 2
        elif action == 3:
            del data[position:]
        else:
            data[position:position] = rng.choice(HOSTILE_BYTES)
    if rng.random() < 0.05:
        data[0:0] = b"\xef\xbb\xbf"
    return bytes(data)


def _dump(kind: str, value: Any) -> bytes:
    """Serialise a mutated value back into the file's format (never failing: falls back)."""
    try:
        if kind == "toml":
            if not isinstance(value, dict):
                value = {"value": value}
            return tomli_w.dumps(_toml_safe(value)).encode("utf-8", "surrogatepass")
        if kind == "jsonl":
            items = value if isinstance(value, list) else [value]
            return "".join(json.dumps(item, ensure_ascii=False) + "\n"
                           for item in items).encode("utf-8", "surrogatepass")
        if kind == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            for row in value if isinstance(value, list) else [value]:
                writer.writerow(row if isinstance(row, list) else [row])
            return out.getvalue().encode("utf-8", "surrogatepass")
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError, RecursionError):
        return repr(value).encode("utf-8", "surrogatepass")


def _toml_safe(value: Any) -> Any:
    """TOML has no null and no mixed nesting problems tomli-w cannot write; drop Nones."""
    if isinstance(value, dict):
        return {str(k): _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_safe(v) for v in value if v is not None]
    return value


def _parse(kind: str, data: bytes) -> Any:
    text = data.decode("utf-8")
    if kind == "toml":
        return tomllib.loads(text)
    if kind == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if kind == "csv":
        return list(csv.reader(io.StringIO(text)))
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def fuzz_bytes(rng: random.Random, kind: str, seed: bytes) -> bytes:
    """One fuzz case for a file of ``kind``: random bytes, a mutated seed, or both."""
    roll = rng.random()
    if roll < 0.08:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    if roll < 0.45:
        return mutate_bytes(rng, seed)
    value = _parse(kind, seed)
    for _ in range(rng.randint(1, 3)):
        value = mutate_structure(rng, value)
    data = _dump(kind, value)
    return mutate_bytes(rng, data) if roll > 0.92 else data


# --- the world the cases run in ------------------------------------------------------------------

def _annotation(text: str, start: int, end: int, id: str, tag: str, **extra: Any) -> Annotation:
    return Annotation(id=id, document="doc", start=start, end=end, quote=text[start:end],
                      prefix=text[max(0, start - 32):start], suffix=text[end:end + 32],
                      tag=tag, created=NOW, modified=NOW, **extra)


@dataclass
class Target:
    """A file the tool reads, how it is written, and what reads it."""

    name: str
    relative_path: str
    kind: str
    run: Callable[[FuzzWorld, Path, random.Random], None]
    seeds: list[bytes] = field(default_factory=list)


class FuzzWorld:
    """A small project whose files are replaced one at a time by fuzzed versions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        spans = segment(FUZZ_TEXT)
        folder = make_project(root, FUZZ_TEXT, spans)
        cafe = FUZZ_TEXT.index("Café")
        moscow = FUZZ_TEXT.index("Москва")
        maria = AnnotatorFile(annotator="maria", project=PROJECT_ID,
                              reviewed={"doc": list(range(len(spans)))}, annotations=[
                                  _annotation(FUZZ_TEXT, 12, 37, "m1", "figure",
                                              subtype="statistical",
                                              attributes={"value": 7000000, "unit": "workers"}),
                                  _annotation(FUZZ_TEXT, moscow, moscow + 6, "m2", "assertion",
                                              note="город 👍"),
                                  _annotation(FUZZ_TEXT, cafe, cafe + 4, "m3", "quote")])
        lev = AnnotatorFile(annotator="lev", project=PROJECT_ID, reviewed={"doc": [0, 1]},
                            annotations=[_annotation(FUZZ_TEXT, 12, 37, "l1", "figure")])
        save_annotator_file(folder.annotator_path("maria"), maria)
        save_annotator_file(folder.annotator_path("lev"), lev)
        self.originals = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        self.targets = self._targets()

    def _targets(self) -> list[Target]:
        root = self.root
        targets = [
            Target("project", "project.toml", "toml", _run_validate),
            Target("annotator", "annotations/maria.toml", "toml", _run_annotator),
            Target("sentences", "sentences/doc.toml", "toml", _run_sentences),
            Target("journal", "annotations/.maria.journal", "jsonl", _run_journal,
                   [_journal_seed()]),
        ]
        for target in targets[:3]:
            target.seeds.append((root / target.relative_path).read_bytes())
        if HAS_IMPORT and HAS_EXPORT:
            targets.append(Target("import", "import/claims.json", "json", _run_import,
                                  _export_seeds(root)))
        if HAS_TABLE:
            table = b"unit,coder,label\nu1,a,x\nu1,b,x\nu2,a,y\nu2,b,x\nu3,a,1\nu3,c,2\n"
            targets.append(Target("table", "import/ratings.csv", "csv", _run_table, [table]))
        return targets

    def target(self, name: str) -> Target:
        """The target with this name."""
        return next(t for t in self.targets if t.name == name)

    def restore(self) -> None:
        """Put every original file back and remove anything a case created."""
        for path in list(self.root.rglob("*")):
            if path.is_file() and path not in self.originals:
                path.unlink()
        for path, data in self.originals.items():
            if path.read_bytes() != data:
                path.write_bytes(data)

    def run(self, target: Target, data: bytes, rng: random.Random) -> BaseException | None:
        """Run one case; return the exception if it was anything but an AnnotateError."""
        path = self.root / target.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        try:
            target.run(self, path, rng)
        except AnnotateError as error:
            if not str(error).strip():
                return AssertionError(f"{type(error).__name__} with an empty message")
        except (Exception, RecursionError, MemoryError) as error:
            return error
        finally:
            self.restore()
        return None


def _journal_seed() -> bytes:
    header = {"format": "annotate-journal", "version": 1, "project": PROJECT_ID,
              "annotator": "maria"}
    put = _annotation(FUZZ_TEXT, 0, 2, "j1", "figure").model_dump(mode="json")
    lines = [header, {"ops": [{"op": "put", "annotation": put}]},
             {"ops": [{"op": "review", "document": "doc", "sentence": 1, "reviewed": False}]},
             {"ops": [{"op": "remove", "id": "m2"}]}]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _export_seeds(root: Path) -> list[bytes]:
    from annotate.export import ExportSelection, plan_export, write_export

    seeds = []
    for format in ("json", "jsonl", "w3c"):
        out = io.StringIO()
        plan = plan_export(open_project(root), ExportSelection(annotators=("maria",)))
        write_export(out, plan, format, now=NOW)
        seeds.append(out.getvalue().encode("utf-8"))
    return seeds


def _run_validate(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    validate_project(world.root)


def _run_annotator(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    validate_project(world.root)
    open_project(world.root).load_annotator("maria")


def _run_sentences(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    validate_project(world.root)
    open_project(world.root).sentences("doc")


def _run_journal(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    from annotate.session import EditSession

    folder = open_project(world.root)
    with EditSession(folder, "maria", read_only=rng.random() < 0.5) as session:
        session.snapshot()


def _run_import(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    from annotate.importing import import_claims

    import_claims(open_project(world.root), path, "imported", partial=rng.random() < 0.5)


def _run_table(world: FuzzWorld, path: Path, rng: random.Random) -> None:
    from annotate.cli_agreement import table_agreement

    table_agreement(path, rng.choice(["nominal", "ordinal", "interval", "ratio"]))


@contextlib.contextmanager
def fuzz_world(root: Path) -> Any:
    """A fresh world in ``root``, removed afterwards."""
    world = FuzzWorld(root)
    try:
        yield world
    finally:
        shutil.rmtree(root, ignore_errors=True)


def describe(error: BaseException) -> str:
    """A one-line description of an unexpected exception."""
    return f"{type(error).__name__}: {str(error)[:200]}"


# --- the tests ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One fuzz world shared by the module's tests (every case restores it)."""
    with fuzz_world(tmp_path_factory.mktemp("fuzz") / "project") as made:
        yield made


TARGET_NAMES = ["project", "annotator", "sentences", "journal", "import", "table"]


def _target_or_skip(world: FuzzWorld, name: str) -> Target:
    if all(t.name != name for t in world.targets):
        pytest.skip(f"the {name} reader is not part of this version")
    return world.target(name)


class TestRandomAndMutatedFiles:
    @pytest.mark.parametrize("name", TARGET_NAMES)
    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(rng=st.randoms(use_true_random=False), seed_index=st.integers(0, 2))
    def test_only_annotate_errors(self, world: FuzzWorld, name: str, rng: random.Random,
                                  seed_index: int) -> None:
        """Random and mutated files make the reader raise AnnotateError or succeed."""
        target = _target_or_skip(world, name)
        seed = target.seeds[seed_index % len(target.seeds)]
        data = fuzz_bytes(rng, target.kind, seed)
        error = world.run(target, data, rng)
        assert error is None, f"{name}: {describe(error)} for {data[:300]!r}"

    @pytest.mark.parametrize("name", TARGET_NAMES)
    def test_seeds_are_accepted(self, world: FuzzWorld, name: str) -> None:
        """The unmutated seed files are valid, so mutations start from a real file."""
        target = _target_or_skip(world, name)
        for seed in target.seeds:
            assert world.run(target, seed, random.Random(0)) is None


def _replace(kind: str, seed: bytes, path: tuple[Any, ...], value: Any) -> bytes:
    parsed = _parse(kind, seed)
    parent = _get(parsed, path[:-1])
    parent[path[-1]] = value
    return _dump(kind, parsed)


HOSTILE_ANNOTATOR_EDITS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "huge start": (("annotations", 0, "start"), 10**30),
    "start past the text": (("annotations", 0, "start"), 10**6),
    "start after end": (("annotations", 0, "end"), 1),
    "negative offset": (("annotations", 0, "start"), -5),
    "unknown key": (("annotations", 0, "colour"), "red"),
    "wrong type": (("annotations", 0, "tag"), 12),
    "long string": (("annotations", 0, "id"), "x" * 1_000_000),
    "NUL in a value": (("annotations", 0, "quote"), "a\x00b"),
    "deep nesting": (("annotations", 0, "attributes"), _nested_table(200)),
    "duplicate id": (("annotations", 1, "id"), "m1"),
    "huge run": (("reviewed", "doc"), ["0-999999999"]),
    "reversed run": (("reviewed", "doc"), ["9-2"]),
    "infinite number": (("annotations", 0, "attributes", "value"), float("inf")),
}


class TestHostileValues:
    @pytest.mark.parametrize("case", sorted(HOSTILE_ANNOTATOR_EDITS))
    def test_annotator_file(self, world: FuzzWorld, case: str) -> None:
        """Each hostile value in an annotator file gives AnnotateError naming the file."""
        target = world.target("annotator")
        path, value = HOSTILE_ANNOTATOR_EDITS[case]
        data = _replace("toml", target.seeds[0], path, value)
        (world.root / target.relative_path).write_bytes(data)
        try:
            with pytest.raises(AnnotateError, match=r"maria\.toml"):
                _run_annotator(world, world.root / target.relative_path, random.Random(0))
        finally:
            world.restore()

    @pytest.mark.parametrize("spans", [[[0, 10], [5, 15]], [[10, 5]], [[0, 10**9]],
                                       [[-1, 3]], [[0, 0]], "0-10", [[0, 1, 2]]])
    def test_sentence_file(self, world: FuzzWorld, spans: Any) -> None:
        """Overlapping, reversed, out-of-range or malformed sentences are refused clearly."""
        target = world.target("sentences")
        data = _replace("toml", target.seeds[0], ("spans",), spans)
        (world.root / target.relative_path).write_bytes(data)
        try:
            with pytest.raises(AnnotateError, match=r"doc\.toml"):
                open_project(world.root).sentences("doc")
        finally:
            world.restore()

    @pytest.mark.parametrize("snippet", [b"\x00", b"\xff", b"\xed\xa0\x80", b"9" * 5000,
                                         b"[" * 5000, b"{a=" * 3000],
                             ids=["nul", "bad-utf8", "surrogate", "long-int", "deep-array",
                                  "deep-table"])
    @pytest.mark.parametrize("name", ["project", "annotator", "sentences"])
    def test_raw_bytes_in_toml(self, world: FuzzWorld, name: str, snippet: bytes) -> None:
        """NUL, invalid UTF-8, over-long numbers and deep nesting in a TOML file are refused."""
        target = world.target(name)
        data = target.seeds[0] + b"\nkey = " + snippet + b"\n"
        error = world.run(target, data, random.Random(0))
        assert error is None, describe(error)

    def test_bom_is_accepted(self, world: FuzzWorld) -> None:
        """A UTF-8 byte-order mark at the start of a TOML file is ignored."""
        target = world.target("annotator")
        (world.root / target.relative_path).write_bytes(b"\xef\xbb\xbf" + target.seeds[0])
        try:
            assert open_project(world.root).load_annotator("maria").annotations
        finally:
            world.restore()

    @pytest.mark.parametrize("snippet", [b"[" * 100_000, b"9" * 5000, b"{\"claims\": " * 5000,
                                         b"\xff\xfe", b"\x00", b"NaN", b"[]", b"{}"],
                             ids=["deep-array", "long-int", "deep-object", "bad-utf8", "nul",
                                  "nan", "empty-array", "empty-object"])
    def test_import_file(self, world: FuzzWorld, snippet: bytes) -> None:
        """Hostile JSON import files give AnnotateError, never a parser's own exception."""
        target = _target_or_skip(world, "import")
        error = world.run(target, snippet, random.Random(0))
        assert error is None, describe(error)

    @pytest.mark.parametrize("data", [b"unit,coder,label\n" + b"x" * 200_000 + b",a,b\n",
                                      b"unit,coder,label\nu,a,\x00\n", b"\xff\xfe",
                                      b"unit,coder,label\nu,a,1e999\nu,b,2\n",
                                      b"unit,coder,label\nu,a,nan\nu,b,2\n",
                                      b"unit,coder,label\nu,a,inf\nu,b,-inf\n",
                                      b"unit,coder,label\nu,a,x\nu,a,y\n",
                                      b"unit,coder,label\nu,a," + b"9" * 5000 + b"\n"],
                             ids=["long-cell", "nul", "bad-utf8", "overflow", "nan", "inf",
                                  "same-coder-twice", "long-number"])
    def test_ratings_table(self, world: FuzzWorld, data: bytes) -> None:
        """Hostile ratings tables give AnnotateError (or a result), never a traceback."""
        target = _target_or_skip(world, "table")
        for level in ("nominal", "interval"):
            (world.root / target.relative_path).parent.mkdir(exist_ok=True)
            (world.root / target.relative_path).write_bytes(data)
            try:
                _run_table(world, world.root / target.relative_path, _Fixed(level))
            except AnnotateError:
                pass
            finally:
                world.restore()


class _Fixed(random.Random):
    """A Random whose ``choice`` always returns one given value (to pick a level)."""

    def __init__(self, value: Any) -> None:
        super().__init__(0)
        self.value = value

    def choice(self, seq: Any) -> Any:  # type: ignore[override]
        return self.value

"""A fast writer and reader for the regular TOML subset that annotator files use.

Annotator files hold thousands of small tables, and the standard library's pure-Python TOML
parser and tomli-w take about half a second each way for 10k annotations. The writer here
emits plain TOML (one key a line, JSON-compatible string escapes); the reader accepts exactly
that subset and returns None for anything else, so hand-edited files still go through
``tomllib`` and get its precise error messages. Both are checked against tomllib in tests.

For the ``[[annotations]]`` part, ``annotations_json`` goes further: once one regular expression
has checked that the blocks are exactly what the writer makes, it rewrites them as a JSON array
with a few byte replacements, so pydantic parses and validates them in one pass without a
Python object per TOML value. On that checked subset TOML and JSON read every value the same.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DATETIME = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?")
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\x7f\"\\\\]")
_KNOWN_KEYS = frozenset({"id", "document", "start", "end", "tag", "subtype", "quote", "prefix",
                         "suffix", "note", "orphaned", "created", "modified"})


def dump_string(value: str) -> str:
    """A TOML basic string; escapes are a subset both TOML and JSON understand."""
    if not _NEEDS_ESCAPE.search(value):
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def dump_value(value: object) -> str:
    """One TOML value of the types annotator files hold."""
    if isinstance(value, str):
        return dump_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not _FLOAT.fullmatch(text):
            raise ValueError(f"{value!r} cannot be written as a TOML float")
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(dump_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to an annotator file")


def dump_table(lines: list[str], table: Mapping[str, object]) -> None:
    """Append ``key = value`` lines for the scalar and array entries of ``table``."""
    for key, value in table.items():
        if not _BARE_KEY.fullmatch(key):
            key = dump_string(key)
        lines.append(f"{key} = {dump_value(value)}")


def dumps_annotator_data(data: Mapping[str, Any]) -> str:
    """Write an annotator file's plain data: top-level keys, [reviewed], [[annotations]]."""
    lines: list[str] = []
    dump_table(lines, {k: v for k, v in data.items() if k not in ("reviewed", "annotations")})
    lines.extend(["", "[reviewed]"])
    dump_table(lines, data.get("reviewed", {}))
    for annotation in data.get("annotations", []):
        lines.extend(["", "[[annotations]]"])
        dump_table(lines, {k: v for k, v in annotation.items() if k != "attributes"})
        attributes = annotation.get("attributes")
        if attributes:
            lines.append("")
            lines.append("[annotations.attributes]")
            dump_table(lines, attributes)
    return "\n".join(lines) + "\n"


class _NotCanonical(Exception):
    """The text uses TOML beyond the subset this reader handles."""


def _parse_value(raw: str) -> object:
    first = raw[:1]
    if first == '"':
        if "\\" not in raw:
            body = raw[1:-1]
            if len(raw) < 2 or raw[-1] != '"' or _NEEDS_ESCAPE.search(body):
                raise _NotCanonical
            return body
        try:
            value = json.loads(raw)
        except ValueError:
            raise _NotCanonical from None
        if not isinstance(value, str) or dump_string(value) != raw:
            raise _NotCanonical  # only the escapes this writer makes, which TOML shares
        return value
    if raw.isdigit() and (raw[0] != "0" or raw == "0") and raw.isascii():
        return int(raw)
    if raw == "true":
        return True
    if raw == "false":
        return False
    if len(raw) >= 19 and raw[4] == "-" and _DATETIME.fullmatch(raw):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise _NotCanonical from None
    if _INTEGER.fullmatch(raw):
        return int(raw)
    if _FLOAT.fullmatch(raw):
        return float(raw)
    if first == "[" and raw[-1:] == "]":
        # only the blanks TOML allows between items (str.strip would take any Unicode space)
        inner = raw[1:-1].strip(" \t")
        return [_parse_value(item.strip(" \t")) for item in inner.split(",")] if inner else []
    raise _NotCanonical


def loads_annotator_data(text: str) -> dict[str, Any] | None:
    """Parse text written by ``dumps_annotator_data``; None if it is not in that subset."""
    try:
        return _loads(text)
    except (_NotCanonical, ValueError):  # e.g. an integer too long to convert
        return None


def _loads(text: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    current = root
    annotations: list[dict[str, Any]] | None = None
    for line in text.split("\n"):
        if not line:
            continue
        if line[0] == "[":
            if line == "[[annotations]]":
                if annotations is None:
                    if "annotations" in root:
                        raise _NotCanonical
                    annotations = root["annotations"] = []
                current = {}
                annotations.append(current)
            elif line == "[annotations.attributes]":
                if annotations is None or "attributes" in current or current is not \
                        annotations[-1]:
                    raise _NotCanonical
                current["attributes"] = current = {}
            elif line == "[reviewed]":
                if "reviewed" in root or annotations is not None:
                    raise _NotCanonical
                current = root["reviewed"] = {}
            else:
                raise _NotCanonical
            continue
        key, sep, raw = line.partition(" = ")
        if not sep or key in current or raw != raw.strip() or (
                key not in _KNOWN_KEYS and not _BARE_KEY.fullmatch(key)):
            raise _NotCanonical
        current[key] = _parse_value(raw)
    return root


# --- the annotations as JSON --------------------------------------------------------------------

# A basic string with only the escapes TOML and JSON read alike (no surrogate \u escapes,
# which JSON would pair up and TOML refuses); no raw control characters or DEL, as in TOML.
_J_STRING = (rb'"[^"\\\x00-\x1f\x7f]*+(?:\\(?:["\\bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})'
             rb'[^"\\\x00-\x1f\x7f]*+)*+"')
_J_INTEGER = rb"-?(?:0|[1-9][0-9]{0,18})"  # no +, _ or leading zeros; 64 bits and a little more
_J_SCALAR = (rb"(?:" + _J_STRING + rb"|" + _J_INTEGER +
             rb"(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?|true|false)")
_J_DATETIME = (rb"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T"
               rb"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
               rb"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])")
# One [[annotations]] block as ``annotation_dict`` orders it, optional keys in their places.
_J_BLOCK = (
    rb"\[\[annotations\]\]\nid = {S}\ndocument = {S}\nstart = {I}\nend = {I}\ntag = {S}\n"
    rb"(?:subtype = {S}\n)?quote = {S}\n(?:prefix = {S}\n)?(?:suffix = {S}\n)?(?:note = {S}\n)?"
    rb"(?:orphaned = true\n)?created = {D}\nmodified = {D}\n"
    rb"(?:\n\[annotations\.attributes\]\n(?:[a-z][a-z0-9_]*+ = {V}\n)++)?"
).replace(b"{S}", _J_STRING).replace(b"{I}", _J_INTEGER).replace(b"{D}", _J_DATETIME).replace(
    b"{V}", _J_SCALAR)
_J_ATTRIBUTES = re.compile(
    rb"\n\n\[annotations\.attributes\]\n((?:[^\n]*+\n)+?)(?=\n\[\[annotations\]\]\n|\Z)")
_J_KEYS = [(b"\n" + key + b" = ", b',"' + key + b'":') for key in (
    b"document", b"start", b"end", b"tag", b"subtype", b"quote", b"prefix", b"suffix",
    b"note", b"orphaned")]


@functools.cache
def _blocks_pattern() -> re.Pattern[bytes]:
    """The layout of consecutive blocks; compiled on first use (a few milliseconds that the
    app's start need not pay)."""
    return re.compile(_J_BLOCK + rb"(?:\n" + _J_BLOCK + rb")*+")


def _attributes_json(match: re.Match[bytes]) -> bytes:
    """An [annotations.attributes] table as the JSON that ends its annotation's object."""
    members: dict[bytes, bytes] = {}
    for line in match[1].splitlines():
        key, _, value = line.partition(b" = ")
        if key in members:
            raise _NotCanonical  # a duplicate key, which TOML refuses
        members[key] = b'"' + key + b'":' + value
    # the leading quote closes the ``modified`` string before it
    return b'","attributes":{' + b",".join(members.values()) + b"}}"


_J_CHUNK = 2**20
"""Blocks are rewritten about a megabyte at a time: a dozen passes over a buffer that stays
in the CPU's cache beat a dozen over the whole file."""


def annotations_json(data: bytes) -> tuple[bytes, bytes] | None:
    """Split an annotator file into its head (the lines before the first ``[[annotations]]``)
    and its annotations as a JSON array, or None when the annotations are not exactly as
    ``dumps_annotator_data`` writes them. Datetimes become RFC 3339 strings."""
    cut = data.find(b"\n[[annotations]]\n")
    if cut < 0:
        return data, b"[]"
    objects: list[bytes] = []
    start = cut + 1
    while start < len(data):
        # end a chunk where a block ends: before the blank line and the next header
        end = data.find(b"\n\n[[annotations]]\n", start + _J_CHUNK)
        end = len(data) if end < 0 else end + 1
        chunk = _blocks_json(data[start:end])
        if chunk is None:
            return None
        objects.append(chunk)
        start = end + 1
    return data[:cut + 1], b"[" + b",".join(objects) + b"]"


def _blocks_json(blocks: bytes) -> bytes | None:
    """Consecutive ``[[annotations]]`` blocks as comma-separated JSON objects, or None."""
    if not _blocks_pattern().fullmatch(blocks):
        return None
    try:
        blocks = _J_ATTRIBUTES.sub(_attributes_json, blocks)
    except _NotCanonical:
        return None
    blocks = (blocks.replace(b"\n\n[[annotations]]\nid = ", b'"},{"id":')  # after a datetime
                    .replace(b"\n[[annotations]]\nid = ", b',{"id":')  # after attributes' }}
                    .replace(b"[[annotations]]\nid = ", b'{"id":', 1))
    for old, new in _J_KEYS:
        blocks = blocks.replace(old, new)
    blocks = blocks.replace(b"\ncreated = ", b',"created":"').replace(b"\nmodified = ",
                                                                      b'","modified":"')
    return blocks[:-1] + b'"}' if blocks.endswith(b"\n") else blocks

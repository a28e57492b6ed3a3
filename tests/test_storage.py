"""Tests for annotate.storage: the TOML round trip, atomic writes and clear errors."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.errors import (
    AnnotateError,
    DocumentError,
    NewerVersionError,
    ProjectFileError,
    SaveError,
)
from annotate.model import Annotation, AnnotatorFile
from annotate.storage import (
    annotator_file_to_toml,
    atomic_write_text,
    load_annotator_file,
    load_model,
    load_written_annotator_file,
    open_project,
    parse_annotator_file,
    project_to_toml,
    save_annotator_file,
)
from tests.conftest import DATA, PROJECT_ID

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

text_strategy = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
attribute_values = st.one_of(
    st.booleans(), st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False), text_strategy)


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    start = draw(st.integers(0, 10_000))
    quote = draw(st.text(min_size=1, max_size=20).filter(lambda s: "\ud800" not in s))
    created = NOW + timedelta(seconds=draw(st.integers(0, 10**8)),
                              microseconds=draw(st.sampled_from([0, 1, 120_000, 999_999])))
    return Annotation(
        id=draw(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)),
        document=draw(st.sampled_from(["doc", "other-doc"])),
        start=start, end=start + len(quote), quote=quote,
        prefix=draw(text_strategy), suffix=draw(text_strategy),
        tag=draw(st.sampled_from(["figure", "quote"])),
        subtype=draw(st.one_of(st.none(), st.sampled_from(["direct", "statistical"]))),
        attributes=draw(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                                        attribute_values, max_size=4)),
        note=draw(text_strategy), orphaned=draw(st.booleans()), created=created,
        modified=created + timedelta(days=draw(st.integers(0, 3))))


@st.composite
def annotator_files(draw: st.DrawFn) -> AnnotatorFile:
    items = draw(st.lists(annotations(), max_size=8, unique_by=lambda a: a.id))
    reviewed = draw(st.dictionaries(st.sampled_from(["doc", "other-doc"]),
                                    st.lists(st.integers(0, 500), max_size=10), max_size=2))
    return AnnotatorFile(annotator="maria", project=PROJECT_ID, reviewed=reviewed,
                         annotations=items)


class TestRoundTrip:
    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(original=annotator_files())
    def test_load_of_save_is_identity(self, tmp_path: Path, original: AnnotatorFile) -> None:
        """Any valid annotator file survives save then load unchanged (order aside)."""
        path = tmp_path / "maria.toml"
        save_annotator_file(path, original)
        loaded = load_annotator_file(path)
        by_id = sorted(original.annotations, key=Annotation.sort_key)
        assert loaded.annotations == by_id
        assert loaded.model_copy(update={"annotations": []}) == \
            original.model_copy(update={"annotations": []})

    @settings(max_examples=50, deadline=None)
    @given(original=annotator_files())
    def test_saving_twice_is_byte_identical(self, original: AnnotatorFile) -> None:
        """Serialising the same content twice, in any input order, gives the same bytes."""
        shuffled = original.model_copy(update={"annotations": original.annotations[::-1]})
        assert annotator_file_to_toml(original) == annotator_file_to_toml(shuffled)

    def test_one_edit_changes_only_that_annotation(self) -> None:
        """Changing one note touches only the lines of that annotation, so git diffs are small."""
        items = [Annotation(id=f"a{i}", document="doc", start=i * 10, end=i * 10 + 3,
                            quote="abc", tag="figure", created=NOW, modified=NOW)
                 for i in range(5)]
        before = AnnotatorFile(annotator="m", project=PROJECT_ID, annotations=items)
        edited = items.copy()
        edited[2] = edited[2].model_copy(update={"note": "checked"})
        after = before.model_copy(update={"annotations": edited})
        old_lines = annotator_file_to_toml(before).splitlines()
        new_lines = annotator_file_to_toml(after).splitlines()
        assert len(new_lines) == len(old_lines) + 1
        assert [line for line in new_lines if line not in old_lines] == ['note = "checked"']

    def test_project_round_trip(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """project.toml written by init/add reads back as the same project."""
        reopened = open_project(small_project.root)
        assert reopened.project == small_project.project
        assert project_to_toml(reopened.project) == project_to_toml(small_project.project)

    def test_annotation_keys_in_fixed_order(self) -> None:
        """Keys are written in a documented order with attributes last and sorted."""
        a = Annotation(id="a", document="doc", start=0, end=3, quote="abc", tag="figure",
                       attributes={"z": 1, "a": "x"}, created=NOW, modified=NOW)
        text = annotator_file_to_toml(AnnotatorFile(annotator="m", project=PROJECT_ID,
                                                    annotations=[a]))
        keys = [line.split(" =")[0] for line in text.splitlines() if " = " in line]
        assert keys[3:] == ["id", "document", "start", "end", "tag", "quote", "created",
                            "modified", "a", "z"]


class TestAtomicWrite:
    def test_no_temporary_file_is_left(self, tmp_path: Path) -> None:
        """After a save only the target file exists in the folder."""
        atomic_write_text(tmp_path / "f.toml", "x = 1\n")
        assert [p.name for p in tmp_path.iterdir()] == ["f.toml"]

    def test_failed_write_keeps_the_old_file(self, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
        """A disk-full error fails clearly, leaves the old file intact and no temp file."""
        import errno

        target = tmp_path / "f.toml"
        target.write_text("old = 1\n")

        def full_disk(*args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full_disk)
        with pytest.raises(SaveError, match="No space left on device; the previous file"):
            atomic_write_text(target, "new = 1\n")
        assert target.read_text() == "old = 1\n"
        assert [p.name for p in tmp_path.iterdir()] == ["f.toml"]

    def test_unencodable_text_is_refused_before_writing(self, tmp_path: Path) -> None:
        """A lone surrogate cannot be UTF-8; the error names the file and nothing is written."""
        with pytest.raises(SaveError, match="UTF-8"):
            atomic_write_text(tmp_path / "f.toml", "bad \ud800")
        assert not (tmp_path / "f.toml").exists()


class TestFastRead:
    @settings(max_examples=150, deadline=None)
    @given(original=annotator_files())
    def test_fast_path_reads_what_the_general_path_reads(self, original: AnnotatorFile) -> None:
        """Every file the tool writes takes the fast path and gives the general path's model."""
        text = annotator_file_to_toml(original)
        fast = load_written_annotator_file(Path("maria.toml"), text.encode())
        assert fast is not None
        assert fast == parse_annotator_file(Path("maria.toml"), text)

    @pytest.mark.parametrize("change, field, message", [
        (("end = 5", "end = 2"), "annotations[0]", "the span [0, 2) has 2"),
        (('id = "a2"', 'id = "a1"'), None, "'a1' is used twice"),
        (('tag = "figure"', 'tag = ""'), None, None),  # valid here; the project check refuses it
        (("value = 7", "value = 99999999999999999999"), "annotations[0].attributes",
         "too large for a 64-bit integer"),
    ])
    def test_written_file_with_a_bad_value_gets_the_general_error(
            self, tmp_path: Path, change: tuple[str, str], field: str | None,
            message: str | None) -> None:
        """A file shaped as the tool writes it but holding a bad value is refused with the
        general path's message, field and line."""
        first = Annotation(id="a1", document="doc", start=0, end=5, quote="Hello", tag="figure",
                           attributes={"value": 7}, created=NOW, modified=NOW)
        second = first.model_copy(update={"id": "a2", "start": 10, "end": 15})
        text = annotator_file_to_toml(AnnotatorFile(annotator="maria", project=PROJECT_ID,
                                                     annotations=[first, second]))
        path = tmp_path / "maria.toml"
        path.write_text(text.replace(*change, 1), encoding="utf-8")
        if message is None:
            assert load_annotator_file(path).annotations[0].tag == ""
            return
        with pytest.raises(ProjectFileError) as fast_error:
            load_annotator_file(path)
        with pytest.raises(ProjectFileError) as general_error:
            parse_annotator_file(path, path.read_text(encoding="utf-8"))
        assert str(fast_error.value) == str(general_error.value)
        assert fast_error.value.field == field and message in str(fast_error.value)
        assert (fast_error.value.line is not None) == (field is not None)

    def test_text_toml_refuses_is_refused(self, tmp_path: Path) -> None:
        """A Unicode space inside an array is not TOML: the file is refused with the syntax
        error, whichever path its other parts would take."""
        annotation = Annotation(id="a1", document="doc", start=0, end=5, quote="Hello",
                                tag="figure", note="café", created=NOW, modified=NOW)
        text = annotator_file_to_toml(AnnotatorFile(annotator="maria", project=PROJECT_ID,
                                                    reviewed={"doc": [1, 3]},
                                                    annotations=[annotation]))
        path = tmp_path / "maria.toml"
        path.write_text(text.replace("[1, 3]", "[1,\x85 3]").replace("café", "caf\\u00e9"),
                        encoding="utf-8")
        with pytest.raises(ProjectFileError, match="TOML syntax error"):
            load_annotator_file(path)

    def test_bad_utf8_in_a_written_file_is_named(self, tmp_path: Path) -> None:
        """The fast path reads bytes; a note that is not UTF-8 still gets the general
        path's message with the byte offset."""
        annotation = Annotation(id="a1", document="doc", start=0, end=5, quote="Hello",
                                tag="figure", note="café", created=NOW, modified=NOW)
        text = annotator_file_to_toml(AnnotatorFile(annotator="maria", project=PROJECT_ID,
                                                    annotations=[annotation]))
        path = tmp_path / "maria.toml"
        path.write_bytes(text.encode().replace("é".encode(), b"\xe9"))
        with pytest.raises(ProjectFileError, match=r"not valid UTF-8: byte 0xe9 at byte "
                                                   r"offset \d+"):
            load_annotator_file(path)

    def test_newer_version_is_refused_on_the_fast_path(self, tmp_path: Path) -> None:
        """A file from a newer version is refused even when its annotations look familiar."""
        annotation = Annotation(id="a1", document="doc", start=0, end=5, quote="Hello",
                                tag="figure", created=NOW, modified=NOW)
        text = annotator_file_to_toml(AnnotatorFile(annotator="maria", project=PROJECT_ID,
                                                    annotations=[annotation]))
        path = tmp_path / "maria.toml"
        path.write_text(text.replace("schema_version = 1", "schema_version = 7"),
                        encoding="utf-8")
        with pytest.raises(NewerVersionError, match="schema_version 7"):
            load_annotator_file(path)


class TestBadInput:
    def test_toml_syntax_error_has_line_and_column(self) -> None:
        """A syntax error names the file, the line and the column."""
        with pytest.raises(ProjectFileError) as e:
            load_annotator_file(DATA / "bad_syntax.toml")
        assert str(e.value).startswith(f"{DATA / 'bad_syntax.toml'}:9:7: TOML syntax error")

    def test_wrong_type_names_the_field_and_line(self) -> None:
        """A validation error gives the field path and the line of its table."""
        with pytest.raises(ProjectFileError) as e:
            load_annotator_file(DATA / "bad_wrong_type.toml")
        assert e.value.field == "annotations[0].start"
        assert e.value.line == 8
        assert "valid integer" in str(e.value)

    def test_unknown_key_is_named(self) -> None:
        """A misspelt key is reported with its path."""
        with pytest.raises(ProjectFileError, match=r"annotations\[0\]\.colour: unknown key"):
            load_annotator_file(DATA / "bad_unknown_key.toml")

    def test_newer_schema_version_is_refused(self) -> None:
        """A file from a newer version is refused before validation, never half-read."""
        with pytest.raises(NewerVersionError, match="schema_version 99"):
            load_annotator_file(DATA / "bad_newer_version.toml")

    def test_non_utf8_reports_byte_offset(self) -> None:
        """Text that is not UTF-8 is reported with the byte offset of the first bad byte."""
        with pytest.raises(ProjectFileError, match=r"byte 0xe9 at byte offset \d+"):
            load_annotator_file(DATA / "bad_not_utf8.toml")

    def test_duplicate_ids_are_reported(self) -> None:
        """Two annotations with one id are refused."""
        with pytest.raises(ProjectFileError, match="'a1' is used twice"):
            load_annotator_file(DATA / "bad_duplicate_id.toml")

    @pytest.mark.parametrize("kind, message", [("dotdot", "the path leaves the project folder"),
                                               ("absolute", "absolute paths are not allowed")])
    def test_document_path_outside_project(self, kind: str, message: str) -> None:
        """A document path that leaves the project is refused with the field path."""
        with pytest.raises(ProjectFileError, match=rf"documents\[0\]\.path: {message}"):
            from annotate.model import Project

            load_model(Project, DATA / f"bad_project_path_{kind}.toml")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is named as such."""
        with pytest.raises(ProjectFileError, match="file not found"):
            load_annotator_file(tmp_path / "nope.toml")


class TestProjectFolder:
    @pytest.mark.parametrize("name, field, message", [
        ("bad_unknown_tag", "annotations[0].tag",
         "unknown tag 'figur'; known: propaganda, figure, quote, assertion"),
        ("bad_other_project", "project", "belongs to another project"),
        ("bad_span_past_end", "annotations[0].end", "past the end of document 'doc'"),
        ("bad_quote_mismatch", "annotations[0].quote", "does not match the document text"),
    ])
    def test_file_checked_against_project(self, small_project, name: str, field: str,
                                          message: str) -> None:  # type: ignore[no-untyped-def]
        """An annotator file that disagrees with the project is refused with the field path."""
        target = small_project.root / "annotations" / "maria.toml"
        target.write_bytes((DATA / f"{name}.toml").read_bytes())
        with pytest.raises(ProjectFileError) as e:
            small_project.load_annotator("maria")
        assert e.value.field == field
        assert message in str(e.value)

    def test_changed_document_is_detected(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """A document edited after it was added no longer matches its recorded hash."""
        (small_project.root / "documents" / "doc.txt").write_text("Changed.", encoding="utf-8")
        with pytest.raises(DocumentError, match="has changed since it was added"):
            open_project(small_project.root).text("doc")

    def test_document_not_utf8(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """A document that is not UTF-8 is reported with the byte offset."""
        (small_project.root / "documents" / "doc.txt").write_bytes(b"ok \xff\xfe")
        with pytest.raises(DocumentError, match="byte 0xff at byte offset 3"):
            open_project(small_project.root).text("doc")

    def test_missing_annotator_file_is_empty(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """An annotator with no file yet starts with an empty file of this project."""
        f = small_project.load_annotator("newcomer")
        assert f.annotations == [] and f.project == small_project.project.id

    def test_unsafe_annotator_name(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """An annotator name that could make a path is refused."""
        with pytest.raises(AnnotateError, match="invalid annotator name"):
            small_project.annotator_path("../evil")

    def test_not_a_project(self, tmp_path: Path) -> None:
        """A folder without project.toml is named as not a project, with the fix."""
        with pytest.raises(AnnotateError, match="annotate init"):
            open_project(tmp_path)

    def test_sentences_are_loaded(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """The sentence file's spans come back as stored."""
        assert open_project(small_project.root).sentences("doc") == \
            [(0, 12), (13, 49), (50, 59)]


class TestSentenceFiles:
    def test_fast_path_reads_what_tomllib_reads(self, tmp_path: Path) -> None:
        """The span lines the tool writes give the same model through both readers."""
        from annotate.model import SentenceFile
        from annotate.storage import load_sentence_file, sentences_to_toml

        original = SentenceFile(document="d", sha256="0" * 64, method="annotate-1",
                                spans=[(0, 5), (6, 9), (12, 40)])
        path = tmp_path / "d.toml"
        path.write_text(sentences_to_toml(original), encoding="utf-8")
        assert load_sentence_file(path) == load_model(SentenceFile, path) == original

    def test_hand_edited_file_still_loads(self, tmp_path: Path) -> None:
        """A sentence file with comments and an array of pairs goes through tomllib."""
        from annotate.storage import load_sentence_file

        path = tmp_path / "d.toml"
        path.write_text(f'# fixed by hand\ndocument = "d"\nsha256 = "{"0" * 64}"\n'
                        'method = "annotate-1"\nspans = [[0, 5], [6, 9]]\n', encoding="utf-8")
        assert load_sentence_file(path).spans == [(0, 5), (6, 9)]

    @pytest.mark.parametrize("body, message", [("0 5\n3 9\n", "overlaps"),
                                               ("0 5\n6\n", "two numbers"),
                                               ("0 5\n6 x\n", "whole numbers"),
                                               ("0 5\n6 -9\n", "whole numbers")])
    def test_bad_spans_are_reported(self, tmp_path: Path, body: str, message: str) -> None:
        """Overlapping, odd or non-numeric span lines name the field."""
        from annotate.storage import load_sentence_file

        path = tmp_path / "d.toml"
        path.write_text(f'document = "d"\nsha256 = "{"0" * 64}"\nmethod = "m"\n'
                        f'spans = """\n{body}"""\n', encoding="utf-8")
        with pytest.raises(ProjectFileError, match=rf"spans: .*{message}"):
            load_sentence_file(path)

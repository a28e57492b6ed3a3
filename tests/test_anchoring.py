"""Tests for re-anchoring annotations and review marks when a document's text changes."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.anchoring import (
    Outcome,
    context_around,
    find_quote,
    known_sentence_texts,
    map_reviewed,
    map_sentences,
    reanchor_annotation,
)
from annotate.cli import main
from annotate.errors import AnnotateError, DocumentError, LockedError
from annotate.journal import JournalWriter, PutAnnotation, SetReviewed, journal_path
from annotate.lock import AnnotatorLock, lock_path
from annotate.model import Annotation, AnnotatorFile
from annotate.projects import validate_project
from annotate.reanchor import apply_change, plan_change
from annotate.segmentation import segment
from annotate.storage import (
    ProjectFolder,
    load_annotator_file,
    open_project,
    save_annotator_file,
)
from tests.conftest import PROJECT_ID, make_project

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

TEXT = ("The report opens here. In 1925 there were 7 million workers in industry. "
        "Wages rose by a third.\nProduction doubled in two years. The report ends here.\n")


def annotation_on(text: str, quote: str, *, occurrence: int = 0, id: str = "a1",
                  document: str = "doc", tag: str = "figure") -> Annotation:
    """An annotation on the ``occurrence``-th appearance of ``quote`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    prefix, suffix = context_around(text, start, end)
    return Annotation(id=id, document=document, start=start, end=end, quote=quote,
                      prefix=prefix, suffix=suffix, tag=tag, created=NOW, modified=NOW)


class TestReanchorAnnotation:
    def test_unchanged_position_is_kept(self) -> None:
        """An annotation whose position still holds its quote in context is kept as is."""
        annotation = annotation_on(TEXT, "7 million workers")
        result = reanchor_annotation(annotation, TEXT + "An appended sentence.")
        assert result.outcome is Outcome.KEPT
        assert (result.annotation.start, result.annotation.end) == (annotation.start,
                                                                     annotation.end)

    def test_insertion_before_the_span_moves_it(self) -> None:
        """Text inserted before a span moves the annotation by the inserted length."""
        annotation = annotation_on(TEXT, "7 million workers")
        inserted = "A preface of some length. "
        result = reanchor_annotation(annotation, inserted + TEXT)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.start == annotation.start + len(inserted)
        assert result.annotation.quote == "7 million workers"
        assert result.annotation.orphaned is False

    def test_deletion_before_the_span_moves_it(self) -> None:
        """Text deleted before a span moves the annotation back by the deleted length."""
        annotation = annotation_on(TEXT, "Wages rose by a third")
        new_text = TEXT.replace("The report opens here. ", "")
        result = reanchor_annotation(annotation, new_text)
        assert result.outcome is Outcome.MOVED
        assert new_text[result.annotation.start:result.annotation.end] == "Wages rose by a third"
        assert result.annotation.start == annotation.start - len("The report opens here. ")

    def test_edit_inside_the_span_orphans_it(self) -> None:
        """When the span's own text was edited, the claim is kept as orphaned, never moved."""
        annotation = annotation_on(TEXT, "7 million workers")
        result = reanchor_annotation(annotation, TEXT.replace("7 million", "7.5 million"))
        assert result.outcome is Outcome.ORPHANED
        assert result.annotation.orphaned is True
        assert result.annotation.quote == "7 million workers"
        assert result.annotation.id == annotation.id

    def test_removed_text_orphans_it(self) -> None:
        """When the span's text is gone from the document, the annotation is orphaned."""
        annotation = annotation_on(TEXT, "Production doubled in two years.")
        result = reanchor_annotation(annotation,
                                     TEXT.replace("Production doubled in two years. ", ""))
        assert result.outcome is Outcome.ORPHANED
        assert "no longer in the document" in result.detail

    def test_repeated_text_nearest_occurrence_wins(self) -> None:
        """Of two occurrences with equally matching context, the one nearest the old one wins."""
        text = "x. The report ends here. y. The report ends here. z. The report ends here."
        annotation = annotation_on(text, "The report ends here", occurrence=1)
        annotation = annotation.model_copy(update={"prefix": "", "suffix": ""})
        new_text = "Added. " + text
        result = reanchor_annotation(annotation, new_text)
        assert result.annotation.start == new_text.index("The report ends here",
                                                         annotation.start)

    def test_matching_context_beats_distance(self) -> None:
        """An occurrence whose prefix and suffix match wins over a nearer one that does not."""
        annotation = annotation_on(TEXT, "The report")  # "The report opens here"
        new_text = "The report says little. " * 3 + TEXT
        result = reanchor_annotation(annotation, new_text)
        assert result.outcome is Outcome.MOVED
        assert new_text[result.annotation.start:].startswith("The report opens here")

    def test_whitespace_only_changes_are_followed(self) -> None:
        """Re-wrapped lines and doubled spaces still find the quote; the quote is updated."""
        annotation = annotation_on(TEXT, "there were 7 million workers")
        new_text = TEXT.replace("there were 7", "there were\n7").replace("million ", "million  ")
        result = reanchor_annotation(annotation, new_text)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.quote == "there were\n7 million  workers"
        assert "spacing" in result.detail
        assert new_text[result.annotation.start:result.annotation.end] == \
            result.annotation.quote

    def test_crlf_line_endings_shift_offsets(self) -> None:
        """Converting LF to CRLF moves annotations after each break by one per break."""
        annotation = annotation_on(TEXT, "The report ends here")
        new_text = TEXT.replace("\n", "\r\n")
        result = reanchor_annotation(annotation, new_text)
        assert result.annotation.start == annotation.start + 1
        assert result.annotation.quote == "The report ends here"

    def test_quote_across_a_line_break_survives_crlf(self) -> None:
        """A quote that spans a line break is found again once the break becomes CRLF."""
        annotation = annotation_on(TEXT, "a third.\nProduction")
        new_text = TEXT.replace("\n", "\r\n")
        result = reanchor_annotation(annotation, new_text)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.quote == "a third.\r\nProduction"

    def test_context_is_refreshed(self) -> None:
        """A moved annotation gets the prefix and suffix of its new position."""
        annotation = annotation_on(TEXT, "7 million workers")
        new_text = TEXT.replace("In 1925 there were", "In October 1925 there were")
        result = reanchor_annotation(annotation, new_text)
        prefix, suffix = context_around(new_text, result.annotation.start, result.annotation.end)
        assert (result.annotation.prefix, result.annotation.suffix) == (prefix, suffix)

    def test_orphan_found_again_is_restored(self) -> None:
        """An annotation orphaned earlier is moved back and unmarked once its text reappears."""
        annotation = annotation_on(TEXT, "7 million workers").model_copy(
            update={"orphaned": True})
        result = reanchor_annotation(annotation, TEXT)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.orphaned is False

    def test_short_quote_without_context_is_not_moved_far(self) -> None:
        """A short quote is not moved to an unrelated occurrence whose context does not match."""
        text = "Alpha beta gamma delta. It said so."
        annotation = annotation_on(text, "It")
        new_text = "Completely different words. It rains. Nothing else is alike at all."
        result = reanchor_annotation(annotation, new_text)
        assert result.outcome is Outcome.ORPHANED

    def test_other_fields_are_untouched(self) -> None:
        """Re-anchoring changes only the anchor: tag, note, times and id stay as they were."""
        annotation = annotation_on(TEXT, "7 million workers").model_copy(
            update={"note": "check", "subtype": "statistical"})
        moved = reanchor_annotation(annotation, "New. " + TEXT).annotation
        for name in ("id", "tag", "subtype", "note", "created", "modified", "attributes"):
            assert getattr(moved, name) == getattr(annotation, name)


class TestFindQuote:
    def test_quote_missing(self) -> None:
        """A quote that does not occur (even with other spacing) is not found."""
        assert find_quote("abc def", "xyz", "", "", 0) is None

    def test_whitespace_only_quote_needs_an_exact_match(self) -> None:
        """A quote of only whitespace is not matched loosely against arbitrary whitespace."""
        assert find_quote("a\tb", " ", "", "", 1) is None

    def test_many_occurrences_stay_fast(self) -> None:
        """A very common quote in a long text is resolved without scanning forever."""
        text = "the cat. " * 200_000
        found = find_quote(text, "the", "cat. ", " cat", 900_000)
        assert found is not None and found[2]
        assert abs(found[0] - 900_000) < 20


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[str, str, list[Annotation]]:
    words = st.sampled_from(["alpha", "beta", "gamma", "7", "million", "Москва", "東京",
                             "👩‍💻", "e\u0301", "שלום", "."])
    tokens = draw(st.lists(words, min_size=5, max_size=40))
    separators = draw(st.lists(st.sampled_from([" ", "\n", "  ", "\r\n"]),
                               min_size=len(tokens), max_size=len(tokens)))
    old_text = "".join(t + s for t, s in zip(tokens, separators, strict=True))
    annotations = []
    for number in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, len(old_text) - 1))
        end = draw(st.integers(start + 1, min(len(old_text), start + 30)))
        prefix, suffix = context_around(old_text, start, end)
        annotations.append(Annotation(
            id=f"a{number}", document="doc", start=start, end=end,
            quote=old_text[start:end], prefix=prefix, suffix=suffix, tag="figure",
            created=NOW, modified=NOW))
    cut = draw(st.integers(0, len(old_text)))
    length = draw(st.integers(0, 20))
    insert = draw(st.text(st.sampled_from("abc .\n\r\u0301👍"), max_size=20))
    new_text = old_text[:cut] + insert + old_text[cut + length:]
    if draw(st.booleans()):
        new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")
    return old_text, new_text, annotations


class TestNothingIsDropped:
    @settings(max_examples=200, deadline=None)
    @given(case=edited_texts())
    def test_every_annotation_survives_and_lines_up(
            self, case: tuple[str, str, list[Annotation]]) -> None:
        """Any edit keeps every annotation; each one not orphaned quotes the new text exactly."""
        _, new_text, annotations = case
        results = [reanchor_annotation(a, new_text) for a in annotations]
        assert [r.annotation.id for r in results] == [a.id for a in annotations]
        for result in results:
            ann = result.annotation
            if result.outcome is Outcome.ORPHANED:
                assert ann.orphaned and ann.quote == annotations[results.index(result)].quote
            else:
                assert new_text[ann.start:ann.end] == ann.quote
                assert not ann.orphaned


class TestMapSentences:
    def test_inserted_sentence_renumbers_the_rest(self) -> None:
        """A sentence inserted at the start shifts every later index by one."""
        old = ["One.", "Two.", "Three."]
        new = ["Zero.", "One.", "Two.", "Three."]
        assert map_sentences(old, new) == {0: 1, 1: 2, 2: 3}

    def test_deleted_sentence_is_unmatched(self) -> None:
        """A removed sentence has no counterpart; the others keep theirs."""
        assert map_sentences(["One.", "Two.", "Three."], ["One.", "Three."]) == {0: 0, 2: 1}

    def test_whitespace_does_not_matter(self) -> None:
        """Sentences that differ only in spacing or line endings match."""
        assert map_sentences(["One\ntwo.", "Three."], ["One  two.", "Three."]) == {0: 0, 1: 1}

    def test_moved_sentence_is_found_by_text(self) -> None:
        """A sentence moved out of order is still matched by its text."""
        mapping = map_sentences(["A.", "B.", "C.", "D."], ["B.", "C.", "D.", "A."])
        assert mapping == {0: 3, 1: 0, 2: 1, 3: 2}

    def test_repeated_sentences_map_one_to_one(self) -> None:
        """Identical sentences are paired in order, never two old ones onto one new one."""
        mapping = map_sentences(["Yes.", "No.", "Yes."], ["Yes.", "Maybe.", "No.", "Yes."])
        assert mapping == {0: 0, 1: 2, 2: 3}

    def test_unknown_sentences_follow_their_neighbours(self) -> None:
        """Without the old text, a sentence between two matched ones maps by position."""
        mapping = map_sentences(["A.", None, "C."], ["New.", "A.", "Bee.", "C."], [2, 4, 2])
        assert mapping == {0: 1, 1: 2, 2: 3}

    def test_unknown_sentence_of_another_length_is_not_guessed(self) -> None:
        """An unknown old sentence is not mapped onto a new one of very different length."""
        mapping = map_sentences(["A.", None, "C."], ["A.", "A much longer sentence.", "C."],
                                [2, 4, 2])
        assert 1 not in mapping

    def test_known_texts_from_annotations(self) -> None:
        """An old sentence is known where an annotation's quote and context cover it."""
        text = "First one. Second one here. Third."
        spans = [(0, 10), (11, 27), (28, 34)]
        annotation = annotation_on(text, "Second one here.")
        annotation = annotation.model_copy(update={"prefix": "", "suffix": ""})
        known = known_sentence_texts(spans, [annotation])
        assert known == [None, "Second one here.", None]

    def test_review_marks_report_what_is_lost(self) -> None:
        """Review marks follow the mapping; marks without a counterpart are listed as lost."""
        result = map_reviewed([0, 1, 2], {0: 1, 2: 3})
        assert result.reviewed == [1, 3]
        assert result.lost == [1]
        assert result.moved == {0: 1, 2: 3}


# --- the project operation ----------------------------------------------------------------------

def changed_project(tmp_path: Path, new_text: str) -> tuple[ProjectFolder, Path]:
    """A project over TEXT with two annotators, whose document is then replaced by new_text."""
    folder = make_project(tmp_path / "p", TEXT, segment(TEXT))
    spans = segment(TEXT)
    maria = AnnotatorFile(annotator="maria", project=PROJECT_ID, reviewed={"doc": [0, 1, 2, 3]},
                          annotations=[annotation_on(TEXT, "7 million workers", id="m1"),
                                       annotation_on(TEXT, "Wages rose by a third", id="m2"),
                                       annotation_on(TEXT, "doubled", id="m3")])
    lev = AnnotatorFile(annotator="lev", project=PROJECT_ID, reviewed={"doc": [len(spans) - 1]},
                        annotations=[annotation_on(TEXT, "The report ends here.", id="l1")])
    save_annotator_file(folder.annotator_path("maria"), maria)
    save_annotator_file(folder.annotator_path("lev"), lev)
    text_path = folder.root / "documents" / "doc.txt"
    old_copy = tmp_path / "old.txt"
    shutil.copy(text_path, old_copy)
    text_path.write_bytes(new_text.encode("utf-8"))
    return open_project(folder.root), old_copy


NEW_TEXT = ("A new first sentence. The report opens here. In 1925 there were 7 million workers "
            "in industry. Wages rose by a third.\nProduction tripled in two years. The report "
            "ends here.\n")


class TestReanchorProject:
    def test_opening_a_changed_document_names_the_command(self, tmp_path: Path) -> None:
        """Reading a changed text fails with a message saying how to re-anchor."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        with pytest.raises(DocumentError, match=r"annotate reanchor .* --document doc"):
            folder.text("doc")

    def test_validate_previews_without_writing(self, tmp_path: Path) -> None:
        """validate reports the changed document with per-file counts and writes nothing."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        before = {p: p.read_bytes() for p in folder.root.rglob("*") if p.is_file()}
        report = validate_project(folder.root)
        assert report.changed_documents == ["doc"]
        message = str(report.problems[0])
        assert "annotations/maria.toml: would keep 0, would move 2, would orphan 1" in message
        assert "orphaned m3" in message
        assert {p: p.read_bytes() for p in folder.root.rglob("*") if p.is_file()} == before

    def test_apply_moves_orphans_and_records_the_new_text(self, tmp_path: Path) -> None:
        """Applying rewrites annotator files, sentences and hash; the project validates again."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        apply_change(folder, "doc", NOW, use_git=False)
        maria = load_annotator_file(folder.annotator_path("maria"))
        by_id = {a.id: a for a in maria.annotations}
        assert set(by_id) == {"m1", "m2", "m3"}
        assert by_id["m3"].orphaned
        assert NEW_TEXT[by_id["m1"].start:by_id["m1"].end] == "7 million workers"
        assert validate_project(folder.root).problems == []
        reopened = open_project(folder.root)
        assert reopened.text("doc") == NEW_TEXT
        assert reopened.sentences("doc") == segment(NEW_TEXT)

    def test_backups_hold_the_previous_files(self, tmp_path: Path) -> None:
        """Every replaced file is kept byte for byte as a hidden .bak copy."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        maria_before = folder.annotator_path("maria").read_bytes()
        sentences_before = (folder.root / "sentences" / "doc.toml").read_bytes()
        applied = apply_change(folder, "doc", NOW, use_git=False)
        contents = {p.name: p.read_bytes() for p in applied.backups}
        assert contents[".maria.toml.bak-20260101T120000Z"] == maria_before
        assert contents[".doc.toml.bak-20260101T120000Z"] == sentences_before

    def test_review_marks_follow_sentences_with_the_old_text(self, tmp_path: Path) -> None:
        """Given the old text, review marks move with their sentences; edited ones are listed."""
        folder, old_copy = changed_project(tmp_path, NEW_TEXT)
        change = plan_change(folder, "doc", old_text=old_copy.read_text(encoding="utf-8"),
                             old_text_source="test", use_git=False)
        maria = next(a for a in change.annotators if a.annotator == "maria")
        # Old: 0 opens, 1 In 1925, 2 Wages, 3 Production doubled; new has one more in front.
        assert maria.reviewed.reviewed == [1, 2, 3]
        assert maria.reviewed.lost == [3]
        lev = next(a for a in change.annotators if a.annotator == "lev")
        assert lev.reviewed.reviewed == [len(segment(NEW_TEXT)) - 1]

    def test_old_text_is_found_in_git(self, tmp_path: Path) -> None:
        """When the project is in git, the recorded version of the text is taken from history."""
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        folder, old_copy = changed_project(tmp_path, NEW_TEXT)
        text_path = folder.root / "documents" / "doc.txt"
        text_path.write_bytes(old_copy.read_bytes())
        git = ["git", "-C", str(folder.root), "-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "."], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
        text_path.write_bytes(NEW_TEXT.encode("utf-8"))
        change = plan_change(folder, "doc")
        assert change.old_text_source.startswith("git commit ")
        maria = next(a for a in change.annotators if a.annotator == "maria")
        assert maria.reviewed.lost == [3]

    def test_wrong_old_text_is_refused(self, tmp_path: Path) -> None:
        """An --old-text that is not the recorded version is refused, naming the document."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        with pytest.raises(DocumentError, match="not the version recorded"):
            plan_change(folder, "doc", old_text="something else", use_git=False)

    def test_unchanged_document_is_left_alone(self, tmp_path: Path) -> None:
        """Re-anchoring a document whose text has not changed says there is nothing to do."""
        folder, _ = changed_project(tmp_path, TEXT)
        with pytest.raises(AnnotateError, match="nothing to re-anchor"):
            plan_change(folder, "doc", use_git=False)

    def test_live_lock_is_refused_before_anything_is_written(self, tmp_path: Path) -> None:
        """If an annotator's file is open elsewhere, nothing is changed and the holder is named."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        before = {p: p.read_bytes() for p in folder.root.rglob("*.toml")}
        lock = AnnotatorLock(lock_path(folder.root, "maria"))
        lock.acquire()
        try:
            with pytest.raises(LockedError, match="already open"):
                apply_change(folder, "doc", NOW, use_git=False)
        finally:
            lock.release()
        assert {p: p.read_bytes() for p in folder.root.rglob("*.toml")} == before
        assert not lock_path(folder.root, "lev").exists()

    def test_unsaved_journal_edits_are_folded_in(self, tmp_path: Path) -> None:
        """Edits still in an annotator's journal are re-anchored too, and the journal is removed."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        extra = annotation_on(TEXT, "Production doubled", id="j1")
        writer = JournalWriter(journal_path(folder.root, "maria"), PROJECT_ID, "maria")
        writer.append([PutAnnotation(extra)])
        writer.append([SetReviewed("doc", 4, True)])
        writer.close()
        applied = apply_change(folder, "doc", NOW, use_git=False)
        maria = load_annotator_file(folder.annotator_path("maria"))
        assert {a.id for a in maria.annotations} == {"m1", "m2", "m3", "j1"}
        assert not journal_path(folder.root, "maria").exists()
        assert any(p.name.startswith(".maria.journal.bak-") for p in applied.backups)

    def test_interrupted_run_can_be_repeated(self, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
        """A run that dies before project.toml is updated completes on a second run, and review
        marks already carried over are not carried twice."""
        folder, old_copy = changed_project(tmp_path, NEW_TEXT)
        old_text = old_copy.read_text(encoding="utf-8")
        import annotate.reanchor as reanchor_module

        def fail(*_: object) -> None:
            raise OSError("simulated crash")

        monkeypatch.setattr(reanchor_module, "save_project", fail)
        with pytest.raises(OSError):
            apply_change(folder, "doc", NOW, old_text=old_text, use_git=False)
        monkeypatch.undo()
        folder = open_project(folder.root)
        apply_change(folder, "doc", NOW, old_text=old_text, use_git=False)
        maria = load_annotator_file(folder.annotator_path("maria"))
        assert maria.reviewed["doc"] == [1, 2, 3]
        assert validate_project(folder.root).problems == []


class TestReanchorCommand:
    def test_dry_run_prints_the_report_and_writes_nothing(
            self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--dry-run lists moves and orphans per file and leaves every file as it was."""
        folder, _ = changed_project(tmp_path, NEW_TEXT)
        before = {p: p.read_bytes() for p in folder.root.rglob("*") if p.is_file()}
        assert main(["reanchor", str(folder.root), "--dry-run", "--no-git"]) == 0
        out = capsys.readouterr().out
        assert "moved m1 (figure)" in out
        assert "orphaned m3 (figure)" in out
        assert {p: p.read_bytes() for p in folder.root.rglob("*") if p.is_file()} == before

    def test_apply_then_validate_is_clean(self, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
        """reanchor with --old-text applies the change; validate passes afterwards."""
        folder, old_copy = changed_project(tmp_path, NEW_TEXT)
        assert main(["reanchor", str(folder.root), "--document", "doc", "--old-text",
                     str(old_copy)]) == 0
        err = capsys.readouterr().err
        assert "kept the previous version as annotations/.maria.toml.bak-" in err
        assert main(["validate", str(folder.root)]) == 0

    def test_nothing_changed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """With no changed document the command says so and succeeds."""
        folder, _ = changed_project(tmp_path, TEXT)
        assert main(["reanchor", str(folder.root)]) == 0
        assert "nothing to do" in capsys.readouterr().err

    def test_old_text_needs_a_document(self, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
        """--old-text without --document is a usage error (exit 2)."""
        folder, old_copy = changed_project(tmp_path, NEW_TEXT)
        assert main(["reanchor", str(folder.root), "--old-text", str(old_copy)]) == 2
        assert "--document" in capsys.readouterr().err

"""Tests for annotate.session: editing, queries, undo/redo, saving and read-only sessions."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from session_support import ALPHA_TEXT, build_project, counting_ids, ticking_clock

import annotate.session as session_module
from annotate.errors import AnnotateError, LockedError
from annotate.journal import journal_path
from annotate.model import Annotation, AnnotatorFile
from annotate.session import UNSET, EditSession
from annotate.session_state import AnnotatorState
from annotate.storage import ProjectFolder, load_annotator_file, open_project


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """A project with two documents, alpha (5 sentences) and beta (3 sentences)."""
    return build_project(tmp_path / "project")


@pytest.fixture
def session(folder: ProjectFolder) -> Iterator[EditSession]:
    """A writable session for maria with a ticking clock and ids a1, a2, ..."""
    opened = EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids())
    yield opened
    opened.close()


def reopen(folder: ProjectFolder, annotator: str = "maria", **kwargs: object) -> EditSession:
    """A fresh session on the same project folder, as after a restart."""
    return EditSession(open_project(folder.root), annotator, **kwargs)  # type: ignore[arg-type]


def state(session: EditSession) -> tuple[list[dict[str, object]], dict[str, list[int]]]:
    """The session's annotations and review marks as plain data, for comparisons."""
    snapshot = session.snapshot()
    return [a.model_dump() for a in snapshot.annotations], snapshot.reviewed


class TestOpen:
    def test_no_file_gives_an_empty_session(self, session: EditSession) -> None:
        """Opening an annotator without a file gives no annotations, no marks, no warnings."""
        assert session.annotations("alpha") == []
        assert session.reviewed_count("alpha") == 0
        assert session.warnings == []
        assert not session.dirty
        assert not session.can_undo and not session.can_redo

    @pytest.mark.parametrize("name", ["", "../x", "a b", "con", "x."])
    def test_unsafe_annotator_name_is_refused(self, folder: ProjectFolder, name: str) -> None:
        """An annotator name that is not a safe file name is refused with the reason."""
        with pytest.raises(AnnotateError, match="invalid annotator name"):
            EditSession(folder, name)

    def test_loads_the_saved_file(self, folder: ProjectFolder, session: EditSession) -> None:
        """What was saved and closed is there when the annotator file is opened again."""
        session.add("alpha", 0, 24, "figure", note="check")
        session.set_reviewed("beta", 2)
        before = state(session)
        session.close()
        again = reopen(folder)
        assert state(again) == before
        again.close()

    def test_context_manager_closes(self, folder: ProjectFolder) -> None:
        """Leaving a ``with`` block saves and releases the lock."""
        with EditSession(folder, "maria") as opened:
            opened.add("alpha", 0, 3, "figure")
        assert not (folder.root / "annotations" / ".maria.lock").exists()
        assert len(load_annotator_file(folder.annotator_path("maria")).annotations) == 1


class TestAdd:
    def test_fills_quote_prefix_and_suffix(self, session: EditSession) -> None:
        """The quote is the span's text and prefix/suffix are up to 32 code points around it."""
        start = ALPHA_TEXT.index("Prices")
        added = session.add("alpha", start, start + 6, "figure")
        assert added.quote == "Prices"
        assert added.prefix == ALPHA_TEXT[start - 32:start]
        assert added.suffix == ALPHA_TEXT[start + 6:start + 38]
        assert "😀" in added.suffix and len(added.suffix) == 32

    def test_prefix_is_short_at_the_start(self, session: EditSession) -> None:
        """A span at the start of the text has an empty prefix."""
        assert session.add("alpha", 0, 3, "figure").prefix == ""

    def test_timestamps_and_ids_come_from_the_injected_makers(
            self, session: EditSession) -> None:
        """created/modified come from the clock and ids from ``new_id``."""
        first = session.add("alpha", 0, 3, "figure")
        second = session.add("alpha", 4, 7, "quote")
        assert (first.id, second.id) == ("a1", "a2")
        assert first.created == first.modified
        assert second.created > first.created

    def test_colliding_ids_are_regenerated(self, folder: ProjectFolder) -> None:
        """An id already in use is never handed out again; a new one is drawn."""
        ids = iter(["x1", "x1", "x1", "x2"])
        with EditSession(folder, "maria", new_id=lambda: next(ids)) as opened:
            assert opened.add("alpha", 0, 3, "figure").id == "x1"
            assert opened.add("alpha", 0, 3, "quote").id == "x2"

    def test_deleted_ids_are_not_reused(self, folder: ProjectFolder) -> None:
        """The id of a deleted annotation is not given to a new one (undo may restore it)."""
        ids = iter(["x1", "x1", "x2"])
        with EditSession(folder, "maria", new_id=lambda: next(ids)) as opened:
            opened.delete(opened.add("alpha", 0, 3, "figure").id)
            assert opened.add("alpha", 0, 3, "figure").id == "x2"

    def test_default_ids_are_unique(self, session: EditSession, folder: ProjectFolder) -> None:
        """Without ``new_id``, ids are random, distinct and valid annotation ids."""
        with EditSession(folder, "ana") as opened:
            ids = {opened.add("alpha", 0, 3, "figure").id for _ in range(50)}
        assert len(ids) == 50

    def test_attributes_subtype_and_note_are_kept(self, session: EditSession) -> None:
        """Valid subtype, attributes and note are stored on the annotation."""
        added = session.add("alpha", 0, 24, "figure", subtype="statistical",
                            attributes={"value": 5, "unit": "%", "status": "unchecked"},
                            note="a note")
        assert added.subtype == "statistical"
        assert added.attributes == {"value": 5, "unit": "%", "status": "unchecked"}
        assert session.get(added.id) == added

    @pytest.mark.parametrize(("kwargs", "reason"), [
        ({"tag": "nonsense"}, "unknown tag 'nonsense'"),
        ({"subtype": "direct"}, "no subtype 'direct'"),
        ({"attributes": {"speaker": "x"}}, "no attribute 'speaker'"),
        ({"attributes": {"value": "five"}}, "expected a number"),
        ({"attributes": {"status": "maybe"}}, "'maybe' is not one of"),
        ({"document": "gamma"}, "no document 'gamma'"),
        ({"start": 5, "end": 5}, "empty or outside"),
        ({"start": 0, "end": 10_000}, "empty or outside"),
        ({"start": -1, "end": 3}, "empty or outside"),
    ])
    def test_invalid_input_is_refused_with_a_reason(
            self, session: EditSession, kwargs: dict[str, object], reason: str) -> None:
        """Bad tags, subtypes, attributes, documents and spans raise AnnotateError and change
        nothing."""
        call: dict[str, object] = {"document": "alpha", "start": 0, "end": 3, "tag": "figure"}
        call.update(kwargs)
        with pytest.raises(AnnotateError, match=reason):
            session.add(**call)  # type: ignore[arg-type]
        assert session.annotations("alpha") == []
        assert not session.dirty and not session.can_undo


class TestQueries:
    def test_annotations_are_sorted(self, session: EditSession) -> None:
        """annotations() lists a document's annotations by (start, end, id)."""
        session.add("alpha", 25, 30, "quote")
        session.add("alpha", 0, 24, "figure")
        session.add("alpha", 0, 3, "assertion")
        session.add("beta", 0, 5, "figure")
        spans = [(a.start, a.end) for a in session.annotations("alpha")]
        assert spans == [(0, 3), (0, 24), (25, 30)]

    def test_overlapping_matches_a_brute_force_scan(self, session: EditSession) -> None:
        """annotations_overlapping returns exactly the overlapping spans, in order."""
        rng = random.Random(7)
        length = len(ALPHA_TEXT)
        for _ in range(300):
            start = rng.randrange(length - 1)
            end = rng.randrange(start + 1, min(length, start + rng.choice([3, 10, 80])) + 1)
            session.add("alpha", start, end, rng.choice(["figure", "quote"]))
        for victim in rng.sample(session.annotations("alpha"), 60):
            session.delete(victim.id)
        everything = session.annotations("alpha")
        for _ in range(300):
            start = rng.randrange(length)
            end = start + rng.randrange(0, 20)
            found = session.annotations_overlapping("alpha", start, end)
            query_end = max(end, start + 1)
            expected = [a for a in everything if a.start < query_end and a.end > start]
            assert found == expected

    def test_index_built_on_load_matches_a_scan(self, folder: ProjectFolder,
                                                 session: EditSession) -> None:
        """The overlap index built from a saved file stays right through later changes."""
        rng = random.Random(11)
        length = len(ALPHA_TEXT)
        for _ in range(200):
            start = rng.randrange(length - 1)
            session.add("alpha", start, rng.randrange(start + 1, length + 1), "figure")
        session.close()
        again = reopen(folder)
        for victim in rng.sample(again.annotations("alpha"), 50):
            again.delete(victim.id)
        for _ in range(50):
            start = rng.randrange(length - 1)
            again.add("alpha", start, start + 1, "quote")
        everything = again.annotations("alpha")
        assert everything == sorted(everything, key=Annotation.sort_key)
        for start in range(length):
            expected = [a for a in everything if a.start < start + 4 and a.end > start]
            assert again.annotations_overlapping("alpha", start, start + 4) == expected
        again.close()

    def test_empty_range_finds_the_spans_containing_a_point(
            self, session: EditSession) -> None:
        """An empty range [p, p) asks for the spans that contain position p."""
        inner = session.add("alpha", 4, 7, "figure")
        outer = session.add("alpha", 0, 24, "quote")
        assert session.annotations_overlapping("alpha", 5, 5) == [outer, inner]
        assert session.annotations_overlapping("alpha", 7, 7) == [outer]
        assert session.annotations_overlapping("beta", 0, 100) == []

    def test_tag_counts_follow_changes(self, session: EditSession) -> None:
        """tag_counts counts each tag's annotations per document and drops zero counts."""
        first = session.add("alpha", 0, 3, "figure")
        session.add("alpha", 4, 7, "figure")
        session.add("alpha", 4, 7, "quote")
        session.add("beta", 0, 3, "quote")
        assert session.tag_counts("alpha") == {"figure": 2, "quote": 1}
        session.delete(first.id)
        session.toggle("alpha", 4, 7, "quote")
        assert session.tag_counts("alpha") == {"figure": 1}
        assert session.tag_counts("beta") == {"quote": 1}

    def test_get_unknown_id_is_none(self, session: EditSession) -> None:
        """get() returns None for an id that does not exist."""
        assert session.get("nope") is None


class TestToggle:
    def test_toggle_adds_then_removes(self, session: EditSession) -> None:
        """Toggling a tag on a span adds it; toggling again removes it and returns None."""
        added = session.toggle("alpha", 0, 24, "figure")
        assert added is not None and added.tag == "figure"
        assert session.toggle("alpha", 0, 24, "figure") is None
        assert session.annotations("alpha") == []

    def test_toggle_removes_every_duplicate_and_spares_others(
            self, session: EditSession) -> None:
        """Every annotation with that tag on exactly that span goes; other tags and spans stay."""
        session.add("alpha", 0, 24, "figure")
        session.add("alpha", 0, 24, "figure")
        kept = [session.add("alpha", 0, 24, "quote"), session.add("alpha", 0, 23, "figure")]
        assert session.toggle("alpha", 0, 24, "figure") is None
        assert session.annotations("alpha") == sorted(kept, key=Annotation.sort_key)
        session.undo()
        assert session.tag_counts("alpha") == {"figure": 3, "quote": 1}


class TestUpdate:
    def test_update_changes_given_fields_and_bumps_modified(
            self, session: EditSession) -> None:
        """Only the fields passed change, and modified moves forward."""
        added = session.add("alpha", 0, 24, "figure", subtype="statistical", note="n")
        updated = session.update(added.id, attributes={"value": 5.5})
        assert updated.subtype == "statistical" and updated.note == "n"
        assert updated.attributes == {"value": 5.5}
        assert updated.modified > added.modified and updated.created == added.created
        assert session.get(added.id) == updated

    def test_subtype_none_clears_it(self, session: EditSession) -> None:
        """Passing subtype=None removes the subtype; UNSET leaves it."""
        added = session.add("alpha", 0, 24, "figure", subtype="statistical")
        assert session.update(added.id, subtype=UNSET, note="x").subtype == "statistical"
        assert session.update(added.id, subtype=None).subtype is None

    def test_invalid_update_changes_nothing(self, session: EditSession) -> None:
        """A bad subtype or attribute raises and leaves the annotation and journal alone."""
        added = session.add("alpha", 0, 24, "figure")
        size = journal_path(session.folder.root, "maria").stat().st_size
        with pytest.raises(AnnotateError, match="no subtype"):
            session.update(added.id, subtype="bogus")
        with pytest.raises(AnnotateError, match="expected a number"):
            session.update(added.id, attributes={"value": True})
        assert session.get(added.id) == added
        assert journal_path(session.folder.root, "maria").stat().st_size == size

    def test_unknown_id_is_refused(self, session: EditSession) -> None:
        """update and delete of an unknown id raise AnnotateError."""
        with pytest.raises(AnnotateError, match="no annotation"):
            session.update("zz", note="x")
        with pytest.raises(AnnotateError, match="no annotation"):
            session.delete("zz")


class TestReview:
    def test_mark_and_unmark(self, session: EditSession) -> None:
        """set_reviewed marks and unmarks sentences, and the count follows."""
        session.set_reviewed("alpha", 1)
        session.set_reviewed("alpha", 3)
        assert session.is_reviewed("alpha", 1) and not session.is_reviewed("alpha", 2)
        assert session.reviewed_count("alpha") == 2
        session.set_reviewed("alpha", 1, False)
        assert session.reviewed_count("alpha") == 1
        assert session.snapshot().reviewed == {"alpha": [3]}

    def test_no_op_is_not_recorded(self, session: EditSession) -> None:
        """Marking an already reviewed sentence writes nothing and adds no undo step."""
        session.set_reviewed("alpha", 0)
        size = journal_path(session.folder.root, "maria").stat().st_size
        session.set_reviewed("alpha", 0)
        session.set_reviewed("alpha", 1, False)
        assert journal_path(session.folder.root, "maria").stat().st_size == size
        session.undo()
        assert not session.can_undo

    def test_sentence_out_of_range_is_refused(self, session: EditSession) -> None:
        """A sentence index the document does not have raises AnnotateError."""
        with pytest.raises(AnnotateError, match="no sentence 5"):
            session.set_reviewed("alpha", 5)
        with pytest.raises(AnnotateError, match="no sentence -1"):
            session.set_reviewed("alpha", -1)

    def test_next_unreviewed_skips_runs(self, session: EditSession) -> None:
        """next_unreviewed jumps over reviewed runs both ways and gives None past the ends."""
        for sentence in (1, 2, 3):
            session.set_reviewed("alpha", sentence)
        assert session.next_unreviewed("alpha", 0, 5) == 4
        assert session.next_unreviewed("alpha", -1, 5) == 0
        assert session.next_unreviewed("alpha", 4, 5) is None
        assert session.next_unreviewed("alpha", 4, 5, backwards=True) == 0
        assert session.next_unreviewed("alpha", 0, 5, backwards=True) is None
        assert session.next_unreviewed("beta", 0, 3) == 1

    def test_next_unreviewed_matches_a_scan(self, session: EditSession) -> None:
        """On random review marks (more than the test documents have), next_unreviewed equals
        a plain scan in both directions."""
        rng = random.Random(3)
        total = 200
        marked = {i for i in range(total) if rng.random() < 0.7}
        marks = AnnotatorState(AnnotatorFile(annotator="maria", project=session.project.id,
                                             reviewed={"alpha": sorted(marked)}))
        for after in range(-2, total + 2):
            forward = next((i for i in range(max(after + 1, 0), total) if i not in marked), None)
            back = next((i for i in range(min(after - 1, total - 1), -1, -1)
                         if i not in marked), None)
            assert marks.next_unreviewed("alpha", after, total) == forward
            assert marks.next_unreviewed("alpha", after, total, backwards=True) == back


class TestUndoRedo:
    def test_nothing_to_undo(self, session: EditSession) -> None:
        """undo and redo return None when there is nothing to do."""
        assert session.undo() is None and session.redo() is None

    def test_sequence_across_documents(self, session: EditSession) -> None:
        """Undo walks back through every kind of change in every document, redo forward."""
        history = [state(session)]
        figure = session.add("alpha", 0, 24, "figure")
        history.append(state(session))
        session.set_reviewed("beta", 1)
        history.append(state(session))
        session.update(figure.id, note="edited", subtype="temporal")
        history.append(state(session))
        session.toggle("beta", 0, 21, "quote")
        history.append(state(session))
        session.delete(figure.id)
        history.append(state(session))
        expected = [("alpha", 0, "undo: delete figure"), ("beta", 0, "undo: add quote"),
                    ("alpha", 0, "undo: edit figure"),
                    ("beta", 22, "undo: mark sentence 2 reviewed"),
                    ("alpha", 0, "undo: add figure")]
        for step, (document, start, description) in enumerate(expected):
            change = session.undo()
            assert change is not None
            assert (change.document, change.start, change.description) == \
                (document, start, description)
            assert state(session) == history[-2 - step]
        assert not session.can_undo and session.can_redo
        for step in range(len(expected)):
            change = session.redo()
            assert change is not None and change.description.startswith("redo: ")
            assert state(session) == history[step + 1]
        assert not session.can_redo

    def test_new_change_clears_redo(self, session: EditSession) -> None:
        """A change after an undo drops the undone steps."""
        session.add("alpha", 0, 3, "figure")
        session.undo()
        session.add("alpha", 4, 7, "figure")
        assert not session.can_redo and session.redo() is None

    def test_undo_of_toggle_off_restores_the_same_annotations(
            self, session: EditSession) -> None:
        """Undoing a toggle that removed annotations brings them back with their ids."""
        added = session.add("alpha", 0, 3, "figure", note="keep me")
        session.toggle("alpha", 0, 3, "figure")
        session.undo()
        assert session.get(added.id) == added

    def test_undo_is_journaled(self, folder: ProjectFolder, session: EditSession) -> None:
        """An undo is on disk as soon as it returns, like any other change."""
        session.add("alpha", 0, 3, "figure")
        session.add("alpha", 4, 7, "quote")
        session.undo()
        expected = state(session)
        copy = reopen(folder, read_only=True)
        assert state(copy) == expected
        copy.close()


class TestSave:
    def test_save_writes_toml_and_trims_the_journal(
            self, folder: ProjectFolder, session: EditSession) -> None:
        """save() folds the journal into the TOML file, empties the journal and clears dirty."""
        session.add("alpha", 0, 24, "figure", attributes={"value": 5})
        session.set_reviewed("alpha", 0)
        assert session.dirty
        header_size = len(journal_path(folder.root, "maria").read_bytes().splitlines()[0]) + 1
        session.save()
        assert not session.dirty
        assert journal_path(folder.root, "maria").stat().st_size == header_size
        stored = load_annotator_file(folder.annotator_path("maria"))
        assert stored.model_dump() == session.snapshot().model_dump()
        session.add("alpha", 0, 3, "quote")
        assert session.dirty

    def test_save_without_changes_writes_nothing(
            self, folder: ProjectFolder, session: EditSession) -> None:
        """A clean session's save does not create the TOML file."""
        session.save()
        assert not folder.annotator_path("maria").exists()

    def test_changes_during_the_write_survive(
            self, folder: ProjectFolder, session: EditSession,
            monkeypatch: pytest.MonkeyPatch) -> None:
        """A change made while the TOML is being written stays in the journal and the session."""
        session.add("alpha", 0, 3, "figure")
        real_write = session_module.atomic_write_text
        arrived: list[Annotation] = []

        def write_while_editing(path: Path, text: str) -> None:
            worker = threading.Thread(
                target=lambda: arrived.append(session.add("alpha", 4, 7, "quote")))
            worker.start()
            worker.join()
            real_write(path, text)

        monkeypatch.setattr(session_module, "atomic_write_text", write_while_editing)
        session.save()
        assert session.dirty
        stored = load_annotator_file(folder.annotator_path("maria"))
        assert [a.tag for a in stored.annotations] == ["figure"]
        monkeypatch.setattr(session_module, "atomic_write_text", real_write)
        session.close()
        assert arrived[0] in reopen(folder, read_only=True).annotations("alpha")

    def test_save_from_another_thread_while_editing(self, folder: ProjectFolder,
                                                    session: EditSession) -> None:
        """Saving repeatedly on a worker thread during many edits loses nothing."""
        stop = threading.Event()
        errors: list[BaseException] = []

        def keep_saving() -> None:
            try:
                while not stop.is_set():
                    session.save()
            except BaseException as e:  # reported below; the test fails on it
                errors.append(e)

        worker = threading.Thread(target=keep_saving)
        worker.start()
        try:
            for step in range(150):
                session.toggle("alpha", step % 20, step % 20 + 3, "figure")
                session.set_reviewed("alpha", step % 5, step % 2 == 0)
                if step % 7 == 0:
                    session.undo()
        finally:
            stop.set()
            worker.join()
        assert errors == []
        expected = state(session)
        session.close()
        assert state(reopen(folder, read_only=True)) == expected
        stored = load_annotator_file(folder.annotator_path("maria"))
        assert [a.model_dump() for a in stored.annotations] == expected[0]


class TestClose:
    def test_close_is_idempotent_and_releases_the_lock(
            self, folder: ProjectFolder, session: EditSession) -> None:
        """close() saves and removes the lock; calling it twice is fine."""
        session.add("alpha", 0, 3, "figure")
        session.close()
        session.close()
        assert not (folder.root / "annotations" / ".maria.lock").exists()
        assert folder.annotator_path("maria").exists()
        reopen(folder).close()

    def test_changes_after_close_are_refused(self, session: EditSession) -> None:
        """A closed session refuses changes with AnnotateError."""
        session.close()
        with pytest.raises(AnnotateError, match="closed"):
            session.add("alpha", 0, 3, "figure")


class TestReadOnly:
    def test_second_writer_is_refused_but_may_read(
            self, folder: ProjectFolder, session: EditSession) -> None:
        """While one session writes, another is refused, but a read-only one opens and sees
        the journaled changes."""
        session.add("alpha", 0, 3, "figure")
        with pytest.raises(LockedError, match="already open in process"):
            reopen(folder)
        viewer = reopen(folder, read_only=True)
        assert [a.tag for a in viewer.annotations("alpha")] == ["figure"]
        viewer.close()

    def test_read_only_refuses_changes_and_writes_nothing(self, folder: ProjectFolder) -> None:
        """A read-only session raises on every mutation and creates no journal or lock."""
        viewer = EditSession(folder, "maria", read_only=True)
        calls = [lambda: viewer.add("alpha", 0, 3, "figure"),
                 lambda: viewer.toggle("alpha", 0, 3, "figure"),
                 lambda: viewer.set_reviewed("alpha", 0),
                 lambda: viewer.update("x", note=""), lambda: viewer.delete("x"),
                 viewer.undo, viewer.redo]
        for call in calls:
            with pytest.raises(AnnotateError, match="read-only"):
                call()
        viewer.save()
        viewer.close()
        assert sorted(p.name for p in (folder.root / "annotations").iterdir()) == []


class TestDeferredLoad:
    def test_lock_is_taken_before_the_file_is_read(self, folder: ProjectFolder) -> None:
        """With load=False the lock is held at once and the session answers empty until
        load() reads the file and the journal."""
        with EditSession(folder, "maria") as first:
            first.add("alpha", 0, 3, "figure")
            first.set_reviewed("alpha", 1)
        deferred = EditSession(open_project(folder.root), "maria", load=False)
        try:
            assert not deferred.loaded
            with pytest.raises(LockedError):
                reopen(folder)
            assert deferred.annotations("alpha") == []
            assert deferred.reviewed_count("alpha") == 0
            deferred.load()
            assert deferred.loaded
            assert [a.tag for a in deferred.annotations("alpha")] == ["figure"]
            assert deferred.is_reviewed("alpha", 1)
            deferred.load()  # a second call changes nothing
            assert len(deferred.annotations("alpha")) == 1
        finally:
            deferred.close()

    def test_changes_wait_for_the_load(self, folder: ProjectFolder) -> None:
        """Before load() every change is refused, so none can land on an empty state."""
        deferred = EditSession(folder, "maria", load=False)
        try:
            with pytest.raises(AnnotateError, match="still being read"):
                deferred.toggle("alpha", 0, 3, "figure")
            with pytest.raises(AnnotateError, match="still being read"):
                deferred.set_reviewed("alpha", 0)
            assert not journal_path(folder.root, "maria").exists()
            deferred.load()
            deferred.toggle("alpha", 0, 3, "figure")
        finally:
            deferred.close()
        assert len(load_annotator_file(folder.annotator_path("maria")).annotations) == 1

    def test_close_before_load_releases_the_lock_and_writes_nothing(
            self, folder: ProjectFolder) -> None:
        """Closing a session that never loaded releases the lock; a late load does nothing."""
        deferred = EditSession(folder, "maria", load=False)
        deferred.close()
        deferred.load()
        assert not deferred.loaded
        assert sorted(p.name for p in (folder.root / "annotations").iterdir()) == []
        reopen(folder).close()

    def test_read_only_can_defer_too(self, folder: ProjectFolder) -> None:
        """A read-only session with load=False reads on load() and takes no lock."""
        with EditSession(folder, "maria") as first:
            first.add("alpha", 0, 3, "figure")
        viewer = EditSession(folder, "maria", read_only=True, load=False)
        viewer.load()
        assert len(viewer.annotations("alpha")) == 1
        viewer.close()

    def test_load_from_another_thread(self, folder: ProjectFolder) -> None:
        """load() may run on a worker thread while another thread queries the session."""
        with EditSession(folder, "maria") as first:
            for start in range(0, 20, 2):
                first.add("alpha", start, start + 2, "figure")
        deferred = EditSession(open_project(folder.root), "maria", load=False)
        worker = threading.Thread(target=deferred.load)
        worker.start()
        while worker.is_alive():
            assert len(deferred.annotations("alpha")) in (0, 10)
        worker.join()
        assert len(deferred.annotations("alpha")) == 10
        deferred.close()

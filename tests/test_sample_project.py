"""The bundled sample project: valid, consistent with its text, and reproducible by its script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from annotate.cli import main
from annotate.model import AnnotatorFile
from annotate.projects import validate_project
from annotate.storage import open_project

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "sample_projects" / "industry-recovery"
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_sample_project.py"
DOCUMENT_ID = "industry-recovery"
ANNOTATORS = ("lev", "maria")
TAGS = {"propaganda", "figure", "quote", "assertion"}
REVIEWED = list(range(40))


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sample_project", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    return _load_build_script()


@pytest.fixture(scope="module")
def annotator_files() -> dict[str, AnnotatorFile]:
    folder = open_project(SAMPLE)
    return {name: folder.load_annotator(name) for name in ANNOTATORS}


@pytest.fixture(scope="module")
def text() -> str:
    return open_project(SAMPLE).text(DOCUMENT_ID)


@pytest.fixture(scope="module")
def sentences() -> list[tuple[int, int]]:
    return open_project(SAMPLE).sentences(DOCUMENT_ID)


class TestSampleProjectValidates:
    def test_validate_project_finds_no_problems(self) -> None:
        """validate_project reports no problems and counts both annotator files."""
        report = validate_project(SAMPLE)
        assert [str(p) for p in report.problems] == []
        assert report.documents == 1
        assert report.annotator_files == len(ANNOTATORS)

    def test_cli_validate_exits_zero(self) -> None:
        """`annotate validate` on the sample project exits 0."""
        assert main(["validate", str(SAMPLE)]) == 0

    def test_project_has_fixed_identity_and_default_tags(self) -> None:
        """The project keeps its fixed id and title and uses the four default tags."""
        project = open_project(SAMPLE).project
        assert project.id == "5a3b1e0c9d2f4a61"
        assert project.title == "Industry recovery (sample)"
        assert [t.id for t in project.tags] == ["propaganda", "figure", "quote", "assertion"]
        assert [d.id for d in project.documents] == [DOCUMENT_ID]

    def test_readme_states_provenance(self) -> None:
        """The sample project's README names where the text comes from."""
        readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
        assert "Marxist-Leninist archive" in readme
        assert "build_sample_project.py" in readme


class TestSampleAnnotations:
    @pytest.mark.parametrize("name", ANNOTATORS)
    def test_quote_equals_text_at_offsets(self, name: str,
                                          annotator_files: dict[str, AnnotatorFile],
                                          text: str) -> None:
        """Every annotation's quote, prefix and suffix match the document text."""
        for ann in annotator_files[name].annotations:
            assert text[ann.start:ann.end] == ann.quote, ann.id
            assert text[max(0, ann.start - 32):ann.start] == ann.prefix, ann.id
            assert text[ann.end:ann.end + 32] == ann.suffix, ann.id

    @pytest.mark.parametrize("name", ANNOTATORS)
    def test_first_40_sentences_reviewed(self, name: str,
                                         annotator_files: dict[str, AnnotatorFile]) -> None:
        """Both annotators mark exactly sentences 0-39 of the document reviewed."""
        assert annotator_files[name].reviewed == {DOCUMENT_ID: REVIEWED}

    @pytest.mark.parametrize("name", ANNOTATORS)
    def test_all_four_tags_used(self, name: str,
                                annotator_files: dict[str, AnnotatorFile]) -> None:
        """Each annotator uses every tag of the default set."""
        assert {a.tag for a in annotator_files[name].annotations} == TAGS

    @pytest.mark.parametrize("name", ANNOTATORS)
    def test_spans_lie_in_one_reviewed_sentence(self, name: str,
                                                annotator_files: dict[str, AnnotatorFile],
                                                sentences: list[tuple[int, int]]) -> None:
        """No span crosses a sentence boundary or lies outside the reviewed sentences."""
        reviewed_end = sentences[REVIEWED[-1]][1]
        for ann in annotator_files[name].annotations:
            assert any(s <= ann.start and ann.end <= e for s, e in sentences), ann.id
            assert ann.end <= reviewed_end, ann.id

    @pytest.mark.parametrize("name", ANNOTATORS)
    def test_ids_are_named_after_the_annotator(self, name: str,
                                               annotator_files: dict[str, AnnotatorFile]
                                               ) -> None:
        """Annotation ids are '<annotator>-NNN' and the file belongs to the project."""
        annotator_file = annotator_files[name]
        assert annotator_file.project == "5a3b1e0c9d2f4a61"
        for ann in annotator_file.annotations:
            prefix, _, number = ann.id.rpartition("-")
            assert prefix == name and number.isdigit() and len(number) == 3

    def test_annotators_agree_partly(self,
                                     annotator_files: dict[str, AnnotatorFile]) -> None:
        """The two files share many spans but are not copies of each other."""
        spans = {name: {(a.start, a.end, a.tag) for a in f.annotations}
                 for name, f in annotator_files.items()}
        shared = spans["lev"] & spans["maria"]
        assert 0 < len(shared) < min(len(s) for s in spans.values())


class TestBuildScript:
    def test_rebuild_gives_byte_identical_files(self, builder: ModuleType,
                                                tmp_path: Path) -> None:
        """Building from the specs again reproduces every generated file byte for byte."""
        target = tmp_path / "industry-recovery"
        builder.build_project(target, SAMPLE / "documents" / f"{DOCUMENT_ID}.txt")
        built = {p.relative_to(target) for p in target.rglob("*") if p.is_file()}
        kept = {Path(name) for name in builder.KEPT_FILES}
        bundled = {p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file()} - kept
        assert built == bundled
        for relative in sorted(built):
            assert (target / relative).read_bytes() == (SAMPLE / relative).read_bytes(), (
                f"{relative} differs from a fresh build; re-run "
                "python scripts/build_sample_project.py")

    def test_ambiguous_quote_is_refused(self, builder: ModuleType, text: str,
                                        sentences: list[tuple[int, int]]) -> None:
        """A quote that occurs more than once needs an occurrence or a sentence hint."""
        entry = builder.AnnotationSpec(number=1, tag="propaganda", created=None,
                                       modified=None, quote="the enemy")
        with pytest.raises(builder.SpecError, match=r"occurs [0-9]+ times"):
            builder.resolve_span(entry, text, sentences, "test")

    def test_sentence_hint_picks_the_match(self, builder: ModuleType, text: str,
                                           sentences: list[tuple[int, int]]) -> None:
        """A sentence fragment narrows a repeated quote to the match inside that sentence."""
        entry = builder.AnnotationSpec(number=1, tag="propaganda", created=None,
                                       modified=None, quote="the enemy",
                                       in_sentence="As the alliance between the working class")
        start, end = builder.resolve_span(entry, text, sentences, "test")
        sentence = builder.find_sentence("As the alliance between the working class", text,
                                         sentences, "test")
        assert text[start:end] == "the enemy"
        assert sentences[sentence][0] <= start < sentences[sentence][1]

    def test_whole_sentence_entry_covers_the_sentence(self, builder: ModuleType, text: str,
                                                      sentences: list[tuple[int, int]]) -> None:
        """A sentence entry resolves to the full span of the sentence holding the fragment."""
        entry = builder.AnnotationSpec(number=1, tag="assertion", created=None,
                                       modified=None, sentence="This uprising was not")
        start, end = builder.resolve_span(entry, text, sentences, "test")
        assert text[start:end] == "This uprising was not massive."
        assert (start, end) in sentences

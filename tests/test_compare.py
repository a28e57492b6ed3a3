"""The compare and agreement reports: figures, disagreements, confusion, filters, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotate.compare import NO_TAG, CompareReport, compare_annotators
from annotate.compare_all import agreement_report
from annotate.errors import UsageError
from annotate.model import AnnotatorFile, Document, Project
from annotate.storage import open_project
from tests.test_units import SENTENCES, TEXT, annotation, annotator

SAMPLE = Path(__file__).resolve().parents[1] / "sample_projects" / "industry-recovery"


@pytest.fixture(scope="module")
def project() -> Project:
    """The sample project's definitions (tags and document list are all that is used)."""
    return open_project(SAMPLE).project.model_copy(
        update={"documents": [_document()], "id": "5a3b1e0c9d2f4a61"}
    )


def _document() -> Document:
    return Document(
        id="doc", path="documents/doc.txt", sha256="0" * 64, sentences="sentences/doc.toml",
        length=len(TEXT),
    )  # fmt: skip


def compare(
    project: Project, first: AnnotatorFile, second: AnnotatorFile, **kw: Any
) -> CompareReport:
    """compare_annotators on the three-sentence test text, with few resamples."""
    return compare_annotators(project, SENTENCES, {"doc": TEXT}, first, second, resamples=50, **kw)


class TestSampleProject:
    """compare on the sample project's two annotators, checked by hand counts."""

    @pytest.fixture(scope="class")
    def report(self) -> CompareReport:
        folder = open_project(SAMPLE)
        files = [folder.load_annotator(n) for n in ("maria", "lev")]
        doc = folder.project.documents[0].id
        return compare_annotators(
            folder.project, {doc: folder.sentences(doc)}, {doc: folder.text(doc)}, *files
        )

    def test_units_are_the_forty_reviewed_sentences(self, report: CompareReport) -> None:
        """Both annotators reviewed sentences 0-39, so there are 40 units."""
        assert report.units == 40
        assert report.reviewed == (40, 40)

    def test_figure_tag_matches_hand_count(self, report: CompareReport) -> None:
        """figure: maria 6 sentences, lev 4, both 4, so p_o = 38/40 and
        kappa = (0.95 - 0.78) / 0.22, with p_e = 6/40 * 4/40 + 34/40 * 36/40."""
        figure = next(t for t in report.tags if t.tag == "figure")
        assert figure.positive_units == (6, 4)
        assert figure.percent_agreement.value == pytest.approx(38 / 40)
        chance = 6 / 40 * 4 / 40 + 34 / 40 * 36 / 40
        assert figure.cohen_kappa.value == pytest.approx((0.95 - chance) / (1 - chance))
        low, high = figure.kappa_interval.low, figure.kappa_interval.high
        assert low is not None and high is not None
        assert low <= figure.cohen_kappa.value <= high

    def test_confusion_counts_units(self, report: CompareReport) -> None:
        """The confusion diagonal holds the units on which both used the tag."""
        labels = list(report.confusion.labels)
        figure = labels.index("figure")
        assert report.confusion.counts[figure][figure] == 4
        assert labels[-1] == NO_TAG

    def test_json_round_trips(self, report: CompareReport) -> None:
        """The JSON report serialises, with null plus a note for undefined values."""
        data = json.loads(json.dumps(report.to_json()))
        assert data["annotators"] == ["maria", "lev"]
        assert {t["tag"] for t in data["tags"]} == {"propaganda", "figure", "quote", "assertion"}
        for tag in data["tags"]:
            for key, value in tag.items():
                if value is None:
                    assert key in tag["notes"]


class TestDisagreements:
    """What counts as a disagreement, and how it is reported."""

    def test_notes_and_attributes_never_disagree(self, project: Project) -> None:
        """Same tag and subtype with different notes and attributes is agreement."""
        a = annotation("a1", 31, 40, "figure", "statistical")
        b = annotation("b1", 31, 40, "figure", "statistical").model_copy(
            update={"note": "checked", "attributes": {"status": "verified"}}
        )
        report = compare(project, annotator("ann", [1], a), annotator("bob", [1], b))
        assert report.disagreements == ()
        figure = next(t for t in report.tags if t.tag == "figure")
        assert figure.spans_exact.f1.value == 1.0

    def test_subtype_reported_apart_from_tag(self, project: Project) -> None:
        """Both tag a sentence figure with different subtypes: a subtype, not a tag, difference."""
        a = annotation("a1", 31, 40, "figure", "statistical")
        b = annotation("b1", 31, 40, "figure", "temporal")
        report = compare(project, annotator("ann", [1], a), annotator("bob", [1], b))
        (d,) = report.disagreements
        assert d.differing_tags == ()
        assert d.differing_subtypes == ("figure",)
        assert d.said[0][0].subtype == "statistical"
        assert d.sentence == 1
        assert d.text == TEXT[13:49]

    def test_tag_difference_quotes_what_each_said(self, project: Project) -> None:
        """A tag only one annotator used is a tag difference, with their quote."""
        a = annotation("a1", 0, 5, "quote", "direct")
        report = compare(project, annotator("ann", [0, 1], a), annotator("bob", [0, 1]))
        (d,) = report.disagreements
        assert d.differing_tags == ("quote",)
        assert d.said == ((d.said[0][0],), ())
        assert d.said[0][0].quote == "Hello"

    def test_unreviewed_sentence_is_not_a_disagreement(self, project: Project) -> None:
        """A tag on a sentence the other annotator never reviewed is missing data."""
        a = annotation("a1", 50, 55, "quote")
        report = compare(project, annotator("ann", [0, 2], a), annotator("bob", [0]))
        assert report.units == 1
        assert report.disagreements == ()
        quote = next(t for t in report.tags if t.tag == "quote")
        assert quote.spans_exact.reference_spans == 0


class TestFiltersAndErrors:
    """--tag and --document narrowing, and usage errors."""

    def test_tag_filter(self, project: Project) -> None:
        """Only the requested tags are reported."""
        report = compare(project, annotator("a", [0]), annotator("b", [0]), tags=["quote"])
        assert [t.tag for t in report.tags] == ["quote"]
        assert report.confusion.labels == ("quote", NO_TAG)

    def test_unknown_tag_or_document(self, project: Project) -> None:
        """An unknown filter value fails with the known ids listed."""
        with pytest.raises(UsageError, match="unknown tag 'nope'; known: propaganda"):
            compare(project, annotator("a", [0]), annotator("b", [0]), tags=["nope"])
        with pytest.raises(UsageError, match="unknown document 'x'"):
            compare(project, annotator("a", [0]), annotator("b", [0]), documents=["x"])

    def test_same_annotator_twice(self, project: Project) -> None:
        """Comparing an annotator with themself is refused."""
        with pytest.raises(UsageError, match="both files are by annotator 'a'"):
            compare(project, annotator("a", [0]), annotator("a", [0]))

    def test_no_common_units_gives_reasons(self, project: Project) -> None:
        """Without a sentence both reviewed every coefficient is None with a reason."""
        report = compare(project, annotator("a", [0]), annotator("b", [1]))
        assert report.units == 0
        for tag in report.tags:
            assert tag.cohen_kappa.value is None and tag.cohen_kappa.note
            assert tag.kappa_interval.low is None and tag.kappa_interval.note
        assert report.masi_alpha.value is None


class TestAgreementReport:
    """All annotators together."""

    def test_three_annotators_pairwise_and_fleiss(self, project: Project) -> None:
        """Three annotators give three pairs and per-tag Fleiss' kappa over shared units."""
        files = [
            annotator("ann", [0, 1, 2], annotation("a1", 0, 5, "quote")),
            annotator("bob", [0, 1, 2], annotation("b1", 0, 5, "quote")),
            annotator("cy", [0, 1], annotation("c1", 13, 17, "quote")),
        ]
        report = agreement_report(project, SENTENCES, files)
        assert [p.annotators for p in report.pairs] == [
            ("ann", "bob"), ("ann", "cy"), ("bob", "cy"),
        ]  # fmt: skip
        assert report.units == 3
        quote = next(t for t in report.tags if t.tag == "quote")
        assert quote.fleiss_kappa.value is not None
        figure = next(t for t in report.tags if t.tag == "figure")
        assert figure.fleiss_kappa.value is None and "one category" in (
            figure.fleiss_kappa.note or ""
        )
        json.dumps(report.to_json())

    def test_needs_two_annotators(self, project: Project) -> None:
        """A project with one annotator file cannot be scored."""
        with pytest.raises(UsageError, match="at least two annotators"):
            agreement_report(project, SENTENCES, [annotator("a", [0])])

"""The ``annotate compare`` report of two annotators as plain data, built from loaded files.

Pure: callers load the project, sentences, texts and annotator files and pass them in. Every
coefficient is a :class:`~annotate.agreement.Score`, so an undefined value always carries its
reason; :meth:`CompareReport.to_json` turns those into ``null`` plus a ``notes`` entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotate.agreement import (
    Score,
    Tally,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
)
from annotate.agreement_bootstrap import Interval, bootstrap_intervals
from annotate.agreement_spans import Span, SpanScores, span_scores
from annotate.errors import UsageError
from annotate.model import AnnotatorFile, Project
from annotate.units import SentenceSpans, UnitCodes, build_units, orphaned_counts

NO_TAG = "(none)"
"""Confusion-table label for a sentence on which an annotator put no tag."""


@dataclass(frozen=True, slots=True)
class TagAgreement:
    """Agreement of two annotators on one tag, sentence by sentence and span by span."""

    tag: str
    label: str
    annotations: tuple[int, int]
    """Each annotator's annotations of this tag in the compared documents."""
    positive_units: tuple[int, int]
    """Units each annotator marked with this tag."""
    units: int
    """Sentences both annotators reviewed."""
    prevalence: Score
    """Share of all (unit, annotator) ratings that are positive."""
    percent_agreement: Score
    cohen_kappa: Score
    krippendorff_alpha: Score
    gwet_ac1: Score
    kappa_interval: Interval
    alpha_interval: Interval
    spans_exact: SpanScores
    """The second annotator's spans against the first's, identical offsets."""
    spans_overlap: SpanScores
    """The second annotator's spans against the first's, any shared offset."""


@dataclass(frozen=True, slots=True)
class Said:
    """What one annotator put on a sentence: one annotation, without notes or attributes."""

    tag: str
    subtype: str | None
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A sentence both annotators reviewed on which their tags or subtypes differ."""

    document: str
    sentence: int
    """0-based sentence index, as stored in the files; shown to people as ``sentence + 1``."""
    text: str
    differing_tags: tuple[str, ...]
    """Tags one annotator put on the sentence and the other did not."""
    differing_subtypes: tuple[str, ...]
    """Tags both put on the sentence, but with different subtypes."""
    said: tuple[tuple[Said, ...], tuple[Said, ...]]
    """Each annotator's annotations of the involved tags on this sentence."""


@dataclass(frozen=True, slots=True)
class Confusion:
    """Tag by tag counts over units: rows are the first annotator, columns the second."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class CompareReport:
    """Everything ``annotate compare`` reports about two annotators."""

    annotators: tuple[str, str]
    documents: tuple[str, ...]
    """Documents compared, in project order."""
    reviewed: tuple[int, int]
    """Sentences each annotator reviewed in those documents."""
    units: int
    """Sentences both reviewed: the units of every coefficient."""
    tags: tuple[TagAgreement, ...]
    identical_tag_sets: Score
    """Share of units on which both put exactly the same set of tags."""
    masi_alpha: Score
    """Krippendorff's alpha over each unit's set of tags, MASI distance."""
    confusion: Confusion
    disagreements: tuple[Disagreement, ...]
    orphaned: tuple[int, int] = (0, 0)
    """Each annotator's orphaned annotations in the compared documents; none is compared."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: numbers or null, with reasons under ``notes``."""
        first, second = self.annotators
        return {
            "annotators": list(self.annotators),
            "documents": list(self.documents),
            "reviewed": {first: self.reviewed[0], second: self.reviewed[1]},
            "orphaned": {first: self.orphaned[0], second: self.orphaned[1]},
            "units": self.units,
            "tags": [_tag_json(t, self.annotators) for t in self.tags],
            "across_tags": scores_json(
                {"identical_tag_sets": self.identical_tag_sets, "masi_alpha": self.masi_alpha}
            ),
            "confusion": {
                "rows": first,
                "columns": second,
                "labels": list(self.confusion.labels),
                "counts": [list(row) for row in self.confusion.counts],
            },
            "disagreements": [_disagreement_json(d, self.annotators) for d in self.disagreements],
        }


# Building the reports ---------------------------------------------------------------------


def selected_ids(
    project: Project, documents: Collection[str] | None, tags: Collection[str] | None
) -> tuple[list[str], list[str]]:
    """Document and tag ids in project order, narrowed by the filters; unknown ids fail."""
    document_ids = [d.id for d in project.documents]
    tag_ids = [t.id for t in project.tags]
    for kind, wanted, known in (("document", documents, document_ids), ("tag", tags, tag_ids)):
        unknown = sorted(set(wanted or ()) - set(known))
        if unknown:
            listed = ", ".join(known) or "(none)"
            raise UsageError(f"unknown {kind} {unknown[0]!r}; known: {listed}")
    chosen_documents = [d for d in document_ids if documents is None or d in documents]
    chosen_tags = [t for t in tag_ids if tags is None or t in tags]
    if not chosen_tags:
        raise UsageError("the project defines no tags to compare")
    return chosen_documents, chosen_tags


def compare_annotators(
    project: Project,
    sentences: Mapping[str, SentenceSpans],
    texts: Mapping[str, str],
    first: AnnotatorFile,
    second: AnnotatorFile,
    *,
    documents: Collection[str] | None = None,
    tags: Collection[str] | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> CompareReport:
    """Compare two annotators on the sentences both reviewed (see design section 5).

    ``sentences`` maps every compared document id to its sentence spans and ``texts`` to its
    text (used for the sentences quoted in disagreements).
    """
    if first.annotator == second.annotator:
        raise UsageError(
            f"both files are by annotator {first.annotator!r}; compare two different annotators"
        )
    document_ids, tag_ids = selected_ids(project, documents, tags)
    ordered = {d: sentences[d] for d in document_ids}
    codes = build_units([first, second], ordered, tag_ids)
    labels = {t.id: t.label for t in project.tags}
    in_documents = set(document_ids)
    counts = (
        Counter(a.tag for a in first.annotations if a.document in in_documents and not a.orphaned),
        Counter(a.tag for a in second.annotations if a.document in in_documents and not a.orphaned),
    )
    orphaned = orphaned_counts([first, second], in_documents)
    spans = _unit_spans(codes)
    tag_reports = tuple(
        _tag_agreement(codes, tag, labels.get(tag, tag), counts, spans, resamples, seed)
        for tag in tag_ids
    )
    set_table = codes.set_tally()
    return CompareReport(
        annotators=(first.annotator, second.annotator),
        documents=tuple(document_ids),
        reviewed=(_reviewed_count(first, ordered), _reviewed_count(second, ordered)),
        units=len(codes.units),
        tags=tag_reports,
        identical_tag_sets=identical_share(set_table),
        masi_alpha=krippendorff_alpha(set_table, masi_distance),
        confusion=_confusion(codes, tag_ids),
        disagreements=_disagreements(codes, texts),
        orphaned=(orphaned[first.annotator], orphaned[second.annotator]),
    )


def identical_share(set_tally: Tally) -> Score:
    """Share of units on which every annotator who reviewed it put the same set of tags."""
    total = set_tally.n_units
    if not total:
        return Score(None, "no sentence was reviewed by two of the annotators")
    same = sum(
        units
        for row, units in set_tally.patterns.items()
        if len({tags for tags in row if tags is not None}) == 1
    )
    return Score(same / total)


def _reviewed_count(annotator_file: AnnotatorFile, sentences: Mapping[str, SentenceSpans]) -> int:
    return sum(
        sum(1 for i in indices if i < len(sentences[doc]))
        for doc, indices in annotator_file.reviewed.items()
        if doc in sentences
    )


def _tag_agreement(
    codes: UnitCodes,
    tag: str,
    label: str,
    counts: tuple[Counter[str], Counter[str]],
    spans: tuple[dict[str, list[Span]], dict[str, list[Span]]],
    resamples: int,
    seed: int,
) -> TagAgreement:
    table = codes.tag_tally(tag)
    positives = (
        sum(units for row, units in table.patterns.items() if row[0]),
        sum(units for row, units in table.patterns.items() if row[1]),
    )
    ratings = 2 * table.n_units
    intervals = bootstrap_intervals(
        table, {"kappa": cohen_kappa, "alpha": krippendorff_alpha}, resamples=resamples, seed=seed
    )
    reference = spans[0].get(tag, [])
    candidate = spans[1].get(tag, [])
    return TagAgreement(
        tag=tag,
        label=label,
        annotations=(counts[0][tag], counts[1][tag]),
        positive_units=positives,
        units=table.n_units,
        prevalence=(
            Score(sum(positives) / ratings)
            if ratings
            else Score(None, "no sentence was reviewed by both annotators")
        ),
        percent_agreement=percent_agreement(table),
        cohen_kappa=cohen_kappa(table),
        krippendorff_alpha=krippendorff_alpha(table),
        gwet_ac1=gwet_ac1(table),
        kappa_interval=intervals["kappa"],
        alpha_interval=intervals["alpha"],
        spans_exact=span_scores(reference, candidate, "exact"),
        spans_overlap=span_scores(reference, candidate, "overlap"),
    )


def _unit_spans(codes: UnitCodes) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
    """Each annotator's spans by tag, counting those that overlap a unit, each once."""
    found: list[dict[str, list[Span]]] = []
    for column in (0, 1):
        seen: set[str] = set()
        by_tag: dict[str, list[Span]] = {}
        for row in codes.annotations:
            for a in row[column]:
                if a.id not in seen:
                    seen.add(a.id)
                    by_tag.setdefault(a.tag, []).append((a.document, a.start, a.end))
        found.append(by_tag)
    return found[0], found[1]


def _confusion(codes: UnitCodes, tag_ids: Sequence[str]) -> Confusion:
    """Matched tags on the diagonal; unmatched ones against each other or against (none)."""
    labels = (*tag_ids, NO_TAG)
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for row in codes.codes:
        first, second = row[0] or frozenset(), row[1] or frozenset()
        for tag in first & second:
            counts[index[tag]][index[tag]] += 1
        only_first = sorted(first - second) or [NO_TAG]
        only_second = sorted(second - first) or [NO_TAG]
        if only_first == only_second == [NO_TAG] and (first or second):
            continue
        for a in only_first:
            for b in only_second:
                counts[index[a]][index[b]] += 1
    return Confusion(labels, tuple(tuple(r) for r in counts))


def _disagreements(codes: UnitCodes, texts: Mapping[str, str]) -> tuple[Disagreement, ...]:
    found = []
    for unit, row, anns in zip(codes.units, codes.codes, codes.annotations, strict=True):
        first, second = row[0] or frozenset(), row[1] or frozenset()
        if not first and not second:
            continue
        differing = first ^ second
        subtype_differs = set()
        for tag in first & second:
            if {a.subtype for a in anns[0] if a.tag == tag} != {
                a.subtype for a in anns[1] if a.tag == tag
            }:
                subtype_differs.add(tag)
        if not differing and not subtype_differs:
            continue
        involved = differing | subtype_differs
        said = tuple(
            tuple(
                Said(a.tag, a.subtype, a.quote, a.start, a.end)
                for a in sorted(side, key=lambda a: (a.start, a.end, a.tag))
                if a.tag in involved
            )
            for side in anns
        )
        text = texts.get(unit.document, "")[unit.start : unit.end]
        found.append(
            Disagreement(
                document=unit.document,
                sentence=unit.index,
                text=text,
                differing_tags=tuple(t for t in codes.tags if t in differing),
                differing_subtypes=tuple(t for t in codes.tags if t in subtype_differs),
                said=(said[0], said[1]),
            )
        )
    return tuple(found)


# JSON helpers -----------------------------------------------------------------------------


def scores_json(
    scores: Mapping[str, Score], intervals: Mapping[str, Interval] | None = None
) -> dict[str, Any]:
    """Scores as numbers or null, intervals as [low, high] or null, reasons under ``notes``."""
    out: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for name, score in scores.items():
        out[name] = score.value
        if score.note:
            notes[name] = score.note
    for name, interval in (intervals or {}).items():
        key = f"{name}_interval"
        bounds = None if interval.low is None else [interval.low, interval.high]
        out[key] = bounds
        if interval.note:
            notes[key] = interval.note
    out["notes"] = notes
    return out


def _span_json(scores: SpanScores) -> dict[str, Any]:
    return {
        "matched_first": scores.matched_reference,
        "matched_second": scores.matched_candidate,
        **scores_json({"precision": scores.precision, "recall": scores.recall, "f1": scores.f1}),
    }


def _tag_json(tag: TagAgreement, annotators: tuple[str, str]) -> dict[str, Any]:
    first, second = annotators
    return {
        "tag": tag.tag,
        "label": tag.label,
        "annotations": {first: tag.annotations[0], second: tag.annotations[1]},
        "positive_units": {first: tag.positive_units[0], second: tag.positive_units[1]},
        "units": tag.units,
        **scores_json(
            {
                "prevalence": tag.prevalence,
                "percent_agreement": tag.percent_agreement,
                "cohen_kappa": tag.cohen_kappa,
                "krippendorff_alpha": tag.krippendorff_alpha,
                "gwet_ac1": tag.gwet_ac1,
            },
            {"cohen_kappa": tag.kappa_interval, "krippendorff_alpha": tag.alpha_interval},
        ),
        "confidence": tag.kappa_interval.confidence,
        "spans": {"exact": _span_json(tag.spans_exact), "overlap": _span_json(tag.spans_overlap)},
    }


def _disagreement_json(d: Disagreement, annotators: tuple[str, str]) -> dict[str, Any]:
    return {
        "document": d.document,
        "sentence": d.sentence,
        "text": d.text,
        "differing_tags": list(d.differing_tags),
        "differing_subtypes": list(d.differing_subtypes),
        "said": {
            name: [
                {
                    "tag": s.tag,
                    "subtype": s.subtype,
                    "quote": s.quote,
                    "start": s.start,
                    "end": s.end,
                }
                for s in side
            ]
            for name, side in zip(annotators, d.said, strict=True)
        },
    }

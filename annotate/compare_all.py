"""The ``annotate agreement`` report: every annotator of a project, pairwise and together.

Reviews an annotator has not done are missing data: a unit is a sentence at least two
annotators reviewed, and each coefficient treats the others' cells as missing (see
:mod:`annotate.agreement` for how each one does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotate.agreement import (
    Score,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
)
from annotate.compare import identical_share, scores_json, selected_ids
from annotate.errors import UsageError
from annotate.model import AnnotatorFile, Project
from annotate.units import SentenceSpans, build_units, orphaned_counts


@dataclass(frozen=True, slots=True)
class PairSummary:
    """Two annotators' agreement across tags, for the pairwise table."""

    annotators: tuple[str, str]
    units: int
    identical_tag_sets: Score
    masi_alpha: Score
    cohen_kappa: dict[str, Score]
    """Cohen's kappa per tag."""


@dataclass(frozen=True, slots=True)
class MultiTagAgreement:
    """Agreement of all annotators on one tag, missing reviews as missing data."""

    tag: str
    label: str
    units: int
    """Sentences at least two annotators reviewed."""
    percent_agreement: Score
    fleiss_kappa: Score
    krippendorff_alpha: Score
    gwet_ac1: Score


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Everything ``annotate agreement`` reports about all annotators of a project."""

    annotators: tuple[str, ...]
    documents: tuple[str, ...]
    units: int
    pairs: tuple[PairSummary, ...]
    tags: tuple[MultiTagAgreement, ...]
    masi_alpha: Score
    """Alpha over all annotators' tag sets per sentence, MASI distance."""
    orphaned: dict[str, int] = field(default_factory=dict)
    """Each annotator's orphaned annotations in the compared documents; none is compared."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: numbers or null, with reasons under ``notes``."""
        return {
            "annotators": list(self.annotators),
            "documents": list(self.documents),
            "units": self.units,
            "orphaned": dict(self.orphaned),
            "pairs": [
                {
                    "annotators": list(p.annotators),
                    "units": p.units,
                    **scores_json(
                        {
                            "identical_tag_sets": p.identical_tag_sets,
                            "masi_alpha": p.masi_alpha,
                            **{f"cohen_kappa.{tag}": s for tag, s in p.cohen_kappa.items()},
                        }
                    ),
                }
                for p in self.pairs
            ],
            "tags": [
                {
                    "tag": t.tag,
                    "units": t.units,
                    **scores_json(
                        {
                            "percent_agreement": t.percent_agreement,
                            "fleiss_kappa": t.fleiss_kappa,
                            "krippendorff_alpha": t.krippendorff_alpha,
                            "gwet_ac1": t.gwet_ac1,
                        }
                    ),
                }
                for t in self.tags
            ],
            "across_tags": scores_json({"masi_alpha": self.masi_alpha}),
        }


def agreement_report(
    project: Project,
    sentences: Mapping[str, SentenceSpans],
    files: Sequence[AnnotatorFile],
    *,
    documents: Collection[str] | None = None,
    tags: Collection[str] | None = None,
) -> AgreementReport:
    """Pairwise and multi-annotator agreement for every annotator file of a project."""
    names = [f.annotator for f in files]
    repeated = sorted(n for n, c in Counter(names).items() if c > 1)
    if repeated:
        raise UsageError(f"annotator {repeated[0]!r} has more than one file")
    if len(files) < 2:
        raise UsageError(f"agreement needs at least two annotators, found {len(files)}")
    document_ids, tag_ids = selected_ids(project, documents, tags)
    ordered = {d: sentences[d] for d in document_ids}
    codes = build_units(files, ordered, tag_ids)
    labels = {t.id: t.label for t in project.tags}
    pairs = []
    for a, b in combinations(names, 2):
        pair = codes.select([a, b])
        set_table = pair.set_tally()
        pairs.append(
            PairSummary(
                annotators=(a, b),
                units=set_table.n_units,
                identical_tag_sets=identical_share(set_table),
                masi_alpha=krippendorff_alpha(set_table, masi_distance),
                cohen_kappa={tag: cohen_kappa(pair.tag_tally(tag)) for tag in tag_ids},
            )
        )
    tag_reports = []
    for tag in tag_ids:
        table = codes.tag_tally(tag)
        tag_reports.append(
            MultiTagAgreement(
                tag=tag,
                label=labels.get(tag, tag),
                units=table.n_units,
                percent_agreement=percent_agreement(table),
                fleiss_kappa=fleiss_kappa(table),
                krippendorff_alpha=krippendorff_alpha(table),
                gwet_ac1=gwet_ac1(table),
            )
        )
    return AgreementReport(
        annotators=tuple(names),
        documents=tuple(document_ids),
        units=len(codes.units),
        pairs=tuple(pairs),
        tags=tuple(tag_reports),
        masi_alpha=krippendorff_alpha(codes.set_tally(), masi_distance),
        orphaned=orphaned_counts(files, set(document_ids)),
    )

"""Rich rendering of the compare and agreement reports, sized for 80 columns.

Text from files (ids, tags, quotes, sentences) is passed to rich as ``Text`` with control
characters made visible, so neither markup nor terminal escapes in a file take effect.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from annotate.agreement import Score
    from annotate.agreement_bootstrap import Interval
    from annotate.compare import CompareReport
    from annotate.compare_all import AgreementReport


def _safe(text: object) -> str:
    from annotate.textsafe import visible

    return visible(str(text))


def _number(score: Score, notes: list[str], label: str) -> str:
    if score.value is None:
        notes.append(f"{label}: {score.note}")
        return "n/a"
    return f"{score.value:.3f}"


def _interval(interval: Interval, notes: list[str], label: str) -> str:
    if interval.low is None or interval.high is None:
        notes.append(f"{label}: {interval.note}")
        return "n/a"
    if interval.note:
        notes.append(f"{label}: {interval.note}")
    return f"{interval.low:.2f} to {interval.high:.2f}"


def _print_notes(console: Console, notes: list[str]) -> None:
    from rich.text import Text

    for note in notes:
        console.print(Text(f"  note: {_safe(note)}", style="dim"))


def _print_orphaned(console: Console, orphaned: dict[str, int]) -> None:
    from rich.text import Text

    for name, count in orphaned.items():
        if count:
            noun = "annotation" if count == 1 else "annotations"
            console.print(Text(f"  note: {_safe(name)}: {count} orphaned {noun} not compared; "
                               "run annotate reanchor or fix them", style="yellow"))


def _table(title: str) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))


def render_compare(report: CompareReport, console: Console) -> None:
    """Print a compare report as tables and a list of disagreements."""
    from rich.text import Text

    first, second = (_safe(name) for name in report.annotators)
    console.print(
        Text(
            f"{first} vs {second}: {report.units} sentences both reviewed "
            f"({first} reviewed {report.reviewed[0]}, {second} {report.reviewed[1]}) "
            f"in {len(report.documents)} document(s)",
            style="bold",
        )
    )
    _print_orphaned(console, dict(zip(report.annotators, report.orphaned, strict=True)))
    notes: list[str] = []
    per_tag = _table("Per tag: sentences tagged (annotations), agreement")
    per_tag.add_column("tag")
    per_tag.add_column(first, justify="right")
    per_tag.add_column(second, justify="right")
    for heading in ("agree", "kappa", "alpha", "AC1"):
        per_tag.add_column(heading, justify="right")
    for t in report.tags:
        tag = _safe(t.tag)
        per_tag.add_row(
            Text(tag),
            f"{t.positive_units[0]} ({t.annotations[0]})",
            f"{t.positive_units[1]} ({t.annotations[1]})",
            _number(t.percent_agreement, notes, f"{tag} agreement"),
            _number(t.cohen_kappa, notes, f"{tag} kappa"),
            _number(t.krippendorff_alpha, notes, f"{tag} alpha"),
            _number(t.gwet_ac1, notes, f"{tag} AC1"),
        )
    console.print(per_tag)
    _print_notes(console, notes)

    notes = []
    resamples = report.tags[0].kappa_interval.resamples if report.tags else 0
    intervals = _table(f"95% bootstrap intervals ({resamples} resamples)")
    intervals.add_column("tag")
    intervals.add_column("kappa", justify="right")
    intervals.add_column("alpha", justify="right")
    for t in report.tags:
        tag = _safe(t.tag)
        intervals.add_row(
            Text(tag),
            _interval(t.kappa_interval, notes, f"{tag} kappa interval"),
            _interval(t.alpha_interval, notes, f"{tag} alpha interval"),
        )
    console.print(intervals)
    _print_notes(console, notes)

    notes = []
    spans = _table(f"Spans: {second}'s against {first}'s (precision, recall, F1)")
    spans.add_column("tag")
    for heading in ("exact P", "R", "F1", "overlap P", "R", "F1"):
        spans.add_column(heading, justify="right")
    for t in report.tags:
        tag = _safe(t.tag)
        cells = []
        for kind, scores in (("exact", t.spans_exact), ("overlap", t.spans_overlap)):
            for name in ("precision", "recall", "f1"):
                score = getattr(scores, name)
                cells.append(_number(score, notes, f"{tag} {kind} {name}"))
        spans.add_row(Text(tag), *cells)
    console.print(spans)
    _print_notes(console, sorted(set(notes)))

    notes = []
    identical = _number(report.identical_tag_sets, notes, "identical tag sets")
    masi = _number(report.masi_alpha, notes, "alpha (MASI)")
    console.print(Text("Across tags", style="bold italic"))
    console.print(Text(f"  identical tag sets {identical}; alpha over tag sets (MASI) {masi}"))
    _print_notes(console, notes)
    console.print()

    confusion = _table(f"Confusion of tags per sentence: rows {first}, columns {second}")
    confusion.add_column("")
    for label in report.confusion.labels:
        confusion.add_column(Text(_safe(label)), justify="right", overflow="fold")
    for label, row in zip(report.confusion.labels, report.confusion.counts, strict=True):
        confusion.add_row(Text(_safe(label)), *(str(c) if c else "." for c in row))
    console.print(confusion)

    render_disagreements(report, console)


def render_disagreements(report: CompareReport, console: Console) -> None:
    """Print each sentence on which the annotators differ, with what each one said.

    Written as plain wrapped lines rather than rich renderables: a large comparison has
    thousands of them, and rich's per-call layout would take seconds.
    """
    width = max(console.width, 40)
    bold, plain = (
        ("\x1b[1m", "\x1b[0m") if console.is_terminal and not console.no_color else ("", "")
    )
    names = [_safe(name) for name in report.annotators]
    pad = max(len(name) for name in names)
    out = [f"{bold}Disagreements ({len(report.disagreements)} sentences){plain}"]
    if not report.disagreements:
        out.append("  none")
    for d in report.disagreements:
        what = []
        if d.differing_tags:
            what.append("tag differs: " + ", ".join(_safe(t) for t in d.differing_tags))
        if d.differing_subtypes:
            what.append("subtype differs: " + ", ".join(_safe(t) for t in d.differing_subtypes))
        out.append("")
        out.append(f"{bold}{_safe(d.document)} #{d.sentence + 1}{plain}  {'; '.join(what)}")
        out.extend(wrap(_safe(d.text), width, "  | "))
        for name, said in zip(names, d.said, strict=True):
            lead = f"  {name:<{pad}} "
            if not said:
                out.append(f"{lead}(no tag)")
            for s in said:
                subtype = f" ({_safe(s.subtype)})" if s.subtype else ""
                line = f'{_safe(s.tag)}{subtype} "{_safe(s.quote)}"'
                out.extend(wrap(line, width, lead, " " * len(lead)))
                lead = " " * len(lead)
    console.file.write("\n".join(out) + "\n")


def wrap(text: str, width: int, indent: str, subsequent: str | None = None) -> list[str]:
    """Greedy word wrap that splits over-long words; much faster than textwrap."""
    rest = indent if subsequent is None else subsequent
    lines: list[str] = []
    prefix = indent
    line = ""
    for word in text.split(" "):
        limit = max(width - len(prefix), 20)
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= limit:
            line = candidate
            continue
        if line:
            lines.append(prefix + line)
            prefix = rest
            limit = max(width - len(prefix), 20)
        position = 0  # index into the word rather than re-slicing it, so a 50 MB word is linear
        while len(word) - position > limit:
            lines.append(prefix + word[position:position + limit])
            position += limit
            prefix = rest
            limit = max(width - len(prefix), 20)
        line = word[position:]
    lines.append(prefix + line)
    return lines


def render_agreement(report: AgreementReport, console: Console) -> None:
    """Print the multi-annotator report: per-tag coefficients and the pairwise table."""
    from rich.text import Text

    console.print(
        Text(
            f"{len(report.annotators)} annotators, {report.units} sentences reviewed by at "
            f"least two, {len(report.documents)} document(s)",
            style="bold",
        )
    )
    _print_orphaned(console, report.orphaned)
    notes: list[str] = []
    tags = _table("Per tag, all annotators (missing reviews are missing data)")
    tags.add_column("tag")
    for heading in ("units", "agree", "Fleiss", "alpha", "AC1"):
        tags.add_column(heading, justify="right")
    for t in report.tags:
        tag = _safe(t.tag)
        tags.add_row(
            Text(tag),
            str(t.units),
            _number(t.percent_agreement, notes, f"{tag} agreement"),
            _number(t.fleiss_kappa, notes, f"{tag} Fleiss' kappa"),
            _number(t.krippendorff_alpha, notes, f"{tag} alpha"),
            _number(t.gwet_ac1, notes, f"{tag} AC1"),
        )
    console.print(tags)
    _print_notes(console, notes)
    notes = []
    masi = _number(report.masi_alpha, notes, "alpha (MASI)")
    console.print(Text(f"Across tags: alpha (MASI) {masi}", style="bold italic"))
    _print_notes(console, notes)
    console.print()

    notes = []
    pairs = _table("Pairwise, across tags")
    pairs.add_column("annotators")
    pairs.add_column("units", justify="right")
    pairs.add_column("identical sets", justify="right")
    pairs.add_column("alpha (MASI)", justify="right")
    for p in report.pairs:
        names = " vs ".join(_safe(n) for n in p.annotators)
        pairs.add_row(
            Text(names),
            str(p.units),
            _number(p.identical_tag_sets, notes, f"{names} identical sets"),
            _number(p.masi_alpha, notes, f"{names} alpha"),
        )
    console.print(pairs)
    _print_notes(console, notes)


def render_table_agreement(
    result: dict[str, Any], path: Path, level: str, console: Console
) -> None:
    """Print the coefficients of a ratings table, with a reason beside each n/a."""
    from rich.text import Text

    shown = ", ".join(_safe(c) for c in result["categories"])
    console.print(
        Text(
            f"{_safe(path)}: {result['n_units']} units, {result['n_coders']} coders, "
            f"categories {shown}",
            style="bold",
        )
    )
    table = _table("")
    table.add_column("coefficient")
    table.add_column("value", justify="right")
    table.add_column("note", overflow="fold")
    names = {
        "percent_agreement": "percent agreement",
        "krippendorff_alpha": f"Krippendorff's alpha ({level})",
        "scott_pi": "Scott's pi",
        "fleiss_kappa": "Fleiss' kappa",
        "gwet_ac1": "Gwet's AC1",
        "cohen_kappa": "Cohen's kappa",
    }
    for key, name in names.items():
        if key not in result:
            continue
        value = result[key]
        table.add_row(
            name,
            "n/a" if value is None else f"{value:.3f}",
            Text(_safe(result["notes"].get(key, ""))),
        )
    console.print(table)

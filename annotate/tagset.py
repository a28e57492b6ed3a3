"""The default tag set a new project starts with, and the guidelines that explain it."""

from __future__ import annotations

from annotate.model import AttributeDef, SubtypeDef, TagDef

GUIDELINES = """\
Judge from the text alone. Do not tag a claim as propaganda because you know it is false; \
record what you know about truth in a figure's `status`, a quote's `citation_status`, or the \
note. Mixing labelling with fact-checking is the largest single cause of disagreement reported \
by the SemEval-2023 propaganda campaign.

An annotation has one tag, at most one subtype, typed attributes, and a note. Tags may overlap: \
a number inside a quotation is both a `figure` and part of a `quote`.

Step through every sentence. Mark a sentence reviewed (space) also when nothing in it deserves \
a tag: a sentence you never reached is missing data, not "no claim"."""


def _sub(pairs: list[tuple[str, str]]) -> list[SubtypeDef]:
    return [SubtypeDef(id=i, description=d) for i, d in pairs]


PROPAGANDA = TagDef(
    id="propaganda", key="1", label="Propaganda framing", color="#e5534b",
    description=("Wording that persuades through emotion, group identity, authority or "
                 "simplification rather than evidence. Tag the smallest span that carries the "
                 "technique."),
    rules=("Words that label a person or group are name-calling, other emotive words "
           "loaded-language. A vague magnitude (\"millions\", \"unprecedented\") is "
           "exaggeration; a specific number is a figure."),
    subtypes=_sub([
        ("loaded-language", "Emotive words: \"heroic\", \"vicious\"."),
        ("name-calling", "A label on a person or group: \"enemies of the working class\", "
                         "\"Trotskyist deviators\"."),
        ("glittering-generality", "Vague virtue words: \"the great banner of Lenin\"."),
        ("flag-waving", "Appeal to national or group pride."),
        ("appeal-to-authority", "\"As Lenin taught, ...\""),
        ("appeal-to-fear", "Playing on fear of a threat."),
        ("black-and-white", "\"either ... or ...\""),
        ("causal-oversimplification", "One cause for a complex outcome."),
        ("exaggeration-minimisation", "\"utterly crushed\", \"world-historic\"."),
        ("slogan", "A short catchphrase."),
        ("thought-terminating-cliche", "A phrase that ends discussion."),
        ("bandwagon", "\"the overwhelming mass ... branded\"."),
    ]),
    attributes=[
        AttributeDef(id="target", type="text", label="Target",
                     description="Who is praised or attacked."),
        AttributeDef(id="certainty", type="choice", label="Certainty",
                     options=["clear", "probable", "borderline"],
                     description="How sure you are that this is the technique."),
    ],
)

FIGURE = TagDef(
    id="figure", key="2", label="Verifiable figure", color="#3b8eea",
    description=("A specific number, percentage, amount, date or count, with what it measures, "
                 "that could be checked against records (\"more than 7 million workers\", "
                 "\"8.3 million\", \"100-105 million rubles\"). Tag the smallest clause holding "
                 "the number, its unit and what it measures; one annotation per figure."),
    rules=("A number with no measurable referent is not a figure. A figure inside a quote is "
           "still a figure. \"N times the 1913 level\" is a comparison; always fill baseline."),
    subtypes=_sub([
        ("statistical", "A count, amount or percentage."),
        ("temporal", "A date or duration that could be checked."),
        ("comparison", "A figure relative to another (\"N times the 1913 level\")."),
        ("interval", "A range (\"100-105 million\")."),
    ]),
    attributes=[
        AttributeDef(id="value_text", type="text", label="Value as written"),
        AttributeDef(id="value", type="number", label="Value", description="The number."),
        AttributeDef(id="unit", type="text", label="Unit"),
        AttributeDef(id="measure", type="text", label="Measure", description="What is counted."),
        AttributeDef(id="period", type="text", label="Period"),
        AttributeDef(id="baseline", type="text", label="Baseline",
                     description="For comparisons: \"pre-war level\", \"1913\"."),
        AttributeDef(id="status", type="choice", label="Status",
                     options=["unchecked", "confirmed", "approximately-correct", "misleading",
                              "contradicted", "unverifiable"]),
    ],
)

QUOTE = TagDef(
    id="quote", key="3", label="Attributed quote", color="#57ab5a",
    description=("Content the text attributes to an identifiable source other than its author: "
                 "a person, a body, a document; verbatim or reported. The span is the quoted "
                 "content."),
    rules=("A bracketed citation after the passage is the quote's citation, not a separate "
           "claim. A quote used as proof of an argument may also carry propaganda / "
           "appeal-to-authority on the framing words (\"Comrade Stalin brilliantly showed\")."),
    subtypes=_sub([
        ("direct", "In quotation marks."),
        ("indirect", "Reported: \"Stalin pointed out that ...\"."),
        ("mixed", "Partly quoted, partly reported."),
        ("unattributed", "Quotation marks, no identifiable source."),
    ]),
    attributes=[
        AttributeDef(id="speaker", type="text", label="Speaker"),
        AttributeDef(id="cue", type="text", label="Cue", description="said, wrote, pointed out"),
        AttributeDef(id="citation", type="text", label="Citation",
                     description="The bracketed reference as printed."),
        AttributeDef(id="cited_work", type="text", label="Cited work"),
        AttributeDef(id="page", type="text", label="Page"),
        AttributeDef(id="year", type="number", label="Year"),
        AttributeDef(id="citation_status", type="choice", label="Citation status",
                     options=["none", "incomplete", "locatable", "checked-match",
                              "checked-altered", "checked-out-of-context", "not-found"]),
    ],
)

ASSERTION = TagDef(
    id="assertion", key="4", label="Unsupported assertion", color="#c69026",
    description=("A proposition presented as true whose support is absent from the text: an "
                 "evaluation, a cause, a generalisation, a motive, a prediction, or a contested "
                 "fact given with no source or figure. Judge support within the same paragraph."),
    rules=("Plain narrative facts are not tagged unless contested, evaluative, causal or "
           "general. A claim supported only by a quotation used as authority is tagged with "
           "support_in_text = authority-only."),
    subtypes=_sub([
        ("causal", "X caused Y."),
        ("evaluative", "A judgement of value."),
        ("generalization", "A claim about all or most of a group."),
        ("motive-intent", "What someone wanted or meant."),
        ("prediction", "What will happen."),
        ("historical-fact", "A contested fact given without source."),
        ("consensus", "\"Everyone agrees\"."),
    ]),
    attributes=[
        AttributeDef(id="support_in_text", type="choice", label="Support in text",
                     options=["none", "vague", "authority-only", "circular", "distant"]),
        AttributeDef(id="checkworthy", type="choice", label="Check-worthy",
                     options=["high", "low"]),
    ],
)

DEFAULT_TAGS: list[TagDef] = [PROPAGANDA, FIGURE, QUOTE, ASSERTION]
"""The four default tags, in key order."""


def default_tags() -> list[TagDef]:
    """A fresh copy of the default tag set."""
    return [tag.model_copy(deep=True) for tag in DEFAULT_TAGS]

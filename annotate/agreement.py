"""Inter-annotator agreement coefficients over a reliability table, pure and dependency-free.

A reliability table has one row per unit and one column per coder; ``None`` marks a rating
that is missing. Every coefficient returns a :class:`Score` whose value is ``None`` exactly
when the coefficient is undefined for the data, and then ``note`` says why.

Each coefficient first reduces the table to a :class:`Tally` (how many units share each row
pattern) and then works on the distinct patterns only, which keeps large tables fast without
numpy. Bootstrap intervals live in :mod:`annotate.agreement_bootstrap`, span scores and the
confusion matrix in :mod:`annotate.agreement_spans`.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

Label: TypeAlias = Hashable
"""A rating: any hashable value; numbers for the interval and ratio levels, sets for MASI."""

Row: TypeAlias = tuple[Label | None, ...]
Table: TypeAlias = Sequence[Sequence[Label | None]]
Distance: TypeAlias = Callable[[Any, Any], float]
Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"] | Distance
Weights: TypeAlias = Literal["linear", "quadratic"] | None


@dataclass(frozen=True, slots=True)
class Score:
    """A coefficient's value, or ``None`` together with the reason it is undefined."""

    value: float | None
    """The coefficient, always finite; ``None`` when the data do not define it."""
    note: str | None = None
    """Why ``value`` is ``None``, or a caveat about a defined value."""

    def __post_init__(self) -> None:
        if self.value is None and not self.note:
            raise ValueError("an undefined score needs a note saying why")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"score must be finite, got {self.value!r}")


@dataclass(frozen=True, slots=True)
class Tally:
    """A reliability table reduced to how many units share each row of ratings."""

    patterns: Mapping[Row, int]
    """Each distinct row (one entry per coder, ``None`` when missing) and its unit count."""
    n_coders: int
    """Number of columns of the table."""

    @property
    def n_units(self) -> int:
        """Number of units (rows) in the table, rated or not."""
        return sum(self.patterns.values())


def tally(data: Table | Tally) -> Tally:
    """Count the distinct rows of a reliability table; a Tally is returned unchanged."""
    if isinstance(data, Tally):
        return data
    patterns = Counter(map(tuple, data))
    widths = {len(row) for row in patterns}
    if len(widths) > 1:
        raise ValueError(f"every row needs the same number of coders, got {sorted(widths)}")
    return Tally(patterns=dict(patterns), n_coders=widths.pop() if widths else 0)


def reliability_table(
    ratings: Iterable[tuple[Hashable, Hashable, Label]],
) -> tuple[list[Hashable], list[Hashable], list[list[Label | None]]]:
    """Turn ``(unit, coder, label)`` triples into unit ids, coder ids and a units x coders table.

    Units and coders keep the order in which they first appear. A repeated (unit, coder)
    pair with a different label raises ``ValueError``; an identical repeat is ignored.
    """
    unit_index: dict[Hashable, int] = {}
    coder_index: dict[Hashable, int] = {}
    cells: dict[tuple[int, int], Label] = {}
    for unit, coder, label in ratings:
        u = unit_index.setdefault(unit, len(unit_index))
        c = coder_index.setdefault(coder, len(coder_index))
        previous = cells.setdefault((u, c), label)
        if previous != label:
            raise ValueError(
                f"coder {coder!r} rated unit {unit!r} twice: {previous!r} and {label!r}"
            )
    table: list[list[Label | None]] = [[None] * len(coder_index) for _ in unit_index]
    for (u, c), label in cells.items():
        table[u][c] = label
    return list(unit_index), list(coder_index), table


def categories(data: Table | Tally) -> list[Label]:
    """The labels that occur in the table, sorted when they are mutually comparable."""
    seen: set[Label] = set()
    for row in tally(data).patterns:
        seen.update(v for v in row if v is not None)
    return sort_labels(seen)


def sort_labels(labels: Iterable[Label]) -> list[Label]:
    """Sort labels naturally, falling back to (type name, repr) for mixed types."""
    items = list(labels)
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=lambda v: (type(v).__name__, repr(v)))


# Distances -----------------------------------------------------------------------------


def nominal_distance(a: Label, b: Label) -> float:
    """0 for equal labels, 1 otherwise."""
    return 0.0 if a == b else 1.0


def interval_distance(a: float, b: float) -> float:
    """Squared difference, Krippendorff's interval metric."""
    return float((a - b) ** 2)


def ratio_distance(a: float, b: float) -> float:
    """Krippendorff's ratio metric ((a - b) / (a + b))^2, 0 when both are 0."""
    total = a + b
    return 0.0 if total == 0 else float(((a - b) / total) ** 2)


def jaccard_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """1 - |a & b| / |a | b| for set-valued labels; two empty sets are identical (0)."""
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


def masi_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """MASI distance (Passonneau 2006) as NLTK computes it: 1 - Jaccard x monotonicity.

    Monotonicity is 1 for identical sets, 2/3 when one set contains the other, 1/3 when they
    overlap otherwise, and 0 when disjoint. NLTK divides by zero for two empty sets; here two
    empty sets are identical and their distance is 0.
    """
    common = len(a & b)
    union = len(a | b)
    if union == 0:
        return 0.0
    if len(a) == len(b) == common:
        monotonicity = 1.0
    elif common == min(len(a), len(b)):
        monotonicity = 2 / 3
    elif common > 0:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1 - common / union * monotonicity


# Krippendorff's alpha ------------------------------------------------------------------


def coincidences(data: Table | Tally) -> dict[tuple[Label, Label], float]:
    """Krippendorff's coincidence matrix o[c, k] over pairable values, as a sparse dict."""
    matrix: dict[tuple[Label, Label], float] = defaultdict(float)
    for row, units in tally(data).patterns.items():
        values = [v for v in row if v is not None]
        m = len(values)
        if m < 2:
            continue
        weight = units / (m - 1)
        if m == 2:
            a, b = values
            matrix[a, b] += weight
            matrix[b, a] += weight
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[c, k] += weight * pairs
    return dict(matrix)


def krippendorff_alpha(
    data: Table | Tally,
    level: Level = "nominal",
    *,
    ordered_categories: Sequence[Label] | None = None,
) -> Score:
    """Krippendorff's alpha over all pairable values, missing ratings allowed.

    ``level`` is "nominal", "ordinal", "interval", "ratio" or any distance function of two
    labels (for example :func:`masi_distance` for sets of tags). The ordinal metric ranks
    labels by ``ordered_categories`` when given, else by their natural order. Alpha is
    undefined (``None``) when no unit has two ratings, when only one value occurs among the
    pairable values, or when the distance puts no disagreement between any occurring values.
    """
    o = coincidences(data)
    if not o:
        return Score(None, "no unit has ratings from two or more coders (no pairable values)")
    marginals: dict[Label, float] = defaultdict(float)
    for (c, _k), weight in o.items():
        marginals[c] += weight
    n = sum(marginals.values())
    if len(marginals) < 2:
        return Score(None, "only one value occurs among the pairable values, so alpha is undefined")
    if level == "nominal":
        observed = n - sum(w for (c, k), w in o.items() if c == k)
        expected = (n * n - sum(n_c * n_c for n_c in marginals.values())) / (n - 1)
    elif level == "interval":
        observed, expected = _interval_disagreements(o, marginals, n)
    else:
        distance = _distance_for(level, marginals, ordered_categories)
        cache: dict[tuple[Label, Label], float] = {}
        observed = 0.0
        for pair, weight in o.items():
            observed += weight * _cached(distance, pair, cache)
        labels = list(marginals)
        expected = 0.0
        for i, c in enumerate(labels):
            for k in labels[i + 1 :]:
                expected += 2 * marginals[c] * marginals[k] * _cached(distance, (c, k), cache)
        expected /= n - 1
    if expected <= 0:
        return Score(None, "the distance puts no disagreement between the occurring values")
    return Score(1.0 - observed / expected)


def _cached(
    distance: Distance, pair: tuple[Label, Label], cache: dict[tuple[Label, Label], float]
) -> float:
    found = cache.get(pair)
    if found is None:
        found = cache[pair] = float(distance(*pair))
    return found


def _number(value: Label) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"interval and ratio levels need numeric labels, got {value!r}")
    return float(value)


def _interval_disagreements(
    o: Mapping[tuple[Label, Label], float], marginals: Mapping[Label, float], n: float
) -> tuple[float, float]:
    """Observed and expected disagreement for the interval metric in O(values)."""
    numbers = {label: _number(label) for label in marginals}
    mean = sum(numbers[c] * n_c for c, n_c in marginals.items()) / n
    spread = sum(n_c * (numbers[c] - mean) ** 2 for c, n_c in marginals.items())
    observed = sum(w * (numbers[c] - numbers[k]) ** 2 for (c, k), w in o.items() if c != k)
    return observed, 2 * n * spread / (n - 1)


def _distance_for(
    level: Level, marginals: Mapping[Label, float], ordered_categories: Sequence[Label] | None
) -> Distance:
    if callable(level):
        return level
    if level == "ratio":
        return lambda a, b: ratio_distance(_number(a), _number(b))
    if level == "ordinal":
        return _ordinal_distance(marginals, ordered_categories)
    raise ValueError(f"unknown level of measurement {level!r}")


def _ordinal_distance(
    marginals: Mapping[Label, float], ordered_categories: Sequence[Label] | None
) -> Distance:
    """Krippendorff's ordinal metric, built from the pairable-value frequencies."""
    rank = _ranks(set(marginals), ordered_categories, "ordinal labels")
    order = sorted(rank, key=rank.__getitem__)
    cumulative = [0.0]
    for label in order:
        cumulative.append(cumulative[-1] + marginals.get(label, 0.0))

    def distance(a: Label, b: Label) -> float:
        i, j = sorted((rank[a], rank[b]))
        between = cumulative[j + 1] - cumulative[i]
        return (between - (marginals[a] + marginals[b]) / 2) ** 2

    return distance


# Multi-coder coefficients (Gwet 2014 treatment of missing ratings) ---------------------


@dataclass(frozen=True, slots=True)
class _Agreement:
    """Per-category shares and observed agreement as Gwet (2014) defines them."""

    observed: float | None
    """Mean pairwise agreement over units rated by two or more coders."""
    shares: dict[Label, float]
    """Mean over units rated at least once of the share of the unit's ratings in each label."""


def _gwet_parts(t: Tally) -> _Agreement:
    agreement_sum = 0.0
    paired_units = 0
    rated_units = 0
    shares: dict[Label, float] = defaultdict(float)
    for row, units in t.patterns.items():
        values = [v for v in row if v is not None]
        r = len(values)
        if r == 0:
            continue
        rated_units += units
        counts = Counter(values)
        for label, r_k in counts.items():
            shares[label] += units * r_k / r
        if r >= 2:
            paired_units += units
            agreeing = sum(r_k * (r_k - 1) for r_k in counts.values())
            agreement_sum += units * agreeing / (r * (r - 1))
    return _Agreement(
        observed=agreement_sum / paired_units if paired_units else None,
        shares={label: s / rated_units for label, s in shares.items()},
    )


_NO_PAIRS = "no unit has ratings from two or more coders"
_ONE_CATEGORY = (
    "only one category occurs, so chance agreement is 1 and the coefficient is undefined"
)


def percent_agreement(data: Table | Tally) -> Score:
    """Share of agreeing coder pairs per unit, averaged over units with two or more ratings.

    With two coders this is the share of jointly rated units on which they agree.
    """
    observed = _gwet_parts(tally(data)).observed
    return Score(None, _NO_PAIRS) if observed is None else Score(observed)


def fleiss_kappa(data: Table | Tally) -> Score:
    """Fleiss' kappa; with missing ratings, Gwet's (2014) generalisation (as irrCAC does)."""
    parts = _gwet_parts(tally(data))
    if parts.observed is None:
        return Score(None, _NO_PAIRS)
    if len(parts.shares) < 2:
        return Score(None, _ONE_CATEGORY)
    chance = sum(p * p for p in parts.shares.values())
    return Score((parts.observed - chance) / (1 - chance))


def gwet_ac1(data: Table | Tally) -> Score:
    """Gwet's AC1 with missing ratings as in Gwet's Handbook (2014) and irrCAC.

    The number of categories is the number of labels that occur.
    """
    parts = _gwet_parts(tally(data))
    if parts.observed is None:
        return Score(None, _NO_PAIRS)
    q = len(parts.shares)
    if q < 2:
        return Score(None, _ONE_CATEGORY)
    chance = sum(p * (1 - p) for p in parts.shares.values()) / (q - 1)
    return Score((parts.observed - chance) / (1 - chance))


# Two-coder coefficients ----------------------------------------------------------------


def _pairs(t: Tally) -> Counter[tuple[Label, Label]] | Score:
    """Jointly rated (coder 1, coder 2) label pairs, or an undefined Score explaining why not."""
    if t.n_coders != 2:
        return Score(None, f"needs exactly two coders, got {t.n_coders}")
    joint: Counter[tuple[Label, Label]] = Counter()
    for (a, b), units in t.patterns.items():
        if a is not None and b is not None:
            joint[a, b] += units
    if not joint:
        return Score(None, "no unit was rated by both coders")
    return joint


def cohen_kappa(
    data: Table | Tally,
    weights: Weights = None,
    *,
    ordered_categories: Sequence[Label] | None = None,
) -> Score:
    """Cohen's kappa over the units both coders rated; optionally linear or quadratic weighted.

    Weights follow Cohen (1968) with disagreement |i - j| or (i - j)^2 between category ranks,
    ranks taken from ``ordered_categories`` or the natural order of the labels (as
    scikit-learn's ``cohen_kappa_score`` does).
    """
    joint = _pairs(tally(data))
    if isinstance(joint, Score):
        return joint
    n = sum(joint.values())
    first: Counter[Label] = Counter()
    second: Counter[Label] = Counter()
    for (a, b), units in joint.items():
        first[a] += units
        second[b] += units
    if weights is None:
        observed = sum(units for (a, b), units in joint.items() if a != b) / n
        expected = 1 - sum(first[c] * second[c] for c in first) / (n * n)
    else:
        rank = _ranks(set(first) | set(second), ordered_categories, "weighted kappa labels")
        power = 1 if weights == "linear" else 2
        observed = sum(abs(rank[a] - rank[b]) ** power * u for (a, b), u in joint.items()) / n
        expected = sum(
            abs(rank[a] - rank[b]) ** power * n_a * n_b
            for a, n_a in first.items()
            for b, n_b in second.items()
        ) / (n * n)
    if expected == 0:
        return Score(None, "both coders used one and the same category; chance agreement is 1")
    return Score(1 - observed / expected)


def _ranks(labels: set[Label], ordered_categories: Sequence[Label] | None,
           what: str) -> dict[Label, int]:
    """Each label's position: natural order, or ``ordered_categories`` (which must cover all)."""
    if ordered_categories is None:
        try:
            order: list[Label] = sorted(labels)  # type: ignore[type-var]
        except TypeError as e:
            raise ValueError(f"{what} of mixed types need ordered_categories") from e
    else:
        order = list(ordered_categories)
        unknown = labels - set(order)
        if unknown:
            raise ValueError(f"labels missing from ordered_categories: {sort_labels(unknown)}")
    return {label: i for i, label in enumerate(order)}


def scott_pi(data: Table | Tally) -> Score:
    """Scott's pi over the units both coders rated, chance from the pooled label shares."""
    joint = _pairs(tally(data))
    if isinstance(joint, Score):
        return joint
    n = sum(joint.values())
    pooled: Counter[Label] = Counter()
    for (a, b), units in joint.items():
        pooled[a] += units
        pooled[b] += units
    if len(pooled) < 2:
        return Score(None, _ONE_CATEGORY)
    observed = sum(units for (a, b), units in joint.items() if a == b) / n
    chance = sum((c / (2 * n)) ** 2 for c in pooled.values())
    return Score((observed - chance) / (1 - chance))

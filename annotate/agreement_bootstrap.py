"""Seedable percentile bootstrap over units for any coefficient of :mod:`annotate.agreement`.

Every coefficient depends on a table only through how many units show each row pattern, so
resampling n units with replacement is the same as drawing the pattern counts from a
multinomial distribution. Drawing that multinomial (as a chain of binomials) costs time in
the number of distinct patterns, not in the number of units, which keeps a 1,000-resample
interval cheap even on large tables.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from annotate.agreement import Row, Score, Table, Tally, tally

Statistic = Callable[[Tally], Score]


@dataclass(frozen=True, slots=True)
class Interval:
    """A percentile bootstrap confidence interval, or ``None`` bounds with the reason."""

    low: float | None
    """Lower bound; ``None`` when no resample gave a defined value."""
    high: float | None
    """Upper bound; ``None`` when no resample gave a defined value."""
    confidence: float
    """Nominal coverage, for example 0.95."""
    resamples: int
    """Number of resamples drawn."""
    defined: int
    """Number of resamples on which the statistic was defined (the others are left out)."""
    note: str | None = None
    """Why the bounds are missing, or how many resamples were left out."""


def bootstrap_interval(
    data: Table | Tally,
    statistic: Statistic,
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> Interval:
    """Percentile bootstrap interval of ``statistic``, resampling rated units with replacement."""
    return bootstrap_intervals(
        data, {"value": statistic}, resamples=resamples, confidence=confidence, seed=seed
    )["value"]


def bootstrap_intervals(
    data: Table | Tally,
    statistics: Mapping[str, Statistic],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> dict[str, Interval]:
    """Intervals for several statistics computed on the same resamples.

    Units without any rating carry no information and are not part of the resampled
    population. The same ``seed`` gives the same intervals on every platform and Python
    version, because the sampler uses only ``random.Random.random``.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if resamples < 1:
        raise ValueError(f"resamples must be positive, got {resamples}")
    source = tally(data)
    rated = [(row, units) for row, units in source.patterns.items() if _is_rated(row)]
    values: dict[str, list[float]] = {name: [] for name in statistics}
    total = sum(units for _, units in rated)
    if total == 0:
        note = "no unit has any rating to resample"
        return {name: Interval(None, None, confidence, resamples, 0, note) for name in statistics}
    rng = random.Random(seed)
    rows = [row for row, _ in rated]
    counts = [units for _, units in rated]
    for _ in range(resamples):
        drawn = _multinomial(rng, total, counts)
        resample = Tally(
            patterns={row: k for row, k in zip(rows, drawn, strict=True) if k},
            n_coders=source.n_coders,
        )
        for name, statistic in statistics.items():
            value = statistic(resample).value
            if value is not None:
                values[name].append(value)
    return {name: _percentile_interval(v, confidence, resamples) for name, v in values.items()}


def _is_rated(row: Row) -> bool:
    return any(v is not None for v in row)


def _percentile_interval(values: list[float], confidence: float, resamples: int) -> Interval:
    if not values:
        undefined = "the statistic was undefined on every resample"
        return Interval(None, None, confidence, resamples, 0, undefined)
    values.sort()
    tail = (1 - confidence) / 2
    low, high = _quantile(values, tail), _quantile(values, 1 - tail)
    note: str | None = None
    if len(values) < resamples:
        left_out = resamples - len(values)
        note = f"{left_out} of {resamples} resamples gave no defined value and were left out"
    return Interval(low, high, confidence, resamples, len(values), note)


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default method) of sorted values."""
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def _multinomial(rng: random.Random, n: int, weights: Sequence[int]) -> list[int]:
    """Draw category counts for n trials with probabilities proportional to ``weights``."""
    drawn = []
    remaining_trials = n
    remaining_weight = sum(weights)
    for weight in weights:
        if remaining_trials == 0 or weight == 0:
            drawn.append(0)
        elif weight >= remaining_weight:
            drawn.append(remaining_trials)
        else:
            k = binomial(rng, remaining_trials, weight / remaining_weight)
            drawn.append(k)
            remaining_trials -= k
        remaining_weight -= weight
    return drawn


def binomial(rng: random.Random, n: int, p: float) -> int:
    """Binomial(n, p) draw in O(1) expected time for large n.

    Geometric waiting times when n * p < 10 (Devroye), else Hörmann's (1993) transformed
    rejection with squeeze (BTRS); the same algorithms as ``random.binomialvariate`` of
    Python 3.12, written out so that seeded results do not depend on the Python version.
    """
    if p <= 0.0 or n == 0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - binomial(rng, n, 1.0 - p)
    if n * p < 10.0:
        successes = trials = 0
        log_q = math.log2(1.0 - p)
        if not log_q:
            return 0
        while True:
            trials += math.floor(math.log2(1.0 - rng.random()) / log_q) + 1
            if trials > n:
                return successes
            successes += 1
    spread = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spread
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spread
    log_odds = math.log(p / (1.0 - p))
    mode = math.floor((n + 1) * p)
    h = math.lgamma(mode + 1) + math.lgamma(n - mode + 1)
    while True:
        u = rng.random() - 0.5
        us = 0.5 - abs(u)
        if us == 0:
            continue
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        v = rng.random()
        if us >= 0.07 and v <= v_r:
            return k
        v *= alpha / (a / (us * us) + b)
        if (
            v > 0
            and math.log(v)
            <= h - math.lgamma(k + 1) - math.lgamma(n - k + 1) + (k - mode) * log_odds
        ):
            return k

"""Agreement coefficients against published worked examples, and their degenerate cases."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from annotate.agreement import (
    Score,
    Tally,
    categories,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    gwet_ac1,
    interval_distance,
    jaccard_distance,
    krippendorff_alpha,
    masi_distance,
    nominal_distance,
    percent_agreement,
    ratio_distance,
    reliability_table,
    scott_pi,
    tally,
)
from annotate.agreement_bootstrap import binomial, bootstrap_interval, bootstrap_intervals
from annotate.agreement_spans import confusion_matrix, span_scores

_ = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers A-D (columns) code twelve units (rows); "." in the paper is None here. The same
# data are the 4 raters x 12 subjects example of Gwet's Handbook (2014) and irrCAC's
# ``raw_4raters``.
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
        [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
        strict=True,
    )
)

# Krippendorff (2011), section A: binary data, two observers, ten units.
KRIPPENDORFF_2011_BINARY = list(
    zip([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0], strict=True)
)

# Fleiss (1971), Table 1: six psychiatrists per subject, 30 subjects, five diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other). Fleiss gives
# the counts per category; these rows list each subject's six diagnoses, as statsmodels'
# test suite (statsmodels/stats/tests/test_inter_rater.py, ``diagnoses``) does.
FLEISS_1971 = [
    (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
    (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
    (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
    (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
    (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
]  # fmt: skip


def _cohen_1960_table() -> list[tuple[str, str]]:
    """Cohen (1960), Table 1: 200 units, judges A (rows) and B (columns), three categories.

    Cell counts are the published proportions x 200: row sums .60/.30/.10, column sums
    .50/.30/.20, p_o = .70, p_c = .41, kappa = .492.
    """
    cells = {
        ("1", "1"): 88, ("1", "2"): 14, ("1", "3"): 18,
        ("2", "1"): 10, ("2", "2"): 40, ("2", "3"): 10,
        ("3", "1"): 2, ("3", "2"): 6, ("3", "3"): 12,
    }  # fmt: skip
    return [pair for pair, count in cells.items() for _ in range(count)]


class TestKrippendorffAlpha:
    """Krippendorff's alpha at every level, with missing data."""

    @pytest.mark.parametrize(
        ("level", "published"),
        [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
    )
    def test_krippendorff_2011_reliability_data_with_missing_values(
        self, level: str, published: float
    ) -> None:
        """Krippendorff (2011), section C: the 4-coder x 12-unit example gives the published
        alpha at all four levels (0.743, 0.815, 0.849, 0.797)."""
        score = krippendorff_alpha(KRIPPENDORFF_2011, level)  # type: ignore[arg-type]
        assert score.value == pytest.approx(published, abs=5e-4)
        assert score.note is None

    def test_krippendorff_2011_binary_example(self) -> None:
        """Krippendorff (2011), section A: two observers, ten binary units give alpha = 0.095."""
        assert krippendorff_alpha(KRIPPENDORFF_2011_BINARY).value == pytest.approx(0.095, abs=5e-4)

    def test_krippendorff_2011_coincidence_matrix(self) -> None:
        """Krippendorff (2011), section C: the coincidence matrix has the published cells
        (o_11 = 7, o_12 = 4/3, o_22 = 10, n_2 = 13, n_3 = 10, n = 40)."""
        o = coincidences(KRIPPENDORFF_2011)
        assert o[1, 1] == pytest.approx(7)
        assert o[1, 2] == pytest.approx(4 / 3)
        assert o[2, 2] == pytest.approx(10)
        assert sum(w for (c, _k), w in o.items() if c == 2) == pytest.approx(13)
        assert sum(w for (c, _k), w in o.items() if c == 3) == pytest.approx(10)
        assert sum(o.values()) == pytest.approx(40)

    def test_ordinal_uses_given_category_order(self) -> None:
        """Ordinal alpha ranks string labels by the given order and matches the numeric case."""
        names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
        table = [tuple(None if v is None else names[v] for v in row) for row in KRIPPENDORFF_2011]
        score = krippendorff_alpha(table, "ordinal", ordered_categories=list(names.values()))
        assert score.value == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, "ordinal").value)

    def test_custom_distance_equals_builtin_level(self) -> None:
        """A distance function gives the same alpha as the named level it reproduces."""
        as_function = krippendorff_alpha(KRIPPENDORFF_2011, interval_distance)
        assert as_function.value == pytest.approx(
            krippendorff_alpha(KRIPPENDORFF_2011, "interval").value, abs=1e-12
        )
        as_nominal = krippendorff_alpha(KRIPPENDORFF_2011, nominal_distance)
        assert as_nominal.value == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011).value)

    def test_masi_alpha_on_tag_sets(self) -> None:
        """Alpha with MASI on sets equals a hand computation from the coincidence matrix."""
        a, ab, b, empty = frozenset("A"), frozenset("AB"), frozenset("B"), frozenset()
        table = [(a, a), (ab, a), (b, b), (empty, empty), (ab, b), (empty, a)]
        # pairable values n = 12; observed sum of o*delta = 2 * (1/3 + 1/3 + 1) over 2 pairs each
        o = coincidences(table)
        n_c = Counter[object]()
        for (c, _k), w in o.items():
            n_c[c] += w
        observed = sum(w * masi_distance(c, k) for (c, k), w in o.items())  # type: ignore[arg-type]
        expected = sum(
            n_c[c] * n_c[k] * masi_distance(c, k)  # type: ignore[arg-type]
            for c in n_c
            for k in n_c
        ) / (12 - 1)
        assert krippendorff_alpha(table, masi_distance).value == pytest.approx(
            1 - observed / expected
        )

    def test_missing_rows_and_single_ratings_do_not_change_alpha(self) -> None:
        """Units with fewer than two ratings carry no pairable values and leave alpha unchanged."""
        padded = [*KRIPPENDORFF_2011, (None, None, None, None), (None, 3, None, None)]
        assert krippendorff_alpha(padded).value == pytest.approx(
            krippendorff_alpha(KRIPPENDORFF_2011).value
        )

    def test_perfect_agreement_is_one(self) -> None:
        """Coders who always agree, on at least two values, get alpha = 1 at every level."""
        table = [(1, 1, None), (2, 2, 2), (3, None, 3)]
        for level in ("nominal", "ordinal", "interval", "ratio"):
            assert krippendorff_alpha(table, level).value == pytest.approx(1.0)  # type: ignore[arg-type]

    def test_non_numeric_labels_at_interval_level_raise(self) -> None:
        """Interval alpha on text labels is a usage error, reported with the offending label."""
        with pytest.raises(ValueError, match="numeric"):
            krippendorff_alpha([("a", "b"), ("b", "b")], "interval")


class TestDegenerateCases:
    """Undefined coefficients come back as None with a reason, never an exception or NaN."""

    TABLES: ClassVar[dict[str, list[tuple[Any, ...]]]] = {
        "one category": [("x", "x"), ("x", "x"), ("x", None)],
        "single unit": [("x", "y")],
        "no pairable values": [("x", None), (None, "y")],
        "all missing": [(None, None), (None, None)],
        "empty table": [],
        "disjoint label sets": [("x", "y"), ("x", "y")],
    }
    COEFFICIENTS: ClassVar[dict[str, Callable[[Any], Score]]] = {
        "alpha": krippendorff_alpha,
        "alpha-interval": lambda t: krippendorff_alpha(t, "interval"),
        "alpha-masi": lambda t: krippendorff_alpha(t, masi_distance),
        "percent": percent_agreement,
        "fleiss": fleiss_kappa,
        "ac1": gwet_ac1,
        "cohen": cohen_kappa,
        "cohen-linear": lambda t: cohen_kappa(t, "linear"),
        "scott": scott_pi,
    }

    @pytest.mark.parametrize("table_name", list(TABLES))
    @pytest.mark.parametrize("coefficient_name", list(COEFFICIENTS))
    def test_degenerate_table_gives_number_or_reason(
        self, table_name: str, coefficient_name: str
    ) -> None:
        """Every coefficient returns a finite number or None with a note on degenerate data."""
        table = self.TABLES[table_name]
        if coefficient_name in ("alpha-interval",):
            table = [tuple(None if v is None else ord(v) for v in row) for row in table]
        if coefficient_name == "alpha-masi":
            table = [tuple(None if v is None else frozenset(v) for v in row) for row in table]
        score = self.COEFFICIENTS[coefficient_name](table)
        assert isinstance(score, Score)
        if score.value is None:
            assert score.note
        else:
            assert math.isfinite(score.value)

    def test_one_category_is_undefined_with_reason(self) -> None:
        """With a single category all chance-corrected coefficients are None and say why."""
        table = self.TABLES["one category"]
        for score in (krippendorff_alpha(table), fleiss_kappa(table), gwet_ac1(table)):
            assert score.value is None
            assert "one" in (score.note or "")
        assert cohen_kappa(table).value is None
        assert percent_agreement(table).value == 1.0

    def test_no_pairable_values_explained(self) -> None:
        """Without a unit rated twice, alpha and percent agreement explain the missing pairs."""
        table = self.TABLES["no pairable values"]
        assert "pairable" in (krippendorff_alpha(table).note or "")
        assert percent_agreement(table).value is None
        assert cohen_kappa(table).note == "no unit was rated by both coders"

    def test_disjoint_label_sets_are_defined(self) -> None:
        """Coders who never use the same label get kappa 0 and alpha below 0, not an error."""
        table = self.TABLES["disjoint label sets"]
        assert cohen_kappa(table).value == 0.0
        assert krippendorff_alpha(table).value == pytest.approx(-0.5)
        assert percent_agreement(table).value == 0.0

    def test_single_unit_alpha_is_defined_when_values_differ(self) -> None:
        """One unit with two different values still defines alpha: D_o = D_e, so alpha = 0."""
        assert krippendorff_alpha([("x", "y")]).value == pytest.approx(0.0)

    def test_zero_distance_function_is_undefined(self) -> None:
        """A distance that never separates values leaves expected disagreement 0: None."""
        score = krippendorff_alpha([("x", "y"), ("y", "y")], lambda a, b: 0.0)
        assert score.value is None
        assert "no disagreement" in (score.note or "")

    def test_cohen_needs_two_coders(self) -> None:
        """Cohen's kappa and Scott's pi on three coders are undefined with a reason."""
        assert cohen_kappa([(1, 2, 3)]).note == "needs exactly two coders, got 3"
        assert scott_pi([(1, 2, 3)]).value is None

    def test_score_rejects_nan_and_silent_none(self) -> None:
        """A Score can hold neither NaN nor None without a note."""
        with pytest.raises(ValueError):
            Score(float("nan"))
        with pytest.raises(ValueError):
            Score(None)


class TestFleissKappa:
    """Fleiss' kappa, classic and with missing ratings."""

    def test_fleiss_1971_psychiatric_diagnoses(self) -> None:
        """Fleiss (1971), Table 1: 30 subjects x 6 raters give kappa = 0.430."""
        assert fleiss_kappa(FLEISS_1971).value == pytest.approx(0.4302445, abs=1e-7)

    def test_gwet_2014_missing_ratings(self) -> None:
        """Gwet (2014), Handbook, 4 raters x 12 subjects with missing ratings: Fleiss' kappa
        0.76117, p_a 0.81818 (the values irrCAC documents for ``raw_4raters``)."""
        assert fleiss_kappa(KRIPPENDORFF_2011).value == pytest.approx(0.76117, abs=5e-6)
        assert percent_agreement(KRIPPENDORFF_2011).value == pytest.approx(0.81818, abs=5e-6)


class TestGwetAC1:
    """Gwet's AC1."""

    def test_gwet_2014_handbook_example(self) -> None:
        """Gwet (2014), Handbook of Inter-Rater Reliability, 4 raters x 12 subjects with
        missing ratings: AC1 = 0.77544 (p_a = 0.81818, p_e = 0.19032)."""
        assert gwet_ac1(KRIPPENDORFF_2011).value == pytest.approx(0.77544, abs=5e-6)

    def test_ac1_stays_high_when_a_tag_is_rare(self) -> None:
        """Gwet (2008): with a rare category and high agreement, AC1 stays high where kappa
        collapses (the kappa paradox)."""
        table = [(0, 0)] * 95 + [(1, 0)] * 3 + [(0, 1)] * 2
        assert cohen_kappa(table).value is not None
        assert cohen_kappa(table).value < 0  # type: ignore[operator]
        assert gwet_ac1(table).value == pytest.approx(0.9473, abs=1e-3)


class TestCohenKappa:
    """Cohen's kappa, unweighted and weighted, and Scott's pi."""

    def test_cohen_1960_table_1(self) -> None:
        """Cohen (1960), Table 1: p_o = .70, p_c = .41, kappa = .492."""
        table = _cohen_1960_table()
        assert percent_agreement(table).value == pytest.approx(0.70)
        assert cohen_kappa(table).value == pytest.approx(0.29 / 0.59)
        assert round(cohen_kappa(table).value or 0, 3) == 0.492

    def test_units_one_coder_missed_are_left_out(self) -> None:
        """Only units both coders rated count for kappa."""
        table = [*_cohen_1960_table(), ("1", None), (None, "3")]
        assert cohen_kappa(table).value == pytest.approx(0.29 / 0.59)

    def test_weighted_kappa_equals_unweighted_on_two_categories(self) -> None:
        """With two categories every weighting scheme reduces to plain kappa."""
        table = KRIPPENDORFF_2011_BINARY
        plain = cohen_kappa(table).value
        assert cohen_kappa(table, "linear").value == pytest.approx(plain)
        assert cohen_kappa(table, "quadratic").value == pytest.approx(plain)

    def test_quadratic_weights_credit_near_misses(self) -> None:
        """On an ordinal scale, near misses raise quadratic kappa above linear above plain."""
        table = [(1, 2), (2, 3), (3, 3), (4, 4), (5, 4), (1, 1), (5, 5), (2, 2)]
        plain, linear, quadratic = (
            cohen_kappa(table, w).value  # type: ignore[arg-type]
            for w in (None, "linear", "quadratic")
        )
        assert plain is not None and linear is not None and quadratic is not None
        assert plain < linear < quadratic

    def test_scott_pi_and_alpha_relation_krippendorff_2011(self) -> None:
        """Krippendorff (2011), section A: for two coders without missing data
        alpha = 1 - (2n - 1) / (2n) * (1 - pi); pi = 0.048 on the binary example."""
        pi = scott_pi(KRIPPENDORFF_2011_BINARY).value
        assert pi == pytest.approx(1 / 21)
        alpha = krippendorff_alpha(KRIPPENDORFF_2011_BINARY).value
        assert alpha == pytest.approx(1 - 19 / 20 * (1 - pi))


class TestDistances:
    """Set and numeric distance functions."""

    @pytest.mark.parametrize(
        ("a", "b", "distance"),
        [
            ({"A", "B"}, {"A", "B"}, 0.0),  # identity: M = 1, J = 1
            ({"A"}, {"A", "B"}, 1 - 1 / 2 * 2 / 3),  # subset: M = 2/3, J = 1/2
            ({"A", "B"}, {"B", "C"}, 1 - 1 / 3 * 1 / 3),  # overlap: M = 1/3, J = 1/3
            ({"A"}, {"B"}, 1.0),  # disjoint: M = 0
            ({1, 2}, {1, 2, 3, 4}, 1 - 2 / 4 * 2 / 3),  # NLTK's doctest
        ],
    )
    def test_masi_passonneau_2006(self, a: set[str], b: set[str], distance: float) -> None:
        """Passonneau (2006): MASI = 1 - J x M with monotonicity 1, 2/3, 1/3, 0."""
        assert masi_distance(a, b) == pytest.approx(distance)
        assert masi_distance(b, a) == pytest.approx(distance)

    def test_empty_sets(self) -> None:
        """Two empty sets are identical (0); an empty and a non-empty set are disjoint (1)."""
        assert masi_distance(set(), set()) == 0.0
        assert jaccard_distance(frozenset(), frozenset()) == 0.0
        assert masi_distance(set(), {"A"}) == 1.0
        assert jaccard_distance({"A", "B"}, {"B", "C"}) == pytest.approx(2 / 3)

    def test_ratio_distance_at_zero(self) -> None:
        """The ratio metric is 0 for 0 vs 0 instead of dividing by zero."""
        assert ratio_distance(0, 0) == 0.0
        assert ratio_distance(1, 3) == pytest.approx(0.25)


class TestTally:
    """Reliability tables, tallies and category lists."""

    def test_reliability_table_from_triples(self) -> None:
        """Triples become a units x coders table with None where a coder gave no rating."""
        units, coders, table = reliability_table(
            [("u1", "ann", "x"), ("u2", "bob", "y"), ("u1", "bob", "x")]
        )
        assert units == ["u1", "u2"]
        assert coders == ["ann", "bob"]
        assert table == [["x", "x"], [None, "y"]]

    def test_conflicting_duplicate_rating_raises(self) -> None:
        """A coder rating one unit twice with different labels is rejected by name."""
        with pytest.raises(ValueError, match="rated unit 'u1' twice"):
            reliability_table([("u1", "ann", "x"), ("u1", "ann", "y")])

    def test_ragged_rows_raise(self) -> None:
        """Rows of different widths are a usage error."""
        with pytest.raises(ValueError, match="same number of coders"):
            tally([(1, 2), (1,)])

    def test_tally_counts_patterns_and_categories_sorted(self) -> None:
        """Identical rows are counted once with their multiplicity; categories come sorted."""
        t = tally([(2, 1), (2, 1), (None, 3)])
        assert t == Tally({(2, 1): 2, (None, 3): 1}, 2)
        assert t.n_units == 3
        assert categories(t) == [1, 2, 3]
        assert categories([("b", 1)]) == [1, "b"]


class TestBootstrap:
    """Percentile bootstrap over units."""

    def test_same_seed_same_interval(self) -> None:
        """Seeded intervals are reproducible and differ across seeds."""
        first = bootstrap_interval(KRIPPENDORFF_2011, krippendorff_alpha, seed=7)
        again = bootstrap_interval(KRIPPENDORFF_2011, krippendorff_alpha, seed=7)
        other = bootstrap_interval(KRIPPENDORFF_2011, krippendorff_alpha, seed=8)
        assert first == again
        assert first != other

    def test_interval_brackets_estimate(self) -> None:
        """On a sizeable table the 95% interval contains the point estimate and is narrow."""
        rng = random.Random(1)
        table = [(v, v if rng.random() < 0.8 else rng.randint(1, 4)) for v in range(1, 5)] * 100
        estimate = cohen_kappa(table).value
        interval = bootstrap_interval(table, cohen_kappa, resamples=500)
        assert interval.low is not None and interval.high is not None and estimate is not None
        assert interval.low <= estimate <= interval.high
        assert interval.high - interval.low < 0.2
        assert interval.defined == 500

    def test_shared_resamples_for_several_statistics(self) -> None:
        """Several statistics can be bootstrapped on the same resamples in one call."""
        intervals = bootstrap_intervals(
            KRIPPENDORFF_2011, {"alpha": krippendorff_alpha, "ac1": gwet_ac1}, resamples=200
        )
        assert set(intervals) == {"alpha", "ac1"}
        assert all(i.resamples == 200 for i in intervals.values())

    def test_undefined_resamples_are_counted(self) -> None:
        """Resamples where the statistic is undefined are left out and reported in the note."""
        table = [("x", "x")] * 20 + [("y", "y")]
        interval = bootstrap_interval(table, krippendorff_alpha, resamples=300, seed=3)
        assert 0 < interval.defined < 300
        assert interval.note and "left out" in interval.note

    def test_nothing_to_resample(self) -> None:
        """An all-missing table gives an interval without bounds and a reason."""
        interval = bootstrap_interval([(None, None)], krippendorff_alpha)
        assert interval.low is None and interval.high is None
        assert interval.note == "no unit has any rating to resample"

    @pytest.mark.parametrize(("n", "p"), [(30, 0.1), (1000, 0.3), (5000, 0.8), (200, 0.5)])
    def test_binomial_sampler_moments(self, n: int, p: float) -> None:
        """The binomial sampler's mean and variance match n*p and n*p*(1-p) within noise."""
        rng = random.Random(42)
        draws = [binomial(rng, n, p) for _ in range(4000)]
        mean = sum(draws) / len(draws)
        variance = sum((d - mean) ** 2 for d in draws) / (len(draws) - 1)
        assert all(0 <= d <= n for d in draws)
        assert mean == pytest.approx(n * p, rel=0.02, abs=0.05)
        assert variance == pytest.approx(n * p * (1 - p), rel=0.1)


class TestSpanScores:
    """Span precision, recall and F1."""

    def test_exact_and_overlap_matching(self) -> None:
        """Exact matching needs identical offsets; overlap needs one shared offset."""
        reference = [("doc", 0, 10), ("doc", 20, 30), ("doc", 40, 50)]
        candidate = [("doc", 0, 10), ("doc", 25, 35), ("doc", 60, 70), ("other", 0, 10)]
        exact = span_scores(reference, candidate, "exact")
        assert (exact.precision.value, exact.recall.value) == (1 / 4, 1 / 3)
        assert exact.f1.value == pytest.approx(2 / 7)
        overlap = span_scores(reference, candidate, "overlap")
        assert (overlap.precision.value, overlap.recall.value) == (2 / 4, 2 / 3)

    def test_touching_spans_do_not_overlap(self) -> None:
        """Half-open spans that only touch share no offset."""
        scores = span_scores([("d", 0, 5)], [("d", 5, 8)], "overlap")
        assert scores.matched_candidate == 0

    def test_empty_sides(self) -> None:
        """No spans on one side gives F1 0 with a note; none at all leaves F1 undefined."""
        one_sided = span_scores([("d", 0, 5)], [])
        assert one_sided.precision.value is None and one_sided.recall.value == 0.0
        assert one_sided.f1.value == 0.0
        assert span_scores([], [], "overlap").f1.value is None

    def test_overlap_matches_brute_force(self) -> None:
        """The merged-run search counts the same overlaps as checking every pair."""
        rng = random.Random(5)
        for _ in range(200):
            starts_a, starts_b = rng.sample(range(80), 8), rng.sample(range(80), 6)
            spans_a = [(rng.choice("ab"), s, s + rng.randint(1, 9)) for s in starts_a]
            spans_b = [(rng.choice("ab"), s, s + rng.randint(1, 9)) for s in starts_b]
            brute = sum(
                any(k == k2 and s < e2 and s2 < e for k2, s2, e2 in spans_b) for k, s, e in spans_a
            )
            assert span_scores(spans_a, spans_b, "overlap").matched_reference == brute


class TestConfusionMatrix:
    """Confusion matrix of two coders."""

    def test_counts_jointly_rated_units(self) -> None:
        """Rows are coder 1, columns coder 2; units either coder missed are left out."""
        matrix = confusion_matrix([("a", "a"), ("a", "b"), ("b", "b"), ("b", None)])
        assert matrix.labels == ("a", "b")
        assert matrix.counts == ((1, 1), (0, 1))
        assert matrix.total == 3

    def test_fixed_label_order_includes_unused(self) -> None:
        """A given label order is kept and may include labels nobody used."""
        matrix = confusion_matrix([("a", "a")], labels=["z", "a"])
        assert matrix.counts == ((0, 0), (0, 1))

    def test_cohen_1960_diagonal(self) -> None:
        """Cohen (1960), Table 1: the diagonal holds the 88 + 40 + 12 agreements."""
        matrix = confusion_matrix(_cohen_1960_table())
        assert [matrix.counts[i][i] for i in range(3)] == [88, 40, 12]
        assert matrix.labels == ("1", "2", "3")

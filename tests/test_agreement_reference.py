"""Agreement coefficients against reference implementations on random data with missing values.

Each test draws at least 100 random tables (seeded, so failures reproduce) and requires our
value to equal the reference package's to 1e-9. The reference packages are test-only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from annotate.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
)

np = pytest.importorskip("numpy")

DATASETS = 120
TOLERANCE = 1e-9

LEVEL_SEEDS = {"nominal": 1, "ordinal": 2, "interval": 3, "ratio": 4}

Table = list[tuple[int | None, ...]]


def random_tables(
    seed: int, *, missing: bool = True, coders: tuple[int, int] = (2, 6)
) -> Iterator[Table]:
    """Random reliability tables on small integer scales, most with missing ratings.

    Tables where alpha is undefined (fewer than two pairable values) are skipped, so every
    yielded table has a defined value for each coefficient.
    """
    rng = random.Random(seed)
    produced = 0
    while produced < DATASETS:
        n_coders = rng.randint(*coders)
        n_units = rng.randint(3, 60)
        scale = rng.randint(2, 6)
        share_missing = rng.choice([0.1, 0.25, 0.4]) if missing else 0.0
        agreement = rng.random()
        table: Table = []
        for _ in range(n_units):
            truth = rng.randint(1, scale)
            table.append(
                tuple(
                    None
                    if rng.random() < share_missing
                    else (truth if rng.random() < agreement else rng.randint(1, scale))
                    for _ in range(n_coders)
                )
            )
        if krippendorff_alpha(table).value is None:
            continue
        produced += 1
        yield table


def as_array(table: Table) -> object:
    """Coders x units float array with NaN for missing, as `krippendorff` expects."""
    return np.array([[np.nan if v is None else v for v in row] for row in table], dtype=float).T


class TestAgainstKrippendorffPackage:
    """Alpha versus the `krippendorff` package (pln-fing-udelar/fast-krippendorff)."""

    @pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
    def test_alpha_equals_package_on_random_tables(self, level: str) -> None:
        """Alpha equals krippendorff.alpha to 1e-9 on 120 random tables with missing values."""
        krippendorff = pytest.importorskip("krippendorff")
        for table in random_tables(seed=LEVEL_SEEDS[level]):
            ours = krippendorff_alpha(table, level).value  # type: ignore[arg-type]
            theirs = krippendorff.alpha(as_array(table), level_of_measurement=level)
            assert ours == pytest.approx(float(theirs), abs=TOLERANCE), table


class TestAgainstScikitLearn:
    """Cohen's kappa versus scikit-learn's cohen_kappa_score on jointly rated units."""

    @pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
    def test_kappa_equals_sklearn_on_random_tables(self, weights: str | None) -> None:
        """Kappa (plain, linear, quadratic) equals sklearn's to 1e-9 on 120 random two-coder
        tables with missing values; sklearn gets only the units both coders rated."""
        metrics = pytest.importorskip("sklearn.metrics")
        checked = 0
        for table in random_tables(seed=11, coders=(2, 2)):
            joint = [(a, b) for a, b in table if a is not None and b is not None]
            ours = cohen_kappa(table, weights)  # type: ignore[arg-type]
            if ours.value is None:
                continue
            first, second = zip(*joint, strict=True)
            theirs = metrics.cohen_kappa_score(first, second, weights=weights)
            assert ours.value == pytest.approx(float(theirs), abs=TOLERANCE), table
            checked += 1
        assert checked >= 100


class TestAgainstStatsmodels:
    """Fleiss' kappa versus statsmodels, which requires complete data."""

    def test_fleiss_equals_statsmodels_on_complete_tables(self) -> None:
        """Fleiss' kappa equals statsmodels' fleiss_kappa to 1e-9 on 120 complete tables."""
        inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
        for table in random_tables(seed=23, missing=False):
            counts, _ = inter_rater.aggregate_raters(np.array(table))
            theirs = inter_rater.fleiss_kappa(counts)
            assert fleiss_kappa(table).value == pytest.approx(float(theirs), abs=TOLERANCE)


class TestAgainstNltk:
    """Alpha versus nltk.metrics.agreement.AnnotationTask, including MASI on tag sets."""

    def test_nominal_alpha_equals_nltk(self) -> None:
        """Nominal alpha equals NLTK's AnnotationTask.alpha to 1e-9 on 120 random tables."""
        agreement = pytest.importorskip("nltk.metrics.agreement")
        for table in random_tables(seed=31):
            triples = [
                (f"c{c}", f"u{u}", label)
                for u, row in enumerate(table)
                for c, label in enumerate(row)
                if label is not None
            ]
            theirs = agreement.AnnotationTask(data=triples).alpha()
            ours = krippendorff_alpha(table).value
            assert ours == pytest.approx(theirs, abs=TOLERANCE)

    def test_masi_alpha_equals_nltk_on_tag_sets(self) -> None:
        """MASI alpha on random sets of tags equals NLTK's alpha with masi_distance to 1e-9."""
        agreement = pytest.importorskip("nltk.metrics.agreement")
        distance = pytest.importorskip("nltk.metrics.distance")
        rng = random.Random(37)
        tags = "ABCD"
        checked = 0
        while checked < DATASETS:
            n_coders = rng.randint(2, 5)
            table = [
                tuple(
                    None
                    if rng.random() < 0.2
                    else frozenset(t for t in tags if rng.random() < 0.35) or frozenset("A")
                    for _ in range(n_coders)
                )
                for _ in range(rng.randint(3, 40))
            ]
            ours = krippendorff_alpha(table, masi_distance)
            if ours.value is None:
                continue
            triples = [
                (f"c{c}", f"u{u}", label)
                for u, row in enumerate(table)
                for c, label in enumerate(row)
                if label is not None
            ]
            task = agreement.AnnotationTask(data=triples, distance=distance.masi_distance)
            assert ours.value == pytest.approx(task.alpha(), abs=TOLERANCE)
            assert masi_distance(frozenset("AB"), frozenset("BC")) == distance.masi_distance(
                frozenset("AB"), frozenset("BC")
            )
            checked += 1


class TestAgainstIrrCAC:
    """Gwet's AC1, Fleiss' kappa and percent agreement with missing ratings versus irrCAC."""

    # by message: pandas 3 no longer has SettingWithCopyWarning, and naming a category that
    # does not exist fails the whole run at collection
    @pytest.mark.filterwarnings("ignore:(?s).*A value is trying to be set on a copy")
    def test_gwet_and_fleiss_equal_irrcac_on_random_tables(self) -> None:
        """AC1, Fleiss' kappa and p_a equal irrCAC's unrounded values to 1e-9 on 120 random
        tables with missing ratings (Gwet 2014's treatment of missing data)."""
        raw = pytest.importorskip("irrCAC.raw")
        pd = pytest.importorskip("pandas")
        for table in random_tables(seed=41):
            frame = pd.DataFrame([[np.nan if v is None else v for v in row] for row in table])
            cac = raw.CAC(frame, digits=15)
            ac1 = cac.gwet()["est"]
            assert gwet_ac1(table).value == pytest.approx(ac1["coefficient_value"], abs=1e-9)
            assert percent_agreement(table).value == pytest.approx(ac1["pa"], abs=1e-9)
            fleiss = cac.fleiss()["est"]
            assert fleiss_kappa(table).value == pytest.approx(fleiss["coefficient_value"], abs=1e-9)

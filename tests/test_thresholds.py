"""Checking agreement figures against a minimum alpha (``--fail-below``)."""

from __future__ import annotations

from annotate.agreement import Score
from annotate.thresholds import check_alphas


def test_values_at_the_minimum_pass() -> None:
    """An alpha equal to the minimum passes; one just below fails and is named."""
    check = check_alphas([("figure", Score(0.667)), ("quote", Score(0.6669))], 0.667)
    assert check.failed
    assert check.below == (("quote", 0.6669),)
    assert check.messages()[0] == "Krippendorff's alpha is below 0.667 for quote (0.667)"


def test_undefined_alphas_are_listed_not_counted() -> None:
    """An undefined alpha neither passes nor fails, and its reason is shown."""
    check = check_alphas([("figure", Score(0.9)), ("quote", Score(None, "only one category"))],
                         0.8)
    assert not check.failed and check.checked == 1
    assert check.messages() == [
        "Krippendorff's alpha is at least 0.8 for the one figure checked",
        "not checked, alpha undefined for quote: only one category",
    ]


def test_nothing_defined_fails() -> None:
    """If no alpha could be computed, nothing showed agreement: the check fails."""
    check = check_alphas([("quote", Score(None, "no units"))], 0.5)
    assert check.failed and check.checked == 0
    assert "no Krippendorff's alpha could be computed" in check.messages()[0]


def test_negative_alphas() -> None:
    """Alpha below zero (systematic disagreement) is compared like any other value."""
    assert check_alphas([("figure", Score(-0.2))], -0.1).below == (("figure", -0.2),)
    assert not check_alphas([("figure", Score(-0.2))], -0.5).failed

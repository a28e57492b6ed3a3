"""``--fail-below``: does every agreement figure a report checks reach a minimum?

A team that gates its work on agreement (a class, a fact-checking desk running ``annotate
agreement`` in CI) asks for a minimum Krippendorff's alpha, e.g. 0.667, the level below which
Krippendorff (2004) advises against drawing even tentative conclusions. An alpha the data do
not define (a tag nobody used, no shared units) is listed but neither passes nor fails; if no
alpha at all could be computed, the check fails, since nothing showed agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotate.agreement import Score


@dataclass(frozen=True)
class ThresholdCheck:
    """The outcome of checking named alphas against a minimum."""

    minimum: float
    below: tuple[tuple[str, float], ...]
    """Figures under the minimum, with their values."""
    undefined: tuple[tuple[str, str], ...]
    """Figures the data do not define, with the reason."""
    checked: int
    """How many figures had a value."""

    @property
    def failed(self) -> bool:
        """True when a figure is below the minimum or none could be checked."""
        return bool(self.below) or self.checked == 0

    def messages(self) -> list[str]:
        """What to tell the user, one line each: the verdict first."""
        lines: list[str] = []
        if self.below:
            shown = ", ".join(f"{name} ({value:.3f})" for name, value in self.below)
            lines.append(f"Krippendorff's alpha is below {self.minimum:g} for {shown}")
        elif self.checked == 0:
            lines.append(f"no Krippendorff's alpha could be computed, so none reaches "
                         f"{self.minimum:g}")
        else:
            checked = ("the one figure" if self.checked == 1
                       else f"all {self.checked} figures")
            lines.append(f"Krippendorff's alpha is at least {self.minimum:g} for {checked} "
                         "checked")
        lines.extend(f"not checked, alpha undefined for {name}: {reason}"
                     for name, reason in self.undefined)
        return lines


def check_alphas(named: Sequence[tuple[str, Score]], minimum: float) -> ThresholdCheck:
    """Check each named alpha against ``minimum`` (values equal to it pass)."""
    below = tuple((name, score.value) for name, score in named
                  if score.value is not None and score.value < minimum)
    undefined = tuple((name, score.note or "undefined") for name, score in named
                      if score.value is None)
    return ThresholdCheck(minimum=minimum, below=below, undefined=undefined,
                          checked=sum(score.value is not None for _, score in named))

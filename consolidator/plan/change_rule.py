"""The change check of a measure's value: is it far from last year's actual or from the target?

One rule, used by both sides so they cannot disagree: the template writers draw it as the
conditional format that colours the 増減の理由 cell (its condition written with this rule's
numbers), and the validation reports it (``value-tenfold``, ``value-far-from-target``, or
``value-change-explained`` when the department explained it).

- A value v > 0 is *far* from a reference r > 0 when v ≥ r × factor or v × factor ≤ r. The
  factor is the measure's ``change_factor`` in the catalog (増減確認の倍率), else
  :data:`DEFAULT_CHANGE_FACTOR` (ten-fold or a tenth). A value of 0 is left to the zero rule
  (``value-zero-was-nonzero``).
- The reference is last year's actual (the value the catalog carries for the year before the
  report year), both ways. Without one (a new measure, a year that gave a reason instead of a
  value, or 0), it is the measure's numeric target (its ``value``, whatever its year: ten times a
  target, or a tenth of it, is as likely a slip of a digit or a unit — a rate typed 0.5 for
  50 % — as a result, and a true one is worth a sentence in the report), the way the target
  does not already ask for: for a target of at least (以上) only a tenth of it, for one of at
  most (以下, 未満) only ten times it, else both. With last year's actual the target is not a
  reference: a value like last year's is not news, however far from the target (各事業年1回
  counted as 12回 every year), and how far a value is behind its target is what the master's
  achievement (達成率, 判定) shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from consolidator.japanese_values import AT_LEAST, AT_MOST, BELOW
from consolidator.plan.catalog import MeasureView

DEFAULT_CHANGE_FACTOR = 10
Basis = Literal["previous", "target"]


@dataclass(frozen=True)
class Check:
    """One reference: far when value ≥ reference × factor (``high``) or value × factor ≤
    reference (``low``)."""

    basis: Basis
    reference: float
    high: bool = True
    low: bool = True


@dataclass(frozen=True)
class ChangeRule:
    """The references a measure's value is compared with, and the factor."""

    factor: float
    previous: float | None = None  # last year's actual (a number > 0), if any
    previous_text: str = ""  # as the report wrote it (登録者累計111人)
    target: float | None = None  # the numeric target (> 0), if any
    qualifier: str | None = None  # the target's (以上, 以下 …)

    @property
    def checks(self) -> list[Check]:
        """The reference: last year's actual, else the target (none when neither)."""
        out: list[Check] = []
        if self.previous is not None:
            out.append(Check("previous", self.previous))
        elif self.target is not None:
            out.append(Check("target", self.target, high=self.qualifier != AT_LEAST,
                             low=self.qualifier not in (AT_MOST, BELOW)))
        return out

    def far_from(self, value: float) -> tuple[Basis, float] | None:
        """The reference ``value`` is far from (basis, reference), or None."""
        if not value or value < 0:
            return None
        for c in self.checks:
            if (c.high and value >= c.reference * self.factor) or (
                    c.low and value * self.factor <= c.reference):
                return c.basis, c.reference
        return None


def change_rule(measure: MeasureView, year: int) -> ChangeRule:
    """The change check of ``measure``'s value reported for fiscal ``year``."""
    factor = _positive(measure.data.get("change_factor"))
    prev = measure.actual_of(year - 1) or {}
    before = _positive(prev.get("value"))
    return ChangeRule(
        factor=factor if factor is not None and factor > 1 else DEFAULT_CHANGE_FACTOR,
        previous=before, previous_text=str(prev.get("text") or "") if before else "",
        target=_positive(measure.data.get("value")), qualifier=measure.data.get("qualifier"))


def _positive(v: Any) -> float | None:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
    return v if ok else None

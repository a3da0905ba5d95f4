"""Disclosure control: every figure the commissioners' area publishes (pages, charts, CSV, API)
passes through here, so nobody can be picked out of an aggregate (docs/disclosure.md).

The rule, each part a setting (DISCLOSURE_MIN_COUNT, DISCLOSURE_ROUND_TO,
DISCLOSURE_MONEY_ROUND_PENCE):
- A count from 1 to MIN_COUNT - 1 (1 to 7 by default, NHS England's rule for published
  statistics) is shown as "fewer than 8". Zero is shown: no person is in it.
- Every other count is rounded to the nearest ROUND_TO (5), halves up. A total is rounded from
  its own true value, never summed from rounded cells, so differencing a total and its shown
  cells leaves a range several values wide, never the suppressed cell.
- Money is suppressed the same way when it belongs to 1 to MIN_COUNT - 1 people, and otherwise
  rounded to the nearest MONEY_ROUND_PENCE (£100). In a column of money with its total, a lone
  suppressed cell would be the total less the others give or take the rounding, so
  money_column suppresses the next smallest cell too (secondary suppression).
- A percentage is worked out from the rounded figures it is a share of, so it says nothing the
  figures beside it do not; it is suppressed with either of them.

Work with true numbers everywhere else (tests check views against the ledger before this
step); call these only when a figure is about to be shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from marketplace.money import format_pence


@dataclass(frozen=True)
class Figure:
    """A figure as it may be published: its rounded value, or None when suppressed."""
    value: int | None
    kind: str  # "count", "money" (pence) or "percent"
    min_count: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return f"fewer than {self.min_count}" if self.kind == "count" else "not shown"
        if self.kind == "money":
            # Rounded to whole pounds or more, so pence would only add noise.
            return format_pence(self.value)[:-3] if self.value % 100 == 0 else format_pence(
                self.value)
        if self.kind == "percent":
            return f"{self.value}%"
        return f"{self.value:,}"

    def csv(self) -> str:
        """For downloads: the same words for a suppressed cell, plain digits otherwise."""
        if self.value is None:
            return str(self)
        return f"{self.value / 100:.2f}" if self.kind == "money" else str(self.value)


@dataclass(frozen=True)
class Rule:
    min_count: int = 8
    round_to: int = 5
    money_round_pence: int = 10_000

    def count(self, true_count: int) -> Figure:
        if true_count < 0:
            raise ValueError("A count cannot be negative")
        if 0 < true_count < self.min_count:
            return Figure(None, "count", self.min_count)
        return Figure(_round_half_up(true_count, self.round_to), "count", self.min_count)

    def money(self, pence: int, people: int) -> Figure:
        """pence that belong to `people` people (a budget's holder is one person)."""
        if 0 < people < self.min_count:
            return Figure(None, "money", self.min_count)
        return Figure(_round_half_up(pence, self.money_round_pence), "money", self.min_count)

    def percent(self, part: int, whole: int) -> Figure:
        """part of whole as a percentage of their rounded values; None with either hidden."""
        shown_part, shown_whole = self.count(part), self.count(whole)
        if shown_part.suppressed or shown_whole.suppressed or not shown_whole.value:
            return Figure(None, "percent", self.min_count)
        percent = (200 * shown_part.value + shown_whole.value) // (2 * shown_whole.value)
        return Figure(min(percent, 100), "percent", self.min_count)

    def count_column(self, cells: list[int], total: int | None = None
                     ) -> tuple[list[Figure], Figure]:
        """A breakdown of counts with its total (the sum of the cells unless given). Cells
        are hidden and rounded as count() does, the total on its own; then, while what is
        shown would pin a hidden cell to one value (the total and the shown cells' rounding
        ranges can leave just one: "fewer than 8, 10, 10, total 15" is 1, 8, 8), the smallest
        shown cell is hidden too, and the total if no cell is left to hide."""
        total = sum(cells) if total is None else total
        figures = [self.count(cell) for cell in cells]
        shown_total = self.count(total)
        while not shown_total.suppressed and self._pins_a_cell(figures, shown_total):
            candidates = [i for i, figure in enumerate(figures) if figure.value]
            if not candidates:
                shown_total = Figure(None, "count", self.min_count)
                break
            smallest = min(candidates, key=lambda i: (cells[i], i))
            figures[smallest] = Figure(None, "count", self.min_count)
        return figures, shown_total

    def _range(self, figure: Figure) -> tuple[int, int]:
        """What someone who knows this rule learns of a count from how it is shown."""
        if figure.value is None:
            return 1, self.min_count - 1
        if figure.value == 0:
            return 0, 0
        half = self.round_to // 2
        return max(self.min_count, figure.value - half), figure.value + (self.round_to - 1 - half)

    def _pins_a_cell(self, figures: list[Figure], total: Figure) -> bool:
        """Whether total less the others leaves one possible value for some hidden cell.
        Conservative: every hidden cell is taken as 1 to 7 even where it was hidden only to
        protect another (a larger one), which narrows the ranges as a well-informed guesser
        might."""
        ranges = [self._range(figure) for figure in figures]
        total_low, total_high = self._range(total)
        low_sum, high_sum = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        for figure, (low, high) in zip(figures, ranges):
            if figure.value is not None:
                continue
            least = max(low, total_low - (high_sum - high))
            most = min(high, total_high - (low_sum - low))
            if least >= most:
                return True
        return False

    def money_column(self, cells: list[tuple[int, int]], total: tuple[int, int]
                     ) -> tuple[list[Figure], Figure]:
        """(pence, people) cells and their total: a lone suppressed cell takes the next
        smallest shown one with it, so the total cannot give it away."""
        figures = [self.money(pence, people) for pence, people in cells]
        shown_total = self.money(*total)
        hidden = [i for i, figure in enumerate(figures) if figure.suppressed]
        if len(hidden) == 1 and not shown_total.suppressed:
            candidates = [i for i, figure in enumerate(figures) if not figure.suppressed]
            if candidates:
                smallest = min(candidates, key=lambda i: (cells[i][0], i))
                figures[smallest] = Figure(None, "money", self.min_count)
        return figures, shown_total


def _round_half_up(value: int, step: int) -> int:
    if step <= 1:
        return value
    return (value + step // 2) // step * step if value >= 0 else -_round_half_up(-value, step)


def current_rule() -> Rule:
    config = current_app.config
    return Rule(min_count=config["DISCLOSURE_MIN_COUNT"], round_to=config["DISCLOSURE_ROUND_TO"],
                money_round_pence=config["DISCLOSURE_MONEY_ROUND_PENCE"])

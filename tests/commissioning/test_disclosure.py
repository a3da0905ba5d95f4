"""Disclosure control: small counts hidden, the rest rounded, totals rounded on their own, and
no hidden cell worked out by differencing rows, columns or two overlapping periods (checked
by trying every table of small counts that publishes the same figures)."""
from __future__ import annotations

from collections import defaultdict
from itertools import product

import pytest

from marketplace.commissioning.disclosure import Rule, current_rule

RULE = Rule()
#: Every count from 0 to 15 is tried, in every cell: far past the hidden range, so a total
#: near a rounding edge is tried too.
SMALL = range(0, 16)


def shown(count: int):
    return RULE.count(count).value


def test_counts_one_to_seven_are_hidden_and_the_rest_rounded_to_fives():
    assert [str(RULE.count(n)) for n in (0, 1, 7, 8, 12, 13, 1234)] == [
        "0", "fewer than 8", "fewer than 8", "10", "10", "15", "1,235"]
    assert RULE.count(3).csv() == "fewer than 8" and RULE.count(13).csv() == "15"
    with pytest.raises(ValueError):
        RULE.count(-1)


def test_money_of_fewer_than_eight_people_is_hidden_and_the_rest_rounded():
    assert str(RULE.money(123_456, people=7)) == "not shown"
    assert str(RULE.money(123_456, people=8)) == "£1,200"
    assert RULE.money(123_456, people=8).csv() == "1200.00"
    assert str(RULE.money(0, people=0)) == "£0"


def test_a_percentage_comes_from_the_rounded_figures_and_hides_with_them():
    assert str(RULE.percent(9, 12)) == "100%"  # 10 of 10: nothing finer than the counts
    assert str(RULE.percent(13, 22)) == "75%"  # 15 of 20
    assert RULE.percent(3, 40).suppressed and RULE.percent(30, 5).suppressed


@pytest.mark.app_config(DISCLOSURE_MIN_COUNT=11, DISCLOSURE_ROUND_TO=10)
def test_the_rule_is_a_setting(app):
    with app.app_context():
        rule = current_rule()
    assert str(rule.count(10)) == "fewer than 11" and str(rule.count(14)) == "10"


def _pinned(published, hidden_of, cells: int):
    """Group every small table by what it publishes and return the hidden quantities some
    group pins to one value (anyone seeing those figures would know it)."""
    groups = defaultdict(list)
    for table in product(SMALL, repeat=cells):
        groups[published(*table)].append(table)
    pinned = []
    for signature, tables in groups.items():
        for name, quantity in hidden_of.items():
            values = {quantity(*table) for table in tables}
            if len(values) == 1 and 0 < values.pop() < RULE.min_count:
                pinned.append((name, tables[0]))
    return pinned


def _column(*cells):
    figures, total = RULE.count_column(list(cells))
    return tuple(figure.value for figure in figures) + (total.value,)


def test_rounding_alone_can_give_a_hidden_cell_away_so_a_column_hides_one_more():
    # 1, 8 and 8 (total 17) would show as "fewer than 8", 10, 10 and 15: the two tens are at
    # least 8 each, the total at most 17, so the hidden cell can only be 1.
    assert [shown(n) for n in (1, 8, 8, 17)] == [None, 10, 10, 15]
    assert _column(1, 8, 8) == (None, None, 10, 15)
    assert _column(13, 9, 20) == (15, 10, 20, 40)  # nothing hidden: nothing more to hide


@pytest.mark.parametrize("cells", [1, 2, 3, 4])
def test_differencing_a_column_and_its_total_recovers_no_hidden_cell(cells):
    hidden = {f"cell {i}": (lambda i: lambda *table: table[i])(i) for i in range(cells)}
    hidden["total"] = lambda *table: sum(table)
    assert _pinned(_column, hidden, cells) == []


def test_differencing_two_overlapping_periods_recovers_nothing():
    # Three months; published: January to February, February to March, and the quarter.
    def published(jan, feb, mar):
        return tuple(shown(n) for n in (jan + feb, feb + mar, jan + feb + mar))

    hidden = {"January": lambda j, f, m: j, "February": lambda j, f, m: f,
              "March": lambda j, f, m: m, "January to February": lambda j, f, m: j + f}
    assert _pinned(published, hidden, 3) == []


def test_a_lone_hidden_money_cell_takes_the_next_smallest_with_it():
    cells = [(90_000, 9), (30_000, 3), (250_000, 20)]
    figures, total = RULE.money_column(cells, (370_000, 32))
    assert [str(f) for f in figures] == ["not shown", "not shown", "£2,500"]
    assert str(total) == "£3,700"
    # Two hidden already: nothing more to hide.
    figures, _ = RULE.money_column([(10_000, 2), (20_000, 3), (90_000, 9)], (120_000, 14))
    assert [str(f) for f in figures] == ["not shown", "not shown", "£900"]

"""Spend as people may see it: every figure of commissioning.spend through disclosure control,
in the tables every page, chart and CSV shares. Money is shown with the number of distinct
holders behind it (Rule.money); a breakdown with its total goes through money_column, so a
hidden cell cannot be worked out from the total."""
from __future__ import annotations

from dataclasses import dataclass

from marketplace import areas, vocabulary
from marketplace.commissioning.disclosure import Figure, Rule
from marketplace.commissioning.spend import (ROUTES, Budgets, Money, PoolTotals, Spend,
                                             month_label)

#: England's direct-payment share of people with budgets, ASCOF 3D, 2023/24 (NHS England,
#: Adult Social Care Outcomes Framework): shown beside the local figure.
ENGLAND_DIRECT_PAYMENT_PERCENT = "25.5%"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    heading: str
    rows: list[tuple[str, Figure]]
    total: Figure


@dataclass(frozen=True)
class MonthRow:
    label: str
    spent: Figure
    user_led: Figure
    user_led_share: Figure
    micro: Figure
    micro_share: Figure


@dataclass(frozen=True)
class ShownSpend:
    total: Figure
    tables: list[Table]
    months: list[MonthRow]
    user_led: Figure
    user_led_share: Figure
    micro: Figure
    micro_share: Figure
    people_with_budgets: Figure
    direct_payment_people: Figure
    direct_payment_share: Figure
    average_used: Figure
    pools: list[tuple[str, Figure, Figure]]


def money_share(rule: Rule, part: Money, whole: Money) -> Figure:
    """part of whole as a percentage of their shown (rounded) values, hidden with either."""
    return share_of_shown(rule, rule.money(part.pence, part.people),
                          rule.money(whole.pence, whole.people))


def average_percent(rule: Rule, budgets: Budgets) -> Figure:
    """The mean of each person's share used, in whole percent; hidden for fewer than
    min_count people."""
    if budgets.used_people < rule.min_count:
        return Figure(None, "percent", rule.min_count)
    return Figure(int(100 * budgets.average_used + 0.5), "percent", rule.min_count)


def _table(rule: Rule, key: str, title: str, heading: str, cells: dict[str, Money],
           labels: dict[str, str], total: Money, order: list[str] | None = None) -> Table:
    keys = order if order is not None else sorted(cells, key=lambda k: labels.get(k, k) or "")
    figures, shown_total = rule.money_column(
        [(cells[k].pence if k in cells else 0, cells[k].people if k in cells else 0)
         for k in keys], (total.pence, total.people))
    return Table(key, title, heading,
                 [(labels.get(k) or k or "Not known", figure) for k, figure in zip(keys, figures)],
                 shown_total)


def shown_spend(found: Spend, budgets: Budgets, pools: tuple[PoolTotals, PoolTotals],
                rule: Rule) -> ShownSpend:
    areas_named = {slug: name for slug, name in areas.authority_choices()}
    route_order = [value for value, _ in ROUTES if value in found.by_route]
    tables = [
        _table(rule, "category", "Spent by kind of support", "Kind of support",
               found.by_category, dict(vocabulary.CATEGORIES), found.total),
        _table(rule, "area", "Spent by area", "Area", found.by_area, areas_named, found.total),
        _table(rule, "stream", "Spent by funding stream", "Funding stream", found.by_stream, {},
               found.total),
        _table(rule, "route", "Spent by route", "Route", found.by_route, dict(ROUTES),
               found.total, order=route_order),
    ]
    spent, _ = rule.money_column([(found.by_month[m].pence, found.by_month[m].people)
                                  for m in found.months], (found.total.pence, found.total.people))
    user_led, _ = rule.money_column([(found.user_led_by_month[m].pence,
                                      found.user_led_by_month[m].people) for m in found.months],
                                    (found.user_led.pence, found.user_led.people))
    micro, _ = rule.money_column([(found.micro_by_month[m].pence, found.micro_by_month[m].people)
                                  for m in found.months], (found.micro.pence, found.micro.people))
    months = [MonthRow(month_label(m), spent[i], user_led[i],
                       share_of_shown(rule, user_led[i], spent[i]), micro[i],
                       share_of_shown(rule, micro[i], spent[i]))
              for i, m in enumerate(found.months)]
    funded, expired = pools
    return ShownSpend(
        total=rule.money(found.total.pence, found.total.people),
        tables=tables, months=months,
        user_led=rule.money(found.user_led.pence, found.user_led.people),
        user_led_share=money_share(rule, found.user_led, found.total),
        micro=rule.money(found.micro.pence, found.micro.people),
        micro_share=money_share(rule, found.micro, found.total),
        people_with_budgets=rule.count(budgets.people),
        direct_payment_people=rule.count(budgets.direct_payment_people),
        direct_payment_share=rule.percent(budgets.direct_payment_people, budgets.people),
        average_used=average_percent(rule, budgets),
        pools=[("Funded", rule.count(funded.count), rule.money(funded.value.pence,
                                                                funded.value.people)),
               ("Expired unfunded", rule.count(expired.count),
                rule.money(expired.value.pence, expired.value.people))])


def share_of_shown(rule: Rule, part: Figure, whole: Figure) -> Figure:
    """A share worked out from the shown figures (so it says nothing they do not)."""
    if part.suppressed or whole.suppressed or not whole.value:
        return Figure(None, "percent", rule.min_count)
    return Figure(max(0, min((200 * part.value + whole.value) // (2 * whole.value), 100)),
                  "percent", rule.min_count)


def chart_rows(shown: ShownSpend) -> list[tuple[str, Figure]]:
    return [(row.label, row.spent) for row in shown.months]


def csv_rows(shown: ShownSpend) -> list[list[str]]:
    rows = [["Table", "Row", "Measure", "Figure"],
            ["Spent", "All", "Spent (GBP)", shown.total.csv()]]
    for table in shown.tables:
        rows += [[table.title, label, "Spent (GBP)", figure.csv()] for label, figure in table.rows]
        rows.append([table.title, "Total", "Spent (GBP)", table.total.csv()])
    for month in shown.months:
        rows += [["Spent by month", month.label, measure, figure.csv()] for measure, figure in (
            ("Spent (GBP)", month.spent), ("To user-led organisations (GBP)", month.user_led),
            ("Share to user-led organisations (%)", month.user_led_share),
            ("To micro-providers (GBP)", month.micro),
            ("Share to micro-providers (%)", month.micro_share))]
    rows += [
        ["User-led and micro-providers", "User-led organisations", "Spent (GBP)",
         shown.user_led.csv()],
        ["User-led and micro-providers", "User-led organisations", "Share (%)",
         shown.user_led_share.csv()],
        ["User-led and micro-providers", "Micro-providers", "Spent (GBP)", shown.micro.csv()],
        ["User-led and micro-providers", "Micro-providers", "Share (%)", shown.micro_share.csv()],
        ["Budgets", "People with a budget", "People", shown.people_with_budgets.csv()],
        ["Budgets", "People with a direct payment", "People", shown.direct_payment_people.csv()],
        ["Budgets", "Direct-payment share (ASCOF 3D)", "Share (%)",
         shown.direct_payment_share.csv()],
        ["Budgets", "England 2023/24 (ASCOF 3D)", "Share (%)",
         ENGLAND_DIRECT_PAYMENT_PERCENT.rstrip("%")],
        ["Budgets", "Average budget used", "Share (%)", shown.average_used.csv()],
    ]
    for label, count, value in shown.pools:
        rows += [["Pools", label, "Pools", count.csv()], ["Pools", label, "Value (GBP)", value.csv()]]
    return rows

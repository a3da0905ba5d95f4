"""Equality and access as people may see it: every count of commissioning.equality through
disclosure control, in the rows the page, chart and CSV share."""
from __future__ import annotations

from dataclasses import dataclass

from marketplace import areas, vocabulary
from marketplace.commissioning.disclosure import Figure, Rule
from marketplace.commissioning.equality import TIMINGS, Demand, Equality


@dataclass(frozen=True)
class AskedRow:
    label: str
    searches: Figure
    needs: Figure
    asked: Figure
    services: Figure


@dataclass(frozen=True)
class DistrictRow:
    label: str
    kind: str
    services: Figure
    searches: Figure
    zero_result: Figure
    needs: Figure


@dataclass(frozen=True)
class ShownEquality:
    languages: list[AskedRow]
    specialisms: list[AskedRow]
    timings: list[AskedRow]
    districts: list[DistrictRow]
    #: ("Rural"/"Urban", services, searches, zero-result, needs) for all districts of each kind.
    kinds: list[DistrictRow]


def _asked(rule: Rule, label: str, demand: Demand) -> AskedRow:
    return AskedRow(label, rule.count(demand.searches), rule.count(demand.needs),
                    rule.count(demand.asked), rule.count(demand.services))


def shown_equality(found: Equality, rule: Rule) -> ShownEquality:
    def rank(row: AskedRow) -> tuple:
        # By what is shown, never a hidden count's true value.
        return (-(row.asked.value if row.asked.value is not None else 0.5), row.label)

    languages = sorted((_asked(rule, vocabulary.label(vocabulary.LANGUAGES, code), demand)
                        for code, demand in found.languages.items()), key=rank)
    timings = [_asked(rule, label, found.timings.get(key, Demand())) for key, label in TIMINGS]
    specialisms = sorted((_asked(rule, label, found.specialisms.get(value, Demand()))
                          for value, label in vocabulary.SPECIALISMS), key=rank)
    districts = [DistrictRow(f"{d.district} ({areas.area_label(d.authority)})",
                             "Rural" if d.rural else "Urban", rule.count(d.services),
                             rule.count(d.searches), rule.count(d.zero_result), rule.count(d.needs))
                 for d in found.districts]
    kinds = []
    for kind, rural in (("Rural", True), ("Urban", False)):
        group = [d for d in found.districts if d.rural == rural]
        if group:
            kinds.append(DistrictRow(
                f"{kind} districts ({len(group)})", kind,
                rule.count(sum(d.services for d in group)),
                rule.count(sum(d.searches for d in group)),
                rule.count(sum(d.zero_result for d in group)),
                rule.count(sum(d.needs for d in group))))
    return ShownEquality(languages, specialisms, timings, districts, kinds)


def asked_chart(rows: list[AskedRow], limit: int = 10) -> list[tuple[str, Figure, Figure]]:
    """The first rows (most asked for first) as chart bars: asked for against offered."""
    return [(row.label, row.asked, row.services) for row in rows[:limit]]


def csv_rows(shown: ShownEquality) -> list[list[str]]:
    rows = [["Table", "Row", "Searches", "Needs posted", "Asked for", "Services offering"]]
    for table, items in (("Languages", shown.languages), ("Specialisms", shown.specialisms),
                         ("Evenings and weekends", shown.timings)):
        rows += [[table, row.label, row.searches.csv(), row.needs.csv(), row.asked.csv(),
                  row.services.csv()] for row in items]
    rows.append([])
    rows.append(["Table", "Row", "Rural or urban", "Services reaching it", "Searches",
                 "Searches that found nothing", "Needs posted"])
    for table, items in (("Rural and urban", shown.kinds), ("Postcode districts", shown.districts)):
        rows += [[table, row.label, row.kind, row.services.csv(), row.searches.csv(),
                  row.zero_result.csv(), row.needs.csv()] for row in items]
    return rows

"""The market map as people may see it: each gap's counts through disclosure control, in the
order and with the words every page, chart, CSV and API response shares."""
from __future__ import annotations

from dataclasses import dataclass

from marketplace import areas, vocabulary
from marketplace.commissioning.disclosure import Figure, Rule
from marketplace.commissioning.market_map import MarketMap
from marketplace.commissioning.outcome_themes import ThemeDemand

THEME_COLUMNS: list[tuple[str, str]] = [
    ("outcomes", "Outcomes in support plans"),
    ("purchases", "Purchases towards them"),
    ("helped", "Purchases people said helped"),
]

#: (field of Gap, heading): supply first, then demand, then the gap's size.
COLUMNS: list[tuple[str, str]] = [
    ("services", "Services listed"),
    ("providers", "Providers"),
    ("evening_services", "Services in the evening"),
    ("weekend_services", "Services at weekends"),
    ("searches", "Searches"),
    ("zero_result", "Searches that found nothing"),
    ("few_result", "Searches that found only a few"),
    ("needs", "Needs posted"),
    ("unanswered_needs", "Needs nobody quoted for"),
    ("expired_pools", "Pools that expired unfunded"),
    ("unmet", "Signs of unmet need"),
]
#: Where a hidden count (1 to 7) sorts: below every shown count, above zero.
_HIDDEN_RANK = 0.5


@dataclass(frozen=True)
class ShownGap:
    category: str
    authority: str
    figures: dict[str, Figure]

    @property
    def category_label(self) -> str:
        return vocabulary.label(vocabulary.CATEGORIES, self.category)

    @property
    def area_label(self) -> str:
        return areas.area_label(self.authority)


def shown_gaps(market: MarketMap, rule: Rule) -> list[ShownGap]:
    """Every gap with its figures disclosed, ordered by what is shown (never by a hidden
    count's true value, which would tell two hidden counts apart)."""
    rows = [ShownGap(gap.category, gap.authority,
                     {name: rule.count(getattr(gap, name)) for name, _ in COLUMNS})
            for gap in market.gaps]

    def rank(figure: Figure) -> float:
        return _HIDDEN_RANK if figure.suppressed else figure.value

    return sorted(rows, key=lambda row: (-rank(row.figures["unmet"]), rank(row.figures["services"]),
                                         row.category_label, row.area_label))


@dataclass(frozen=True)
class ShownTheme:
    label: str
    figures: dict[str, Figure]


def shown_themes(themes: list[ThemeDemand], rule: Rule) -> list[ShownTheme]:
    return [ShownTheme(theme.label, {name: rule.count(getattr(theme, name))
                                     for name, _ in THEME_COLUMNS}) for theme in themes]


def theme_chart(themes: list[ShownTheme]) -> list[tuple[str, Figure, Figure]]:
    return [(theme.label, theme.figures["outcomes"], theme.figures["purchases"])
            for theme in themes]


def csv_rows(rows: list[ShownGap], themes: list[ShownTheme]) -> list[list[str]]:
    """The gaps, an empty row, then support-plan outcomes by theme."""
    return [["Kind of support", "Area", *(heading for _, heading in COLUMNS)],
            *([row.category_label, row.area_label, *(row.figures[name].csv() for name, _ in COLUMNS)]
              for row in rows),
            [],
            ["Outcome theme", *(heading for _, heading in THEME_COLUMNS)],
            *([theme.label, *(theme.figures[name].csv() for name, _ in THEME_COLUMNS)]
              for theme in themes)]


def chart_rows(rows: list[ShownGap], limit: int = 10) -> list[tuple[str, Figure, Figure]]:
    """The biggest gaps for the chart: (label, signs of unmet need, services listed)."""
    return [(f"{row.category_label}, {row.area_label}", row.figures["unmet"],
             row.figures["services"]) for row in rows[:limit] if row.figures["unmet"].value != 0]

"""GET /search: the search page. A plain GET form (no JavaScript needed) over the search service.

Every link the page builds (pages, "remove filter", "did you mean", "remove" beside a word
read as a filter) keeps the rest of the search, so nobody loses their filters. The page's content (templates/search/_page_body.html)
depends only on the query string and the index generation for everyone but a logged-in
budget holder (whose results carry their own spending-rule notices), so for them it is
rendered once per generation and query string and kept (search.generation_cache); a
holder's is rendered every time, as is the surrounding layout, which knows who is logged in. A bad parameter never breaks the page: it is shown in
plain English beside the form with status 400, and the rest of the search still runs (that
corrected search is not logged, so the log holds only searches people asked for).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from marketplace import areas, vocabulary
from marketplace.api import serialisers
from marketplace.errors import InvalidParameter
from marketplace.search.generation_cache import GenerationCache
from marketplace.search.params import parse_search_params
from marketplace.search.services import search_services
from marketplace.search.types import FacetValue, SearchParams, SearchResults

blueprint = Blueprint("search", __name__)

#: Sidebar choice lists: (parameter, legend, wording of the "any" option).
CHOICE_FILTERS: list[tuple[str, str, str]] = [
    ("category", "Type of support", "Any type of support"),
    ("area", "Area", "Anywhere"),
    ("mode", "How it is delivered", "Any way"),
    ("language", "Language", "Any language"),
    ("provider_type", "Type of provider", "Any type of provider"),
    ("max_price", "Maximum price", "Any price"),
    ("min_rating", "Minimum rating", "Any rating, or not yet rated"),
]
#: Sidebar checkboxes: (parameter, label, plain-English hint or "").
CHECKBOX_FILTERS: list[tuple[str, str, str]] = [
    ("ulo", "User-led organisations only", serialisers.BADGE_EXPLANATIONS["ulo"]),
    ("micro", "Micro-providers only", serialisers.BADGE_EXPLANATIONS["micro"]),
    ("evenings", "Evenings", ""),
    ("weekends", "Weekends", ""),
    ("poolable", "Can be pooled", serialisers.BADGE_EXPLANATIONS["pool"]),
    ("free", "Free", "No charge: shown as “Free” on the listing."),
]
FILTER_NAMES = {name: legend for name, legend, _ in CHOICE_FILTERS} | {
    name: label for name, label, _ in CHECKBOX_FILTERS
}
VOCABULARIES = {
    "category": vocabulary.CATEGORIES,
    "mode": vocabulary.DELIVERY_MODES,
    "language": vocabulary.LANGUAGES,
    "provider_type": vocabulary.PROVIDER_TYPES,
    "min_rating": [(str(stars), f"{stars} star{'s' if stars > 1 else ''} or more")
                   for stars in range(1, 6)],
}
PAGE_WINDOW = 2
#: What the page says about a value it cannot use (the API keeps the service's own wording,
#: which names the parameter for programmers).
PAGE_MESSAGES = {
    "q": "Use 200 characters or fewer in the search box",
    "category": "Choose a type of support from the list",
    "area": "Enter a Greater Manchester council area, like Salford, or the first part of a "
            "postcode, like M14",
    "mode": "Choose how the support is delivered from the list",
    "language": "Choose a language from the list",
    "provider_type": "Choose a type of provider from the list",
    "max_price": "Enter a maximum price in pounds, like 20 or 12.50",
    "min_rating": "Choose a minimum rating from the list",
    "sort": "Choose an order for the results from the list",
    "page": "There is no page with that number",
}


def field_id(parameter: str) -> str:
    """The id of the form control (or fieldset) for a parameter, for error links."""
    return {"q": "search-q", "area": "search-area", "sort": "sort"}.get(
        parameter, f"filter-{parameter}"
    )


@dataclass
class Option:
    value: str
    label: str
    count: int | None
    selected: bool


@dataclass
class Problem:
    parameter: str
    message: str

    @property
    def field_id(self) -> str:
        return field_id(self.parameter)


@dataclass
class PageLink:
    number: int
    url: str
    current: bool = False


@dataclass
class SearchPage:
    """Everything the template shows, worked out here so the template only lays it out."""

    params: SearchParams
    results: SearchResults
    problems: list[Problem]
    #: What the person typed, shown back in the boxes even when it was not understood.
    typed: dict[str, str]
    state: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.state = search_state(self.params)

    @property
    def title(self) -> str:
        base = f"Search results for “{self.params.q}”" if self.params.q else "Find support"
        return f"Error: {base}" if self.problems else base

    @property
    def heading(self) -> str:
        return f"Search results for “{self.params.q}”" if self.params.q else "Find support"

    @property
    def count_heading(self) -> str:
        total = self.results.total
        return f"{total} service{'' if total == 1 else 's'} found"

    def url(self, **changes: str | int | None) -> str:
        merged = {**self.state, **changes}
        return url_for("search.search", **{k: v for k, v in merged.items() if v not in (None, "")})

    def problem_for(self, parameter: str) -> Problem | None:
        return next((p for p in self.problems if p.parameter == parameter), None)

    @property
    def cards(self) -> list[dict]:
        return [serialisers.hit_summary(hit) for hit in self.results.hits]

    @property
    def applied_filters(self) -> list[tuple[str, str]]:
        """(link text, url) removing each filter in use."""
        links = []
        for name, value in self.params.filters().items():
            text = FILTER_NAMES.get(name, name)
            if name not in {checkbox for checkbox, _, _ in CHECKBOX_FILTERS}:
                text = f"{text}: {value_label(name, value)}"
            links.append((text, self.url(**{name: None})))
        return links

    @property
    def filter_words(self) -> list[dict]:
        """Words of the query read as filters: what each did, a link removing it and one
        searching for it as a plain word instead (query_words.py)."""
        return [{"typed": word.typed, "phrase": word.phrase,
                 "remove_url": self.url(q=word.query_without or None),
                 "as_text_url": self.url(q=word.query_as_text)}
                for word in self.results.applied_words]

    @property
    def partial_message(self) -> str | None:
        """Said when some results do not match every word (search.partial)."""
        results = self.results
        if not results.total or results.total == results.full_total:
            return None
        if not results.full_total:
            return "No service matches every word; these match most of them."
        every = ("1 service matches" if results.full_total == 1
                 else f"{results.full_total} services match")
        return f"{every} every word; the ones after that match most of them."

    @property
    def exact_url(self) -> str:
        """The search for the words exactly as typed (no correction, no filter words)."""
        return self.url(exact="true", page=None)

    @property
    def clear_filters_url(self) -> str:
        return url_for("search.search", **{k: v for k, v in self.state.items()
                                           if k in ("q", "sort", "exact")})

    @property
    def suggestion_url(self) -> str | None:
        if not self.results.suggestion:
            return None
        return self.url(q=self.results.suggestion)

    @property
    def hidden_filters(self) -> dict[str, str]:
        # Not "exact": it was about the words of this search, and a new one is typed.
        return {k: v for k, v in self.state.items() if k not in ("q", "area", "exact")}

    @property
    def state_without_sort(self) -> dict[str, str]:
        return {k: v for k, v in self.state.items() if k != "sort"}

    @property
    def choice_groups(self) -> list[dict]:
        groups = []
        for name, legend, any_label in CHOICE_FILTERS:
            selected = self.params.filters().get(name, "")
            options = facet_options(name, self.results.facets.get(name), selected)
            if not options:
                continue  # nothing to choose between, and nothing chosen to keep
            options.insert(0, Option("", any_label, None, not selected))
            groups.append({"name": name, "legend": legend, "id": field_id(name),
                           "options": options, "problem": self.problem_for(name)})
        return groups

    @property
    def checkboxes(self) -> list[dict]:
        boxes = []
        for name, label, hint in CHECKBOX_FILTERS:
            facet = self.results.facets.get(name) or []
            count = facet[0].count if facet else None
            boxes.append({"name": name, "label": label, "hint": hint, "id": field_id(name),
                          "count": count, "checked": bool(getattr(self.params, name)),
                          "problem": self.problem_for(name)})
        return boxes

    @property
    def sort_options(self) -> list[Option]:
        return [Option(value, label, None, value == self.params.sort)
                for value, label in vocabulary.SORTS]

    @property
    def past_the_end(self) -> bool:
        """A page number beyond the last page (an old link after listings changed)."""
        return bool(self.results.total) and self.results.page > self.results.pages

    @property
    def pagination(self) -> dict | None:
        pages, current = self.results.pages, self.results.page
        if pages <= 1:
            return None
        numbers = sorted({1, pages, *range(max(1, current - PAGE_WINDOW),
                                          min(pages, current + PAGE_WINDOW) + 1)})
        links: list[PageLink | None] = []
        for number in numbers:
            if links and links[-1] and number - links[-1].number > 1:
                links.append(None)  # a gap, shown as an ellipsis
            links.append(PageLink(number, self.url(page=number), number == current))
        return {
            "previous": self.url(page=min(current - 1, pages)) if current > 1 else None,
            "next": self.url(page=current + 1) if current < pages else None,
            "links": links,
        }


def search_state(params: SearchParams) -> dict[str, str]:
    """The query-string values that reproduce a search (without the page number)."""
    state = {"q": params.q} if params.q else {}
    state.update(params.filters())
    if params.sort != "relevance":
        state["sort"] = params.sort
    if params.exact:
        state["exact"] = "true"
    return state


def value_label(name: str, value: str) -> str:
    if name == "area":
        return areas.area_label(value)
    if name == "max_price":
        return f"up to £{value}"
    return vocabulary.label(VOCABULARIES.get(name, []), value)


def facet_options(name: str, facet: list[FacetValue] | None, selected: str) -> list[Option]:
    """The sidebar options for one filter: the facet's values with their counts, or the whole
    vocabulary without counts when there is no facet; the selected value is always present."""
    if facet is not None:
        options = [Option(v.value, v.label, v.count, v.value == selected) for v in facet]
    elif name == "area":
        options = [Option(slug, label, None, slug == selected)
                   for slug, label in areas.authority_choices()]
    else:
        options = [Option(value, label, None, value == selected)
                   for value, label in VOCABULARIES.get(name, [])]
    if selected and not any(option.value == selected for option in options):
        options.append(Option(selected, value_label(name, selected), None, True))
    return options


def page_message(error: InvalidParameter) -> str:
    if error.parameter in PAGE_MESSAGES:
        return PAGE_MESSAGES[error.parameter]
    if error.parameter in FILTER_NAMES:
        return f"“{FILTER_NAMES[error.parameter]}” can only be ticked or left empty"
    return error.message


def parse_leniently(args: dict[str, str]) -> tuple[SearchParams, list[Problem]]:
    """Parse the query string; drop each parameter that is not understood and say why."""
    problems: list[Problem] = []
    remaining = dict(args)
    while True:
        try:
            return parse_search_params(remaining), problems
        except InvalidParameter as error:
            problems.append(Problem(error.parameter, page_message(error)))
            if error.parameter not in remaining:
                return SearchParams(), problems
            del remaining[error.parameter]


@blueprint.route("/search")
def search():
    args = {name: value for name, value in request.args.items() if value.strip()}
    if len(args) < len(request.args):
        # The filter form sends every "Any ..." choice as an empty value; a clean address is
        # easier to read, share and bookmark.
        return redirect(url_for("search.search", **args))
    params, problems = parse_leniently(args)
    results = search_services(params, channel="web", log=not problems)
    page = SearchPage(params, results, problems, typed=args)
    return (render_template("search/search.html", page=page, body=_page_body(page, args)),
            400 if problems else 200)


_bodies: GenerationCache[Markup] = GenerationCache()


def _page_body(page: SearchPage, args: dict[str, str]) -> Markup:
    def render() -> Markup:
        return Markup(render_template("search/_page_body.html", page=page))

    if getattr(current_user, "is_authenticated", False) and current_user.role == "holder":
        # Their notices are theirs alone, and follow spending rules the index does not see.
        return render()
    return _bodies.get(page.results.generation, tuple(sorted(args.items())), render)

"""What a search asks for and what it gives back: the contract between the search service and
its callers (the /search page, the JSON API, benchmarks). Money is integer pence."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: str | None = None
    #: A local authority slug ("salford") or postcode district ("M6"), see marketplace.areas.
    area: str | None = None
    mode: str | None = None
    language: str | None = None
    max_price_pence: int | None = None
    #: Whole stars, 1 to 5: services whose rating is at least this.
    min_rating: int | None = None
    provider_type: str | None = None
    ulo: bool = False
    micro: bool = False
    evenings: bool = False
    weekends: bool = False
    poolable: bool = False
    #: Only services priced at £0.
    free: bool = False
    #: Search the words exactly as typed: no words read as filters, no spelling correction.
    exact: bool = False
    #: One of vocabulary.SORTS.
    sort: str = "relevance"
    page: int = 1

    def filters(self) -> dict[str, str]:
        """The filters in use, as query-string values (no q, sort or page)."""
        found: dict[str, str] = {}
        for name in ("category", "area", "mode", "language", "provider_type"):
            value = getattr(self, name)
            if value:
                found[name] = value
        if self.max_price_pence is not None:
            pounds, pence = divmod(self.max_price_pence, 100)
            found["max_price"] = f"{pounds}.{pence:02d}" if pence else str(pounds)
        if self.min_rating is not None:
            found["min_rating"] = str(self.min_rating)
        for name in ("ulo", "micro", "evenings", "weekends", "poolable", "free"):
            if getattr(self, name):
                found[name] = "true"
        return found


@dataclass(frozen=True)
class AppliedWord:
    """A word (or phrase) of the query read as a filter: "Urdu" -> language "ur"."""

    #: What was typed, as it was typed ("Urdu", "M14").
    typed: str
    #: The parameter it set and its query-string value.
    parameter: str
    value: str
    #: How the page says it: "in Urdu", "in the evenings".
    phrase: str
    #: The query without this word, and with it quoted (so searched as plain text).
    query_without: str
    query_as_text: str


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    #: How many of the current results have this value.
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchHit:
    service_id: int
    title: str
    #: The start of the description, plain text.
    summary: str
    category: str
    price_pence: int
    price_unit: str
    provider_id: int
    provider_name: str
    provider_type: str
    is_user_led: bool
    is_micro: bool
    local_authorities: list[str]
    postcode_districts: list[str]
    delivery_modes: list[str]
    languages: list[str]
    evenings: bool
    weekends: bool
    poolable: bool
    rating_centi: int | None
    review_count: int


@dataclass
class SearchResults:
    params: SearchParams
    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    #: name -> values, for category, area, mode, language, provider_type, max_price,
    #: min_rating, ulo, micro, evenings, weekends, poolable (booleans have one value "true").
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: A corrected query to offer as "Did you mean ...?", or None.
    suggestion: str | None = None
    #: How many results match every word searched; the rest match most of them.
    full_total: int = 0
    #: Words of the query read as filters (query_words.py), in the order typed.
    applied_words: tuple["AppliedWord", ...] = ()
    #: The words searched as text once the filter words were taken out.
    text: str = ""
    #: When the words searched found nothing and a corrected spelling did: the corrected
    #: words, whose results these are (text is then what was typed).
    corrected: str | None = None
    #: The index generation these results came from (index.IndexResult.generation): what is
    #: derived from them alone may be cached until it changes.
    generation: tuple[str, int] = ("", 0)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

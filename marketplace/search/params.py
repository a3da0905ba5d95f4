"""Turning query-string parameters into SearchParams, for the /search page and the API alike.

Rules: empty strings mean "not set"; unknown parameter names are ignored (links arrive with
tracking junk); a known name with a value we cannot use raises InvalidParameter naming the
parameter and saying, in plain English, what is allowed.
"""
from __future__ import annotations

from collections.abc import Mapping

from marketplace import areas, vocabulary
from marketplace.errors import InvalidParameter
from marketplace.money import InvalidAmount, parse_pounds
from marketplace.search.types import SearchParams

MAX_PAGE = 500
MAX_QUERY_LENGTH = 200

_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "", "off", "no"}

_CHOICES = {
    "category": vocabulary.CATEGORIES,
    "mode": vocabulary.DELIVERY_MODES,
    "language": vocabulary.LANGUAGES,
    "provider_type": vocabulary.PROVIDER_TYPES,
    "sort": vocabulary.SORTS,
}

_FLAGS = ("ulo", "micro", "evenings", "weekends", "poolable", "free", "exact")


def _text(args: Mapping[str, str], name: str) -> str:
    value = args.get(name)
    return "" if value is None else str(value).strip()


def _choice(args: Mapping[str, str], name: str) -> str | None:
    value = _text(args, name)
    if not value:
        return None
    allowed = vocabulary.values(_CHOICES[name])
    if value not in allowed:
        raise InvalidParameter(name, f"{name} must be one of: {', '.join(allowed)}")
    return value


def _flag(args: Mapping[str, str], name: str) -> bool:
    value = _text(args, name).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidParameter(name, f"{name} must be true or false")


def _area(args: Mapping[str, str]) -> str | None:
    text = _text(args, "area")
    if not text:
        return None
    value = areas.normalise_area(text)
    if value is None:
        names = ", ".join(name for _, name in areas.authority_choices())
        raise InvalidParameter(
            "area",
            "area must be a Greater Manchester council name or a postcode district (like M14): "
            f"{names}",
        )
    return value


def _max_price(args: Mapping[str, str]) -> int | None:
    text = _text(args, "max_price")
    if not text:
        return None
    try:
        return parse_pounds(text)
    except InvalidAmount:
        raise InvalidParameter(
            "max_price", "max_price must be an amount in pounds, like 12 or 12.50"
        ) from None


def _min_rating(args: Mapping[str, str]) -> int | None:
    text = _text(args, "min_rating")
    if not text:
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        raise InvalidParameter("min_rating", "min_rating must be a whole number from 1 to 5")
    return int(text)


def _page(args: Mapping[str, str]) -> int:
    text = _text(args, "page")
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidParameter("page", f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(text)


def parse_search_params(args: Mapping[str, str]) -> SearchParams:
    """Read q, category, area, mode, language, max_price, min_rating, provider_type, ulo,
    micro, evenings, weekends, poolable, free, exact, sort and page; raise InvalidParameter on bad values."""
    query = " ".join(_text(args, "q").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidParameter("q", f"q must be at most {MAX_QUERY_LENGTH} characters")
    return SearchParams(
        q=query,
        category=_choice(args, "category"),
        area=_area(args),
        mode=_choice(args, "mode"),
        language=_choice(args, "language"),
        max_price_pence=_max_price(args),
        min_rating=_min_rating(args),
        provider_type=_choice(args, "provider_type"),
        **{name: _flag(args, name) for name in _FLAGS},
        sort=_choice(args, "sort") or "relevance",
        page=_page(args),
    )

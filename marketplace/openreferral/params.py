"""The feed's query parameters (those the ORUK 3.0 OpenAPI document lists), read into one
Filters value; every filter given must hold (AND).

Rules, as on the rest of the site: an empty value means "not set"; unknown parameter names
are ignored; a known one with a value we cannot use is a 400 whose JSON error names it and
says what is allowed. An id shaped like a UUID that is not one of ours (another directory's
taxonomy term, say) is not an error: nothing here has it, so the page is empty.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask import request

from marketplace import areas
from marketplace.errors import InvalidParameter
from marketplace.ids import query_int
from marketplace.openreferral import ids, schedules, taxonomies

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
#: minimal=true answers ids and times only, so a harvester can take every service at once.
MAX_MINIMAL_PER_PAGE = 100_000
MAX_PAGE = 1_000_000
MAX_SEARCH_LENGTH = 200
#: 1,000 km: past that, "within" says nothing more in Great Britain.
MAX_PROXIMITY_METRES = 1_000_000
MAX_AGE = 150

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Filters:
    search: str = ""
    terms: tuple[taxonomies.Term, ...] = ()
    in_taxonomies: tuple[taxonomies.Taxonomy, ...] = ()
    provider_id: int | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    #: The postcode district asked about ("M14"), cut from a full postcode.
    district: str | None = None
    proximity_metres: float | None = None
    modified_after: datetime | None = None
    #: An id was asked for that nothing here has: the answer is empty.
    matches_nothing: bool = False

    @property
    def by_schedule(self) -> bool:
        return any(value is not None for value in (self.day, self.start_time, self.end_time))

    @property
    def narrowing(self) -> bool:
        """Any filter on what a service is (everything but modified_after)."""
        return bool(self.search or self.terms or self.in_taxonomies or self.matches_nothing
                    or self.by_schedule or self.district
                    or any(value is not None for value in (
                        self.provider_id, self.minimum_age, self.maximum_age)))


def _text(name: str) -> str:
    return (request.args.get(name) or "").strip()


def flag(name: str) -> bool:
    value = _text(name).lower()
    if not value or value in _FALSE:
        return False
    if value in _TRUE:
        return True
    raise InvalidParameter(name, f"'{name}' must be true or false.")


def paging(*, minimal: bool = False) -> Paging:
    top = MAX_MINIMAL_PER_PAGE if minimal else MAX_PER_PAGE
    return Paging(page=query_int("page", default=1, maximum=MAX_PAGE),
                  per_page=query_int("per_page", default=top if minimal else DEFAULT_PER_PAGE,
                                     maximum=top))


def response_format() -> str:
    value = _text("format").lower() or "json"
    if value not in ("json", "ndjson"):
        raise InvalidParameter("format", "'format' must be json or ndjson.")
    return value


def _number(name: str, maximum: float) -> float | None:
    text = _text(name)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= maximum:
        raise InvalidParameter(name, f"'{name}' must be a number from 0 to {maximum:,.0f}.")
    return value


def _moment(name: str) -> datetime | None:
    """ISO 8601: a date (its start, UTC) or a date and time; without an offset, UTC. A '+'
    left unencoded in a query string arrives as a space, so that is read as '+' again."""
    text = _text(name)
    if not text:
        return None
    text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", text).replace("Z", "+00:00").replace(
        "z", "+00:00")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(
            name, f"'{name}' must be a date and time like 2026-12-01T09:30:00Z (ISO 8601).",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _parsed(name: str, parse, message: str):
    """The parameter read by parse (None: not a value it knows, a 400 with message)."""
    text = _text(name)
    if not text:
        return None
    value = parse(text)
    if value is None:
        raise InvalidParameter(name, message)
    return value


def _clock(name: str) -> int | None:
    return _parsed(name, schedules.parse_clock,
                   f"'{name}' must be a time like 18:00 (24-hour clock).")


#: Where each id parameter's ids are listed.
_ID_SOURCES = {"taxonomy_term_id": "/taxonomy_terms", "taxonomy_id": "/taxonomies",
               "organization_id": "the organization of each service"}


def _feed_ids(name: str) -> list[str]:
    """The ids in a parameter; several, comma-separated, must all hold."""
    values = [part.strip() for part in _text(name).split(",") if part.strip()]
    for value in values:
        if not ids.is_uuid(value):
            raise InvalidParameter(
                name, f"'{name}' must be an id (a UUID) from {_ID_SOURCES[name]}.")
    return values


def service_filters(*, with_postcode: bool = True) -> Filters:
    """The filters of /services and /service_at_locations (postcode and proximity only on
    the second, as the standard lists them; we read them on both)."""
    search = " ".join(_text("search").split())
    if len(search) > MAX_SEARCH_LENGTH:
        raise InvalidParameter("search", f"'search' must be at most {MAX_SEARCH_LENGTH} "
                                         "characters.")
    terms = [taxonomies.find_term(value) for value in _feed_ids("taxonomy_term_id")]
    in_taxonomies = [taxonomies.find_taxonomy(value) for value in _feed_ids("taxonomy_id")]
    nothing = None in terms or None in in_taxonomies
    provider_id = None
    for value in _feed_ids("organization_id"):
        parsed = ids.parse(value)
        if parsed is None or parsed.kind != "organization":
            nothing = True
        else:
            provider_id = parsed.number
    district = _parsed("postcode", areas.postcode_district,
                       "'postcode' must be a UK postcode, like M14 5AB, or the first part of "
                       "one, like M14.") if with_postcode else None
    proximity = _number("proximity", MAX_PROXIMITY_METRES) if with_postcode else None
    if proximity is not None and district is None:
        raise InvalidParameter("proximity", "'proximity' needs a 'postcode' to measure from.")
    return Filters(
        search=search, terms=tuple(filter(None, terms)),
        in_taxonomies=tuple(filter(None, in_taxonomies)),
        provider_id=provider_id,
        minimum_age=_number("minimum_age", MAX_AGE), maximum_age=_number("maximum_age", MAX_AGE),
        day=_parsed("day", schedules.parse_day,
                    "'day' must be a day of the week: MO, TU, WE, TH, FR, SA or SU (or its "
                    "name, like Monday)."),
        start_time=_clock("start_time"), end_time=_clock("end_time"),
        district=district, proximity_metres=proximity,
        modified_after=_moment("modified_after"), matches_nothing=nothing,
    )

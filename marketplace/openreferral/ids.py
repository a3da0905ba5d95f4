"""The feed's ids: UUIDs, as HSDS requires, that we can read back without storing them.

A feed id is a version 8 ("custom") UUID laid out as

    PPPPPPPP-KKKK-8SSS-8sss-NNNNNNNNNNNN

- P: eight hex digits from this site's host name (SITE_URL), so two Pathways sites never give
  the same id to different things; ids stay the same as long as the site's address does.
- K: the kind of thing (KINDS: service, organization, location, ...).
- N: the row it comes from (a service's or a provider's id), up to 2**48.
- S, s: 24 bits telling apart the parts of one row: a service's languages, areas, schedules
  and locations. They come from the stable vocabulary value (crc32 of "kind:value"), never
  from a list position, so a provider reordering their languages changes no id.

parse() turns an id from a URL back into (kind, number, sub), or None for anything that is not
one of this site's ids: a stranger's UUID is simply not found.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

#: Kind codes. Never renumber one: the ids people hold would then point at other things.
KINDS: dict[str, int] = {
    "organization": 0x0001,
    "service": 0x0002,
    "location": 0x0003,
    "service_at_location": 0x0004,
    "taxonomy": 0x0005,
    "taxonomy_term": 0x0006,
    "contact": 0x0007,
    "phone": 0x0008,
    "cost_option": 0x0009,
    "schedule": 0x000A,
    "service_area": 0x000B,
    "language": 0x000C,
    "attribute": 0x000D,
    "accessibility": 0x000E,
    "organization_identifier": 0x000F,
}
_KIND_NAMES = {code: name for name, code in KINDS.items()}

MAX_NUMBER = 2**48 - 1
MAX_SUB = 2**24 - 1

_PATTERN = re.compile(
    r"^([0-9a-f]{8})-([0-9a-f]{4})-8([0-9a-f]{3})-8([0-9a-f]{3})-([0-9a-f]{12})$"
)


@dataclass(frozen=True)
class FeedId:
    kind: str
    number: int
    sub: int = 0


@lru_cache(maxsize=16)
def _prefix_for(site_url: str) -> str:
    host = (urlsplit(site_url).netloc or site_url).lower()
    return hashlib.sha256(host.encode("utf-8")).hexdigest()[:8]


def site_prefix() -> str:
    return _prefix_for(current_app.config["SITE_URL"])


def sub_code(kind: str, value: str) -> int:
    """The 24-bit part code of a vocabulary value (a language, an area, a delivery mode)."""
    return zlib.crc32(f"{kind}:{value}".encode("utf-8")) & MAX_SUB


def make(kind: str, number: int, sub: int = 0, *, prefix: str | None = None) -> str:
    if not 0 <= number <= MAX_NUMBER or not 0 <= sub <= MAX_SUB:
        raise ValueError(f"feed id parts out of range: {kind} {number} {sub}")
    return (f"{prefix or site_prefix()}-{KINDS[kind]:04x}-8{sub >> 12:03x}-8{sub & 0xFFF:03x}-"
            f"{number:012x}")


def parse(text: str | None) -> FeedId | None:
    """(kind, number, sub) of one of this site's ids; None for anything else."""
    found = _PATTERN.match((text or "").strip().lower())
    if found is None or found.group(1) != site_prefix():
        return None
    kind = _KIND_NAMES.get(int(found.group(2), 16))
    if kind is None:
        return None
    sub = (int(found.group(3), 16) << 12) | int(found.group(4), 16)
    return FeedId(kind, int(found.group(5), 16), sub)


def is_uuid(text: str | None) -> bool:
    """Shaped like any UUID (ours or not): 8-4-4-4-12 hex digits."""
    return bool(re.match(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$",
                         (text or "").strip()))


def check_distinct(kind: str, values: list[str]) -> None:
    """Raise if two values of one vocabulary share a part code (checked once at import)."""
    codes: dict[int, str] = {}
    for value in values:
        code = sub_code(kind, value)
        if code in codes and codes[code] != value:
            raise RuntimeError(f"{kind} values {codes[code]!r} and {value!r} share a feed id")
        codes[code] = value

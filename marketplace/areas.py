"""Where services are delivered: the ten Greater Manchester local authorities and the postcode
districts that lie mainly within each. A service names the authorities and/or districts it
serves; a search for an authority also finds services that list one of its districts.
"""
from __future__ import annotations

import re

REGION = "Greater Manchester"

LOCAL_AUTHORITIES: dict[str, tuple[str, list[str]]] = {
    "bolton": ("Bolton", ["BL1", "BL2", "BL3", "BL4", "BL5", "BL6"]),
    "bury": ("Bury", ["BL0", "BL8", "BL9", "M26", "M45"]),
    "manchester": (
        "Manchester",
        ["M1", "M2", "M3", "M4", "M8", "M9", "M11", "M12", "M13", "M14", "M15", "M16",
         "M18", "M19", "M20", "M21", "M22", "M23", "M40", "M90"],
    ),
    "oldham": ("Oldham", ["OL1", "OL4", "OL8", "OL9", "M35"]),
    "rochdale": ("Rochdale", ["OL11", "OL12", "OL15", "OL16", "M24"]),
    "salford": ("Salford", ["M5", "M6", "M7", "M27", "M28", "M30", "M38", "M44", "M50"]),
    "stockport": ("Stockport", ["SK1", "SK2", "SK3", "SK4", "SK5", "SK6", "SK7", "SK8"]),
    "tameside": ("Tameside", ["OL5", "OL6", "OL7", "SK14", "SK15", "SK16", "M34", "M43"]),
    "trafford": ("Trafford", ["M17", "M31", "M32", "M33", "M41", "WA14", "WA15"]),
    "wigan": ("Wigan", ["WN1", "WN2", "WN3", "WN4", "WN5", "WN6", "WN7", "M29", "M46"]),
}

#: Postcode districts counted as rural on the equality view (docs/spend-view.md). Approximate:
#: from the ONS 2011 rural-urban classification of each district's main settlement (a town or
#: village in a "rural town and fringe" or "village" area), since ONS classifies output areas,
#: not postcode districts. Every other district is urban.
RURAL_DISTRICTS: frozenset[str] = frozenset({
    "BL6",  # Horwich and Blackrod moorland edge (Bolton)
    "BL0",  # Ramsbottom and Edenfield (Bury)
    "OL4",  # Saddleworth villages: Delph, Diggle, Springhead (Oldham)
    "SK6",  # Marple, Compstall and Mellor (Stockport)
    "WN6",  # Standish, Shevington and Appley Bridge (Wigan)
    "M44",  # Irlam and Cadishead mossland (Salford)
    "WA14",  # Dunham Massey and the villages south of Altrincham (Trafford)
})

_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*[0-9][A-Z]{2}$")

DISTRICT_TO_AUTHORITY: dict[str, str] = {
    district: slug for slug, (_, districts) in LOCAL_AUTHORITIES.items() for district in districts
}


def authority_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, (name, _) in LOCAL_AUTHORITIES.items()]


def authority_name(slug: str) -> str:
    return LOCAL_AUTHORITIES.get(slug, (slug, []))[0]


def normalise_area(text: str | None) -> str | None:
    """Turn what a person typed ('salford', 'M6', 'm6 5ab') into an area value, or None.

    Authorities are lower-case slugs; postcode districts are upper case. A full postcode is cut
    to its district so that nobody's home address is logged.
    """
    if not text:
        return None
    cleaned = text.strip()
    slug = cleaned.lower().replace(" ", "-")
    if slug in LOCAL_AUTHORITIES:
        return slug
    return postcode_district(cleaned)


def postcode_district(text: str | None) -> str | None:
    """'m6', 'M6 5AB' -> 'M6'; anything that is not a district or a full postcode -> None."""
    upper = (text or "").strip().upper()
    full = _FULL_POSTCODE.match(upper)
    if full:
        upper = full.group(1)
    if _DISTRICT.match(upper.replace(" ", "")):
        return upper.replace(" ", "")
    return None


def area_label(value: str) -> str:
    if value in LOCAL_AUTHORITIES:
        return LOCAL_AUTHORITIES[value][0]
    return value


def expand_served_areas(authorities: list[str], districts: list[str]) -> list[str]:
    """Every area value a service should be found under.

    Serving a whole authority means serving each of its districts; serving a district means
    being found when someone searches its authority.
    """
    found: set[str] = set()
    for slug in authorities:
        found.add(slug)
        found.update(LOCAL_AUTHORITIES.get(slug, ("", []))[1])
    for district in districts:
        found.add(district)
        if district in DISTRICT_TO_AUTHORITY:
            found.add(DISTRICT_TO_AUTHORITY[district])
    return sorted(found)

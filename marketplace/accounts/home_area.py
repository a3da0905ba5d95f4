"""A budget holder's home area (a local authority, and optionally a postcode district inside it)
and the kinds of support they are interested in. Pools open to an area are open to the holders
whose home authority it is, and listed nearest first (pools.access). Set on the account page
and through the API's /me; both read what people typed through `set_home_area`, so both refuse
the same things in the same words.

Only a full postcode's district is kept, never the postcode: nobody's address is stored.
"""
from __future__ import annotations

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.errors import DomainError, Forbidden

CATEGORY_VALUES = [value for value, _ in vocabulary.CATEGORIES]


def has_home_area(user: User) -> bool:
    return bool(user.home_authority)


def district_problem(authority: str, text: str) -> str | None:
    """What is wrong with a postcode district typed for this authority, or None."""
    district = areas.postcode_district(text)
    name = areas.authority_name(authority) if authority else ""
    if authority and authority not in areas.LOCAL_AUTHORITIES:
        return None  # the council is wrong, and is said so beside its own field
    if district is None:
        return "Enter a postcode district like M6, or leave this empty"
    if not authority:
        return "Choose your council as well: the postcode district must be inside it"
    if areas.DISTRICT_TO_AUTHORITY.get(district) != authority:
        examples = ", ".join(areas.LOCAL_AUTHORITIES[authority][1][:3])
        return f"{district} is not in {name}. Enter a district in {name}, such as {examples}"
    return None


def set_home_area(user: User, *, local_authority: str | None, postcode_district: str | None,
                  interests: list[str] | None) -> None:
    """Replace the holder's area and interests; empty or None clears each one."""
    if user.role != "holder":
        raise Forbidden("Only budget holders have a home area. A supporter sees the pools "
                        "near the people they support.")
    authority = (local_authority or "").strip().lower()
    if authority and authority not in areas.LOCAL_AUTHORITIES:
        raise DomainError("Choose your council from the list", field="local_authority")
    district = ""
    if (postcode_district or "").strip():
        problem = district_problem(authority, postcode_district)
        if problem:
            raise DomainError(problem, field="postcode_district")
        district = areas.postcode_district(postcode_district)
    wanted = set(interests or [])
    if wanted - set(CATEGORY_VALUES):
        raise DomainError("Choose from the kinds of support listed", field="interests")
    user.home_authority = authority
    user.home_district = district
    user.interests = [value for value in CATEGORY_VALUES if value in wanted]


def describe(user: User) -> str:
    """'Salford (M6)', 'Salford', or '' when not given."""
    if not user.home_authority:
        return ""
    name = areas.authority_name(user.home_authority)
    return f"{name} ({user.home_district})" if user.home_district else name

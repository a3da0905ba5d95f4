"""Helpers for the search tests: search as the service layer does, and change listings the way
provider code does (change, queue_reindex, commit once)."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.search.outbox import queue_reindex
from marketplace.search.params import parse_search_params
from marketplace.search.services import search_services
from tests.factories import make_provider, make_service


def search(page_size: int | None = None, **args):
    return search_services(parse_search_params(args), page_size=page_size, log=False)


def titles(**args) -> list[str]:
    return [hit.title for hit in search(page_size=100, **args).hits]


def full_titles(**args) -> list[str]:
    """Titles of the results matching every word (partial matches follow them)."""
    results = search(page_size=100, **args)
    return [hit.title for hit in results.hits[:results.full_total]]


def edit_service(service, **changes) -> None:
    for name, value in changes.items():
        setattr(service, name, value)
    queue_reindex(service.id)
    db.session.commit()


def delete_service(service) -> None:
    service_id = service.id
    db.session.delete(service)
    queue_reindex(service_id)
    db.session.commit()


def edit_provider(provider, **changes) -> None:
    for name, value in changes.items():
        setattr(provider, name, value)
    for service in provider.services:
        queue_reindex(service.id)
    db.session.commit()


def build_market():
    """A small market with every filter value used at least once, returned by short name."""
    ulo = make_provider(name="Salford Voices", provider_type="ulo", is_user_led=True,
                        staff_count=4)
    big = make_provider(name="Northern Care Partnership", provider_type="larger-provider",
                        staff_count=250)
    gym = make_provider(name="Wigan Leisure", provider_type="community-activity",
                        staff_count=40)
    pa = make_provider(name="Amira Khan", provider_type="personal-assistant", staff_count=1)
    services = {
        "peer": make_service(
            ulo, title="Hearing voices peer group",
            description="A weekly group for people who hear voices, run by people who do.",
            category="peer-support", local_authorities=["salford"], evenings=True,
            price_pence=0, price_unit="session", is_group=True, capacity=12, poolable=True,
            rating_centi=460, review_count=12,
        ),
        "befriend": make_service(
            ulo, title="Befriending visits",
            description="A volunteer visits you at home for a cup of tea and a chat.",
            category="befriending", local_authorities=[], postcode_districts=["M6"],
            weekends=True, price_pence=800, price_unit="hour", rating_centi=390,
            review_count=4,
        ),
        "pa": make_service(
            pa, title="Personal assistance with daily living",
            description="Help getting up, out and about, shopping and appointments.",
            category="personal-assistance", local_authorities=["manchester"],
            languages=["en", "ur"], evenings=True, weekends=True, price_pence=1650,
            price_unit="hour", rating_centi=480, review_count=20,
        ),
        "gym": make_service(
            gym, title="Leisure centre membership",
            description="Gym, pool and classes at three Wigan leisure centres.",
            category="sport-fitness", local_authorities=["wigan"], price_pence=2500,
            price_unit="month", tags=["swimming", "exercise"],
        ),
        "art": make_service(
            big, title="Photography for wellbeing",
            description="Learn to use a camera and take photographs on walks around the city.",
            category="arts", secondary_categories=["wellbeing", "learning"],
            delivery_modes=["in-person", "online"], local_authorities=["manchester", "salford"],
            price_pence=4500, price_unit="session", rating_centi=250, review_count=3,
        ),
        "advocacy": make_service(
            big, title="Independent advocacy by phone",
            description="An advocate helps you say what you want at meetings and reviews.",
            category="advocacy", delivery_modes=["phone"], local_authorities=["bolton"],
            languages=["en", "pl"], price_pence=3000, price_unit="hour", rating_centi=150,
            review_count=2,
        ),
    }
    return services

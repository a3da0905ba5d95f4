"""The provider domain functions on their own: search reindexing queued in the same
transaction as each change, status moves, ownership, and text cleaning."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.providers import services
from marketplace.providers.models import Service
from marketplace.search.models import IndexOutboxEntry
from tests.factories import make_provider, make_service, make_user


def _details(**overrides) -> services.ServiceDetails:
    values = {
        "title": "Allotment group", "description": "We grow vegetables together.",
        "category": "sport-fitness", "price_pence": 500, "price_unit": "session",
        "delivery_modes": ["in-person"], "local_authorities": ["bury"], "languages": ["en"],
    }
    values.update(overrides)
    return services.ServiceDetails(**values)


def _uncommitted_outbox_ids() -> list[int]:
    """Outbox rows visible inside the current, not yet committed, transaction."""
    return list(db.session.scalars(sa.select(IndexOutboxEntry.service_id)))


def test_each_change_queues_a_reindex_in_the_same_transaction(app):
    provider = make_provider()
    db.session.execute(sa.delete(IndexOutboxEntry))

    service = services.create_service(provider, _details())
    assert _uncommitted_outbox_ids() == [service.id]
    services.update_service(service, _details(title="Allotment and garden group"))
    services.pause_service(service)
    services.resume_service(service)
    service_id = service.id
    services.delete_service(service)
    assert _uncommitted_outbox_ids() == [service_id] * 5
    assert db.session.get(Service, service_id) is None

    # Nothing was committed: rolling back takes the listing and its outbox rows together.
    db.session.rollback()
    assert _uncommitted_outbox_ids() == []


def test_a_profile_change_queues_every_service_of_that_provider_only(app):
    provider = make_provider()
    first, second = make_service(provider), make_service(provider, title="Two")
    make_service()  # another provider's service is not touched
    db.session.execute(sa.delete(IndexOutboxEntry))
    details = services.ProviderDetails(name="Renamed", provider_type="community-group",
                                       staff_count=12)
    services.save_provider_profile(provider.owner, details)
    assert sorted(_uncommitted_outbox_ids()) == sorted([first.id, second.id])
    assert not provider.is_micro


def test_invalid_details_raise_every_problem_and_change_nothing(app):
    service = make_service()
    with pytest.raises(services.ListingInvalid) as raised:
        services.update_service(service, _details(title="", price_pence=None, languages=[]))
    assert [field for field, _ in raised.value.problems] == ["title", "languages", "price_pence"]
    assert raised.value.field == "title"
    assert service.title == "Peer support group"


def test_illegal_status_moves_raise_a_named_error(app):
    service = make_service()
    with pytest.raises(services.ServiceStatusError, match="already showing in search"):
        services.resume_service(service)
    services.pause_service(service)
    with pytest.raises(services.ServiceStatusError, match="already paused"):
        services.pause_service(service)


def test_only_the_owner_gets_their_own_service(app):
    service = make_service()
    assert services.get_own_service(service.provider.owner, service.id) is service
    for stranger in [make_user("provider"), make_provider().owner, None]:
        with pytest.raises(NotFound):
            services.get_own_service(stranger, service.id)
    with pytest.raises(NotFound):
        services.get_own_service(service.provider.owner, service.id + 1000)


def test_a_paused_service_is_public_only_to_its_owner(app):
    service = make_service(status="paused")
    assert services.get_public_service(service.id, viewer=service.provider.owner) is service
    with pytest.raises(NotFound):
        services.get_public_service(service.id)
    with pytest.raises(NotFound):
        services.get_public_service(service.id, viewer=make_user("holder"))


@pytest.mark.parametrize("typed, multiline, cleaned", [
    ("  Art\x00 club\x1b ", False, "Art club"),
    ("one\r\ntwo\rthree", True, "one\ntwo\nthree"),
    ("one\ntwo\tthree", False, "one two three"),
    ("evil\u202egnp.exe", False, "evilgnp.exe"),
    ("اردو\u200cزبان", False, "اردو\u200cزبان"),  # joiners that scripts need are kept
])
def test_clean_text_strips_control_characters(typed, multiline, cleaned):
    assert services.clean_text(typed, multiline=multiline) == cleaned


def test_tags_are_cleaned_into_a_list():
    assert services.clean_tags(" Gym,,FITNESS , gym,  weight   lifting ") == [
        "gym", "fitness", "weight lifting"
    ]
    assert services.clean_tags("") == []


def test_paragraphs_split_at_blank_lines():
    assert services.paragraphs("One\nstill one\n\n \nTwo\n") == ["One\nstill one", "Two"]

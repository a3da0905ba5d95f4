"""Feed ids: UUIDs the standard accepts, read back to the row they name, different on each
site, and nothing for a stranger's."""
from __future__ import annotations

import uuid

from marketplace.openreferral import ids


def test_an_id_is_a_uuid_that_reads_back(app):
    made = ids.make("service_area", 123_456, ids.sub_code("area", "M14"))
    assert str(uuid.UUID(made)) == made and uuid.UUID(made).version == 8
    assert ids.parse(made) == ids.FeedId("service_area", 123_456, ids.sub_code("area", "M14"))
    assert ids.parse(made.upper()) == ids.parse(made)


def test_another_sites_or_a_strangers_ids_are_not_ours(app):
    made = ids.make("service", 7)
    app.config["SITE_URL"] = "https://pathways.other-council.example"
    assert ids.make("service", 7) != made and ids.parse(made) is None
    assert ids.parse("3f7b145d-84af-42d7-8fae-eaca714b02b2") is None
    assert ids.parse("not-an-id") is None and ids.parse(None) is None

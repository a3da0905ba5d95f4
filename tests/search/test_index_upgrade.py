"""Upgrading a node whose index was built by the previous version (Porter stems, INDEX_NAME
services_v2): its worker builds the new index before search answers again."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.search import upkeep
from marketplace.search.errors import SearchStartingUp
from marketplace.search.models import IndexLogHead, SearchIndexPosition
from marketplace.times import utcnow
from tests.factories import make_service
from tests.search.helpers import titles


def test_an_index_from_the_previous_version_is_rebuilt_by_the_worker(app, tmp_path):
    make_service(title="Get out and about", category="befriending",
                 description="Someone to go with you to the shops or the park.")
    # What the previous version left on a node: its index id file, recorded as current.
    old_node = tmp_path / "upgraded-node"
    old_node.mkdir()
    (old_node / "node-services_v2.id").write_text("previous-version-index")
    head = db.session.get(IndexLogHead, 1).position
    db.session.add(SearchIndexPosition(index_id="previous-version-index", state="current",
                                       applied_position=head, last_seen_at=utcnow()))
    db.session.commit()
    app.config["SEARCH_INDEX_DIR"] = str(old_node)

    with pytest.raises(SearchStartingUp):  # a 503 until this node's worker has rebuilt it
        titles(q="getting out and about")
    assert upkeep.status().state == "building"

    upkeep.keep_current()

    assert upkeep.status().state == "current"
    assert titles(q="getting out and about") == ["Get out and about"]

"""Search on many nodes: each node has its own index directory over one database. A change
saved on one node reaches the others through the index log when their upkeep runs; a node
with no index builds it in its worker and says so on /healthz; the log is pruned only past
what every live index has applied."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.search import upkeep
from marketplace.search.errors import SearchStartingUp
from marketplace.search.models import IndexLogEntry, SearchIndexPosition
from marketplace.times import utcnow
from tests.factories import make_service
from tests.search.helpers import delete_service, edit_service, search, titles


@pytest.fixture
def nodes(app, tmp_path):
    """Two nodes' index directories: "first" is the app's own (built at start-up over the
    empty market), "second" a fresh one. on(name) runs a block as that node."""
    directories = {"first": app.config["SEARCH_INDEX_DIR"],
                   "second": str(tmp_path / "second-node-index")}

    @contextmanager
    def on(name: str):
        previous = app.config["SEARCH_INDEX_DIR"]
        app.config["SEARCH_INDEX_DIR"] = directories[name]
        try:
            yield
        finally:
            app.config["SEARCH_INDEX_DIR"] = previous

    return on


def _last_seen_an_hour_ago(index_id: str) -> None:
    db.session.execute(
        sa.update(SearchIndexPosition).where(SearchIndexPosition.index_id == index_id)
        .values(last_seen_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()


def _log_positions() -> list[int]:
    return list(db.session.scalars(sa.select(IndexLogEntry.position).order_by(IndexLogEntry.position)))


def test_edits_pauses_and_deletions_on_one_node_reach_the_other_after_its_upkeep(app, nodes):
    pottery = make_service(title="Pottery taster")
    weaving = make_service(title="Weaving circle")
    choir = make_service(title="Community choir")
    with nodes("second"):
        upkeep.keep_current()  # builds it: three services
        assert sorted(titles()) == ["Community choir", "Pottery taster", "Weaving circle"]

    edit_service(pottery, title="Ceramics taster")
    edit_service(weaving, status="paused")
    delete_service(choir)
    assert titles(q="ceramics") == ["Ceramics taster"]  # the saver's node: at once
    assert titles(q="weaving") == titles(q="choir") == []

    with nodes("second"):
        # Not yet (its worker has not run): it still has the old words.
        assert titles(q="ceramics") == []
        assert [hit.service_id for hit in search(q="pottery").hits] == [pottery.id]
        assert upkeep.keep_current().applied == 3
        assert titles(q="ceramics") == ["Ceramics taster"]
        assert titles(q="pottery") == titles(q="weaving") == titles(q="choir") == []
        assert upkeep.status().state == "current"


def test_a_node_started_empty_says_building_then_catches_up(app, client, nodes):
    make_service(title="Pottery taster")
    with nodes("second"):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["search_index"] == "building"
        with pytest.raises(SearchStartingUp):
            titles(q="pottery")
        api = client.get("/api/v1/services?q=pottery")
        assert api.status_code == 503
        assert api.get_json()["error"]["code"] == "search_starting_up"
        page = client.get("/search?q=pottery")
        assert page.status_code == 503
        assert "Search is starting up" in page.get_data(as_text=True)

        result = upkeep.keep_current()
        assert result.rebuilt == 1
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json()["search_index"] == "current"
        assert titles(q="pottery") == ["Pottery taster"]
        assert client.get("/search?q=pottery").status_code == 200
    # The first node was not disturbed.
    assert client.get("/healthz").status_code == 200


def test_a_lagging_node_answers_503_behind_until_its_upkeep_runs(app, client, nodes):
    service = make_service(title="Pottery taster")
    with nodes("second"):
        upkeep.keep_current()
    edit_service(service, title="Ceramics taster")
    db.session.execute(sa.update(IndexLogEntry).values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    with nodes("second"):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["search_index"] == "behind"
        upkeep.keep_current()
        assert client.get("/healthz").status_code == 200


def test_pruning_keeps_every_entry_a_live_index_still_needs(app, nodes):
    services = [make_service(title=f"Service {number}") for number in range(3)]
    with nodes("second"):
        upkeep.keep_current()
    for number, service in enumerate(services):
        edit_service(service, title=f"Renamed {number}")
    first_position = upkeep.status().applied_position
    with nodes("second"):
        second_position = upkeep.status().applied_position
    assert second_position < first_position

    upkeep.prune_log()
    db.session.commit()
    remaining = _log_positions()
    assert remaining and min(remaining) == second_position + 1  # what the second still needs
    with nodes("second"):
        assert upkeep.keep_current().applied == 3  # nothing it needed was gone
        assert sorted(titles(q="renamed")) == ["Renamed 0", "Renamed 1", "Renamed 2"]

    upkeep.prune_log()
    db.session.commit()
    assert _log_positions() == []  # both have applied everything


def test_a_dead_index_no_longer_holds_pruning_back_and_rebuilds_if_it_returns(app, nodes):
    service = make_service(title="Pottery taster")
    with nodes("second"):
        upkeep.keep_current()
        second_id = upkeep.index.index_id()
    edit_service(service, title="Ceramics taster")
    _last_seen_an_hour_ago(second_id)

    assert upkeep.prune_log() > 0
    db.session.commit()
    assert _log_positions() == []
    with nodes("second"):
        assert upkeep.status().state == "building"  # it missed pruned entries
        assert upkeep.keep_current().rebuilt == 1
        assert titles(q="ceramics") == ["Ceramics taster"]
        assert upkeep.status().state == "current"


def test_entries_past_the_retention_window_go_even_if_a_live_index_lags(app, nodes):
    service = make_service(title="Pottery taster")
    with nodes("second"):
        upkeep.keep_current()
    edit_service(service, title="Ceramics taster")
    db.session.execute(sa.update(IndexLogEntry).values(created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    upkeep.prune_log()
    db.session.commit()
    assert _log_positions() == []
    with nodes("second"):
        assert upkeep.keep_current().rebuilt == 1
        assert titles(q="ceramics") == ["Ceramics taster"]


def test_positions_follow_commit_order(app):
    """An entry that a transaction added first but committed last gets the higher position,
    so an index that applied up to the other entry cannot skip it."""
    first, second = make_service(title="First"), make_service(title="Second")
    from marketplace.search.outbox import queue_reindex

    queue_reindex(first.id)
    db.session.flush()  # added, not committed
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # SQLite has one writer at a time
            from marketplace.search.outbox import append_changes

            append_changes(connection, [second.id])
    db.session.commit()
    rows = db.session.execute(
        sa.select(IndexLogEntry.service_id, IndexLogEntry.position).order_by(IndexLogEntry.position)
    ).all()
    assert rows[-1].service_id == first.id
    assert [position for _, position in rows] == list(range(1, len(rows) + 1))


def test_an_idle_node_s_upkeep_keeps_it_counted_as_live(app, nodes):
    service = make_service(title="Pottery taster")
    with nodes("second"):
        upkeep.keep_current()
        second_id = upkeep.index.index_id()
    _last_seen_an_hour_ago(second_id)
    with nodes("second"):
        assert upkeep.keep_current().applied == 0  # nothing new, but it says it is alive
    edit_service(service, title="Ceramics taster")
    upkeep.prune_log()
    db.session.commit()
    assert _log_positions() != []  # the second node still needs the edit

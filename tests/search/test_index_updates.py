"""Keeping the index in step with the database: edits, pauses, deletions, provider changes,
the index log, `flask reindex`, health and the search log."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search import index, upkeep
from marketplace.search.models import SearchIndexPosition, SearchLogEntry
from marketplace.search.outbox import append_changes
from marketplace.search.params import parse_search_params
from marketplace.search.services import search_services
from tests.factories import make_provider, make_service
from tests.search.helpers import delete_service, edit_provider, edit_service, search, titles


def _applied_everything() -> bool:
    status = upkeep.status()
    return status.state == "current" and status.applied_position == status.head_position > 0


def test_a_new_service_is_searchable_as_soon_as_it_is_committed(app):
    make_service(title="Pottery taster", description="Try the wheel.", category="arts")
    assert _applied_everything()  # by the after-commit hook, before any search or worker
    assert titles(q="pottery") == ["Pottery taster"]


def test_paused_services_are_hidden_and_resumed_ones_come_back(app):
    service = make_service(title="Pottery taster", category="arts")
    edit_service(service, status="paused")
    assert titles(q="pottery") == []
    assert search(category="arts").total == 0
    assert search().facets["category"] == []
    edit_service(service, status="active")
    assert titles(q="pottery") == ["Pottery taster"]


def test_an_edited_service_is_found_by_its_new_words_not_its_old_ones(app):
    service = make_service(title="Pottery taster", description="Try the wheel.",
                           category="arts", price_pence=1500)
    edit_service(service, title="Ceramics taster", description="Glazing and firing.",
                 category="learning", price_pence=500)
    assert titles(q="pottery") == []
    assert titles(q="wheel") == []
    assert titles(q="ceramics") == ["Ceramics taster"]
    assert titles(q="glazing") == ["Ceramics taster"]
    assert search(category="arts").total == 0
    assert search(category="learning").total == 1
    assert search(max_price="5").total == 1
    assert search(q="ceramics").hits[0].price_pence == 500


def test_deleted_services_are_gone(app):
    service = make_service(title="Pottery taster", category="arts")
    delete_service(service)
    assert titles(q="pottery") == []
    assert search().total == 0


def test_a_deleted_provider_takes_its_services_out(app):
    provider = make_provider()
    service = make_service(provider, title="Pottery taster")
    service_id = service.id
    db.session.delete(provider)
    from marketplace.search.outbox import queue_reindex

    queue_reindex(service_id)
    db.session.commit()
    assert titles(q="pottery") == []


def test_provider_changes_reach_every_service(app):
    provider = make_provider(name="Hilltop Crafts", is_user_led=False, staff_count=3)
    make_service(provider, title="Pottery taster")
    make_service(provider, title="Weaving circle")
    assert search(ulo="true").total == 0
    edit_provider(provider, name="Valley Makers", is_user_led=True, staff_count=30)
    assert search(ulo="true").total == 2
    assert search(micro="true").total == 0
    assert titles(q="hilltop") == []
    assert sorted(titles(q="valley makers")) == ["Pottery taster", "Weaving circle"]


def test_rating_changes_are_indexed(app):
    service = make_service(title="Pottery taster")
    assert search(min_rating="4").total == 0
    edit_service(service, rating_centi=450, review_count=3)
    assert search(min_rating="4").total == 1


def test_the_upkeep_applies_entries_the_commit_hook_missed(app):
    service = make_service(title="Pottery taster")
    # A web process that crashed between committing and indexing: the change and its entry
    # are in the database, the index still has the old document.
    with db.engine.begin() as connection:  # committed without the session's hook
        connection.execute(
            sa.update(Service).where(Service.id == service.id).values(title="Ceramics taster")
        )
        append_changes(connection, [service.id])
    db.session.expire_all()  # a new request would not have the old row in its session
    assert titles(q="ceramics") == []  # a search never writes the index
    assert upkeep.keep_current().applied == 1
    assert titles(q="ceramics") == ["Ceramics taster"]
    assert titles(q="pottery") == []
    assert _applied_everything()


def test_applying_entries_again_is_harmless(app):
    service = make_service(title="Pottery taster")
    with db.engine.begin() as connection:
        append_changes(connection, [service.id] * 3 + [999999])
    assert upkeep.keep_current().applied == 4
    assert upkeep.keep_current().applied == 0
    # A crash after the index commit but before the position was recorded: all again.
    db.session.execute(sa.update(SearchIndexPosition).values(applied_position=0))
    db.session.commit()
    assert upkeep.keep_current().applied == 5
    assert titles(q="pottery") == ["Pottery taster"]
    assert set(index.indexed_documents()) == {service.id}


def test_reindex_command_rebuilds_from_the_database(app, runner):
    provider = make_provider()
    kept = make_service(provider, title="Pottery taster")
    paused = make_service(provider, title="Weaving circle")
    # Change the database behind the index's back (no log entries for the pause).
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Service).where(Service.id == paused.id).values(status="paused")
        )
        connection.execute(
            sa.update(Service).where(Service.id == kept.id).values(title="Ceramics taster")
        )
        append_changes(connection, [kept.id])
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 service in" in result.output
    assert "seconds" in result.output
    db.session.expire_all()
    assert _applied_everything()
    assert titles(q="ceramics") == ["Ceramics taster"]
    assert titles(q="weaving") == titles(q="pottery") == []


def test_health_reports_ok(app):
    make_service()
    assert index.health() == "ok"


def test_health_reports_an_unusable_index(app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    app.config["SEARCH_INDEX_DIR"] = str(blocker)
    assert index.health().startswith("error: ")


def test_every_search_is_logged_without_identity(app):
    make_service(title="Pottery taster", category="arts", local_authorities=["salford"])
    params = parse_search_params({"q": "Pottery", "category": "arts", "area": "M6 5AB",
                                  "ulo": "false", "sort": "price", "page": "1"})
    search_services(params, channel="api")
    db.session.commit()
    entry = db.session.scalars(sa.select(SearchLogEntry)).one()
    assert entry.query_text == "Pottery"
    assert entry.filters == {"category": "arts", "area": "M6"}
    assert entry.area == "M6"  # the district only, never the full postcode
    assert entry.result_count == 1
    assert entry.channel == "api"
    columns = set(SearchLogEntry.__table__.columns.keys())
    assert columns == {"id", "query_text", "filters", "area", "result_count", "channel",
                       "created_at", "specialism"}


def test_searches_with_log_false_are_not_logged(app):
    search_services(parse_search_params({"q": "anything"}), log=False)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchLogEntry)) == 0


def test_zero_result_searches_are_logged_too(app):
    search_services(parse_search_params({"q": "unicycle"}))
    db.session.commit()
    entry = db.session.scalars(sa.select(SearchLogEntry)).one()
    assert (entry.query_text, entry.result_count, entry.channel) == ("unicycle", 0, "web")


def test_the_search_log_is_written_in_batches_and_flushed_at_exit(app):
    from marketplace.search import search_log

    app.config.update(SEARCH_LOG_FLUSH_ROWS=3, SEARCH_LOG_FLUSH_SECONDS=3600)

    def logged() -> list[str]:
        return sorted(db.session.scalars(sa.select(SearchLogEntry.query_text)))

    for word in ("art", "swimming"):
        search_services(parse_search_params({"q": word}))
    assert logged() == []  # buffered in this process
    search_services(parse_search_params({"q": "choir"}))
    assert logged() == ["art", "choir", "swimming"]  # the third row flushed all three
    search_services(parse_search_params({"q": "pottery"}))
    search_log.flush_all()  # what the process does at exit
    assert logged() == ["art", "choir", "pottery", "swimming"]

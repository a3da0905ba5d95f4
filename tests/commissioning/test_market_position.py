"""Market position statements: drafted from the market figures (disclosed), edited, refused
when wrong, published as a public page anyone reads; drafts for commissioners only."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from marketplace.commissioning.statement_models import MarketPositionStatement
from marketplace.extensions import db
from marketplace.search.models import SearchLogEntry
from tests.factories import make_provider, make_service, make_user
from tests.orders.pages import anonymous, text
from tests.commissioning.summaries import summarise_if_asked
from tests.commissioning.statement_drafting import run_statement_drafts

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def market(app, clock, figures_from):
    clock.set(NOW)
    provider = make_provider(name="Salford Peers", is_user_led=True, staff_count=4)
    for number in range(9):
        make_service(provider, title=f"Group {number}")
    make_service(make_provider(name="Bolton Arts"), category="arts", local_authorities=["bolton"])
    db.session.add_all(SearchLogEntry(query_text="peer support in urdu", area="salford",
                                      filters={"category": "peer-support"}, result_count=0,
                                      created_at=NOW) for _ in range(12))
    db.session.commit()
    summarise_if_asked(figures_from)


def _draft(client) -> int:
    """Ask for a draft and let the worker's job write it, as the worker would."""
    response = client.post("/commissioning/statements", data={
        "start": "2026-09-01", "end": "2026-11-30"})
    assert response.status_code == 302
    run_statement_drafts()
    return db.session.scalars(sa.select(MarketPositionStatement.id)).one()


def test_a_draft_is_written_from_the_disclosed_figures(client, logged_in_commissioner, market):
    statement_id = _draft(client)
    page = text(client.get(f"/commissioning/statements/{statement_id}"))
    assert "Market position statement, 1 September 2026 to 30 November 2026" in page
    # 10 services (shown 10), from 2 providers (fewer than 8); the Salford gap named.
    assert "10 services from fewer than 8 providers were listed" in page
    assert "Peer support and self-help groups, 10; Arts and creative activities, fewer than 8" \
        in page
    assert "Peer support and self-help groups in Salford (10 signs, 10 services listed)" in page
    assert "People searched 10 times" in page
    assert "peer support in urdu" not in page  # no one's words in a public statement


def test_it_is_edited_published_and_read_by_anyone(app, client, logged_in_commissioner, market):
    statement_id = _draft(client)
    url = f"/commissioning/statements/{statement_id}"
    # The last section still asks for the council's intentions: publishing is refused.
    client.post(f"{url}/publish")
    assert "Write what the council will do before publishing" in text(client.get(url))
    fields = {"title": "Salford market position 2026",
              "intentions": "We will fund two Urdu-speaking peer groups in Salford by April.",
              "introduction": "<script>alert(1)</script>About this year."}
    assert client.post(url, data=fields).status_code == 302
    assert anonymous(app).get(f"/market-position-statements/{statement_id}").status_code == 404
    response = client.post(f"{url}/publish")
    assert response.headers["Location"].endswith(f"/market-position-statements/{statement_id}")
    public = anonymous(app).get(f"/market-position-statements/{statement_id}")
    body = public.get_data(as_text=True)
    assert "We will fund two Urdu-speaking peer groups in Salford by April." in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "Salford market position 2026" in text(anonymous(app).get(
        "/market-position-statements"))
    # Published: it no longer changes.
    response = client.post(url, data={**fields, "title": "Changed"})
    assert response.status_code == 409
    assert db.session.get(MarketPositionStatement, statement_id).title == \
        "Salford market position 2026"


@pytest.mark.parametrize("form, message", [
    ({"start": "2026-11-30", "end": "2026-09-01"}, "must be the same as or after"),
    ({"start": "2026-09-01", "end": "2027-01-01"}, "cannot be in the future"),
    ({"end": "2026-11-30"}, "Enter the first day of the period"),
])
def test_a_wrong_period_is_explained_and_drafts_nothing(
        client, logged_in_commissioner, market, form, message):
    response = client.post("/commissioning/statements", data=form)
    assert response.status_code == 400 and message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(MarketPositionStatement.id))) == 0


def test_an_over_long_section_or_missing_title_is_explained(client, logged_in_commissioner, market):
    url = f"/commissioning/statements/{_draft(client)}"
    response = client.post(url, data={"title": "", "supply": "x" * 6001})
    assert response.status_code == 400
    page = text(response)
    assert "Give the statement a title" in page and "Use 6000 characters or fewer" in page


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_only_commissioners_draft_edit_and_publish(app, client, auth, market, role):
    commissioner = make_user("commissioner")
    with app.test_request_context():
        from marketplace.commissioning.disclosure import current_rule
        from marketplace.commissioning.statements import create_draft
        draft = create_draft(commissioner, datetime(2026, 9, 1).date(),
                             datetime(2026, 11, 30).date(), current_rule())
        db.session.commit()
        draft_id = draft.id
    assert auth.login(make_user(role).email).status_code == 302
    for url in ("/commissioning/statements", f"/commissioning/statements/{draft_id}"):
        assert client.get(url).status_code == 403
    assert client.post(f"/commissioning/statements/{draft_id}/publish").status_code == 403
    assert client.get(f"/market-position-statements/{draft_id}").status_code == 404
    assert db.session.get(MarketPositionStatement, draft_id).state == "draft"

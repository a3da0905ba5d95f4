"""Who may see and move payment runs: an organisation's staff only their own organisation's
runs, commissioners only direct-payment runs, never providers or holders; a provider sees only
its own payments."""
import pytest
import sqlalchemy as sa

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutRun
from tests.factories import make_account_manager, make_user
from tests.payouts.conftest import login


@pytest.fixture
def sent_run(market):
    market.order(market.sam, market.art)
    payer = payouts.payer_for(market.manager)
    run = payouts.create_payout_run(market.manager, payer, "bacs_file").run
    payouts.send_payout_run(market.manager, payer, run.id)
    db.session.commit()
    return run


def run_urls(run_id: int, area: str = "managed") -> list[tuple[str, str]]:
    base = f"/{area}/payouts"
    return [("get", base), ("post", f"{base}/new"), ("get", f"{base}/{run_id}"),
            ("post", f"{base}/{run_id}/send"), ("post", f"{base}/{run_id}/paid"),
            ("post", f"{base}/{run_id}/cancel"), ("get", f"{base}/{run_id}/payment-file.csv"),
            ("get", f"{base}/{run_id}/orders.csv")]


def test_staff_of_another_organisation_cannot_see_or_move_a_run(app, market, sent_run):
    other = budget_services.create_managed_account_organisation(name="Bolton Brokerage")
    db.session.commit()
    client = login(app, make_account_manager(other))
    for method, url in run_urls(sent_run.id)[2:]:
        assert getattr(client, method)(url).status_code == 404, url
    page = client.get("/managed/payouts").get_data(as_text=True)
    assert "Bright Days" not in page and f"Payment run {sent_run.id}" not in page
    assert "Sam Patel" not in client.get("/managed/reconciliation").get_data(as_text=True)
    db.session.refresh(sent_run)
    assert sent_run.status == "sent"


@pytest.mark.parametrize("role", ["holder", "supporter", "provider"])
def test_providers_holders_and_supporters_get_no_payout_pages(app, market, sent_run, role):
    client = login(app, market.bright.owner if role == "provider" else make_user(role))
    for area in ("managed", "commissioning"):
        for method, url in run_urls(sent_run.id, area):
            assert getattr(client, method)(url).status_code == 403, url
    assert client.get("/managed/reconciliation").status_code == 403
    db.session.refresh(sent_run)
    assert sent_run.status == "sent"


def test_commissioners_and_organisation_staff_each_keep_to_their_own_area(app, market, sent_run):
    commissioner = login(app, make_user("commissioner"))
    for method, url in run_urls(sent_run.id, "managed"):
        assert getattr(commissioner, method)(url).status_code == 403
    assert commissioner.get("/managed/reconciliation").status_code == 403
    # A managed run is not a direct-payment run, even at the commissioners' address.
    assert commissioner.get(f"/commissioning/payouts/{sent_run.id}").status_code == 404
    staff = login(app, market.manager)
    for method, url in run_urls(sent_run.id, "commissioning"):
        assert getattr(staff, method)(url).status_code == 403


def test_staff_not_linked_to_an_organisation_are_refused(app, market):
    client = login(app, make_user("account_manager"))
    assert client.get("/managed/payouts").status_code == 403
    assert client.get("/managed/reconciliation").status_code == 403


def test_anonymous_people_are_sent_to_log_in(app, market, sent_run):
    client = app.test_client()
    for url in ("/managed/payouts", f"/managed/payouts/{sent_run.id}", "/commissioning/payouts",
                "/managed/reconciliation", "/provider/payments", "/provider/payments/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(sa.select(PayoutRun.status)) == "sent"


def test_a_provider_cannot_see_another_providers_payment(app, market, sent_run):
    [item] = sent_run.items
    own = login(app, market.bright.owner)
    assert own.get(f"/provider/payments/{item.id}").status_code == 200
    other = login(app, market.quiet.owner)
    response = other.get(f"/provider/payments/{item.id}")
    assert response.status_code == 404
    assert "Bright Days" not in response.get_data(as_text=True)
    assert item.reference not in other.get("/provider/payments").get_data(as_text=True)
    newcomer = login(app, make_user("provider"))  # no provider profile yet
    assert newcomer.get(f"/provider/payments/{item.id}").status_code == 404

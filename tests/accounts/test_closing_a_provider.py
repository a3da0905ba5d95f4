"""A provider closes its account: its services leave search and every page (and the API) at
once, its past orders and the payments made to it stay for the council and still add up, and a
sole trader's personal details go. A provider is held back while an order is in progress or
Pathways still owes it money."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.enquiries import services as enquiries
from marketplace.enquiries.models import Enquiry
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.checks import check_ledger
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutRun
from marketplace.providers.models import Provider, Service
from marketplace.reviews import replies
from marketplace.reviews import services as reviews
from marketplace.search.services import search_services
from marketplace.search.types import SearchParams
from tests.accounts.closure_scan import where_found
from tests.factories import (
    PASSWORD,
    make_account_manager,
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)
from tests.orders.pages import anonymous, browser, text
from tests.payouts.conftest import give_bank_details

ABOUT = "I am a mum of two from Eccles with ten years of caring for my own dad."
PHONE = "07700 900456"


@pytest.fixture
def app(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return app


def _found(words: str) -> list[int]:
    return [hit.service_id for hit in search_services(SearchParams(q=words), log=False).hits]


class SoleTrader:
    """Jane Okonkwo works on her own as a personal assistant. Sam bought from her through his
    managed account; the organisation has paid her in a payment run; he reviewed her and she
    replied. Ola's question is still open."""

    def __init__(self):
        from marketplace.budgets import services as budget_services

        organisation = budget_services.create_managed_account_organisation(
            name="Salford Independent Living", auto_approve_limit_pence=100_000)
        db.session.commit()
        self.manager = make_account_manager(organisation)
        self.owner = make_user("provider", name="Jane Okonkwo",
                               email="jane.okonkwo@example.org")
        self.provider = make_provider(
            self.owner, name="Jane Okonkwo PA", provider_type="personal-assistant",
            staff_count=1, description=ABOUT, contact_name="Jane Okonkwo",
            contact_email=self.owner.email, contact_phone=PHONE,
            website="https://jane-okonkwo.example.org", postcode_district="M30")
        self.service = make_service(self.provider, title="Personal assistance in Eccles",
                                    description="Help at home and getting out, from Jane.",
                                    category="personal-assistance")
        self.sam = make_user("holder", name="Sam Patel")
        budget = make_funded_budget(self.sam, amount_pence=50_000, organisation=organisation)
        self.order = orders.place_order(self.sam, self.sam.id, orders.OrderRequest(
            budget.id, self.service.id, 2))
        for actor, action in ((self.owner, "accept"), (self.owner, "deliver"),
                              (self.sam, "confirm")):
            orders.act_on_order(actor, self.order.id, action)
        db.session.commit()
        review = reviews.submit_review(self.sam, self.order, reviews.ReviewDetails(
            stars=4, helped="yes", text="Reliable and kind help every week.",
            shown_as="name")).review
        db.session.commit()
        replies.reply_to(self.owner, review.id, "Thank you, it is a pleasure. Jane Okonkwo")
        give_bank_details(self.provider, name="J OKONKWO")
        payer = payouts.payer_for(self.manager)
        self.run = payouts.create_payout_run(self.manager, payer, "bacs_file").run
        payouts.send_payout_run(self.manager, payer, self.run.id)
        payouts.mark_payout_run_paid(self.manager, payer, self.run.id)
        self.ola = make_user("holder", name="Ola Other")
        posted, _ = enquiries.start_enquiry(self.ola, self.service.id, self.ola.id,
                                            "Do you work on Sunday mornings?")
        self.enquiry = posted.message.enquiry
        enquiries.post_message(self.owner, self.enquiry.id, "Yes, Jane Okonkwo here: I do.")
        db.session.commit()


@pytest.fixture
def jane(app):
    return SoleTrader()


def test_closing_takes_the_services_out_of_search_and_every_page(app, jane):
    assert _found("eccles") == [jane.service.id]
    assert browser(app, jane.owner).post("/account/close",
                                         data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert _found("eccles") == [] and _found("personal assistance") == []
    visitor = anonymous(app)
    for path in (f"/services/{jane.service.id}", f"/providers/{jane.provider.id}",
                 f"/api/v1/providers/{jane.provider.id}",
                 f"/api/v1/services/{jane.service.id}"):
        assert visitor.get(path).status_code == 404, path
    assert db.session.get(Service, jane.service.id).status == "removed"
    enquiry = db.session.get(Enquiry, jane.enquiry.id)
    assert enquiry.state == "closed" and enquiry.closed_by_id == jane.owner.id


def test_past_orders_and_payments_stay_and_add_up(app, jane):
    before = [(o.id, o.state, o.total_pence, o.provider_id) for o in
              db.session.scalars(sa.select(Order).order_by(Order.id))]
    paid = ledger.account_balance(ledger.payouts_paid_account())
    browser(app, jane.owner).post("/account/close", data={"password": PASSWORD})
    db.session.expire_all()
    assert [(o.id, o.state, o.total_pence, o.provider_id) for o in
            db.session.scalars(sa.select(Order).order_by(Order.id))] == before
    assert before[0][1] == "paid_out"
    assert ledger.account_balance(ledger.payouts_paid_account()) == paid == 3_000
    assert check_ledger().ok
    run = db.session.get(PayoutRun, jane.run.id)
    assert run.status == "paid" and [item.amount_pence for item in run.items] == [3_000]
    # The bank file of the run she was paid in can still be made, to the account it paid.
    assert "J OKONKWO" in payouts.payment_file(run)
    # Sam still sees what he bought, from whom it now says.
    page = text(browser(app, jane.sam).get(f"/orders/{jane.order.id}"))
    assert "Personal assistance in Eccles" in page and "Former provider" in page


def test_a_sole_traders_personal_details_go(app, jane):
    browser(app, jane.owner).post("/account/close", data={"password": PASSWORD})
    db.session.expire_all()
    provider = db.session.get(Provider, jane.provider.id)
    assert provider.name.startswith("Former provider ")
    assert (provider.description, provider.contact_name, provider.contact_email,
            provider.contact_phone, provider.website, provider.postcode_district) == \
        ("", "", "", "", "", "")
    assert db.session.get(Service, jane.service.id).description == ""
    # Her name stays only where the council's payment record must keep it: the ledger's
    # description of the payment run (which can never be edited) and the bank account name.
    kept = {("ledger_transactions", "description"), ("provider_payout_details", "account_name")}
    left = where_found(["Okonkwo", "jane.okonkwo@example.org", PHONE, ABOUT, "Eccles with"])
    assert {(table, column) for table, column, _ in left} <= kept
    assert ("ledger_transactions", "description", "okonkwo") in left


def test_an_organisation_keeps_its_name_but_not_its_contact_person(app):
    owner = make_user("provider", name="Bea Bright")
    provider = make_provider(owner, name="Bright Days", provider_type="ulo",
                             contact_name="Bea Bright", contact_phone="0161 496 0000")
    make_service(provider, title="Art group")
    browser(app, owner).post("/account/close", data={"password": PASSWORD})
    db.session.expire_all()
    provider = db.session.get(Provider, provider.id)
    assert provider.name == "Bright Days"
    assert (provider.contact_name, provider.contact_email, provider.contact_phone) == ("", "", "")
    assert where_found(["Bea Bright", "0161 496 0000"]) == []


def test_an_order_in_progress_or_money_still_owed_holds_the_provider_back(app):
    owner = make_user("provider")
    service = make_service(make_provider(owner), title="Art group", price_pence=2_000)
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=10_000, auto_approve_limit_pence=10_000)
    order = orders.place_order(holder, holder.id, orders.OrderRequest(budget.id, service.id, 1))
    db.session.commit()
    client = browser(app, owner)
    words = text(client.get("/account/close"))
    assert f"Order {order.id} for Art group (£20.00): Waiting for the provider to accept." in words
    orders.act_on_order(owner, order.id, "accept")
    orders.act_on_order(owner, order.id, "deliver")
    orders.act_on_order(holder, order.id, "confirm")
    db.session.commit()
    words = text(client.get("/account/close"))
    assert f"Order {order.id}" not in words
    assert "Pathways has not paid you £20.00 for orders you delivered yet." in words
    assert client.post("/account/close", data={"password": PASSWORD}).status_code == 409
    assert db.session.get(Service, service.id).status == "active"

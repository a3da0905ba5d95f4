"""A holder with something of every kind held about them, for the data rights tests.

Sam Patel (the order pages' market: a £500 budget held by Salford Independent Living, whose
staff member is Mo) has a support plan with two outcomes (one added by Jo), an order placed,
approved, delivered, confirmed and reviewed (with Bright Days' reply), a second order Jo placed
for Sam, a pledge to a pool Priya also joined, a need with a quote from Bright Days, an
enquiry answered by Bright Days, and Jo Broker as a supporter (view, plan and buy) who looked
at Sam's plan.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.budgets import plans
from marketplace.datarights import exports
from marketplace.datarights.models import DataExport, DataExportFile
from marketplace.datarights.views_log import note_view
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from marketplace.reviews import replies
from marketplace.reviews.services import ReviewDetails, submit_review
from marketplace.times import london_today
from tests.enquiries.helpers import answered, asked
from tests.factories import make_funded_budget, make_service, make_user
from tests.jobs.conftest import workers  # noqa: F401  (worker processes, for test_two_workers)
from tests.orders.pages import Market, grant, with_order_pages
from tests.pools.helpers import request as pool_request
from tests.reviews.market import delivered_order

PLAN_WORDS = "I want to get back to photography and see people on Sundays."
REVIEW_WORDS = "Friendly group, and I took photos again for the first time in years."
REPLY_WORDS = "Thank you, Sam. See you on Tuesday."
NEED_WORDS = "Someone to walk with me to the allotment on Saturdays."


@dataclass
class World:
    market: Market
    jo: object
    priya: object
    first_order: object
    jos_order: object
    pool: object
    need: object

    @property
    def sam(self):
        return self.market.sam


def build_world() -> World:
    market = Market(auto_approve_limit_pence=0)
    market.staff.display_name = "Mo Khan"
    sam = market.sam
    jo = make_user("supporter", name="Jo Broker", email="jo@broker.example.org")
    grant(sam, jo, ["view", "plan", "buy"])
    plans.save_plan(sam, about_me=PLAN_WORDS, review_on=None, actor=sam)
    photos = plans.add_outcome(sam, "Take photos again", actor=sam)
    plans.add_outcome(sam, "Feel less alone on Sundays", actor=jo)
    db.session.commit()

    first = delivered_order(market, outcome=photos)
    submit_review(sam, first, ReviewDetails(stars=4, helped="yes", text=REVIEW_WORDS,
                                            shown_as="name"))
    db.session.commit()
    replies.reply_to(market.provider_owner, _review_id(first), REPLY_WORDS)
    jos = orders.place_order(jo, sam.id, OrderRequest(market.budget.id, market.service.id, 2))
    db.session.commit()

    group = make_service(market.bright, title="Sunday photo walks", category="arts",
                         price_pence=1_000, is_group=True, capacity=8, poolable=True)
    started = pools.start_pool(sam, sam.id, pool_request(group, min_members=2, max_members=3,
                                                         open_to="invite"),
                               Pledge(market.budget.id, "Sam P"))
    db.session.commit()
    priya = make_user("holder", name="Priya Shah", email="priya@example.org")
    priya_budget = make_funded_budget(priya, amount_pence=20_000, organisation=market.organisation)
    pools.join_pool(priya, priya.id, started.pool.id, Pledge(priya_budget.id, "PS"))
    db.session.commit()

    need = needs.post_need(sam, sam.id, needs.NeedDetails(
        words=NEED_WORDS, category="arts", local_authority="salford", timing="weekends",
        budget_low_pence=1_000, budget_high_pence=5_000))
    db.session.commit()
    needs.give_quote(market.provider_owner, need.id, needs.QuoteDetails(
        service_id=market.service.id, price_pence=2_000, price_unit="session", sessions=4,
        expires_on=london_today() + timedelta(days=10), message="We can start next week."))
    db.session.commit()

    answered(market, asked(market))
    return World(market, jo, priya, first, jos, started.pool, need)


def _review_id(order) -> int:
    from marketplace.reviews.models import Review

    return db.session.scalar(sa.select(Review.id).where(Review.order_id == order.id))


@pytest.fixture
def world(app) -> World:
    with_order_pages(app)
    return build_world()


def note_and_write(viewer, holder_id: int, what: str, subject_id=None) -> None:
    """A view written as a page would write it (for tests that do not go through a page)."""
    from flask import g

    from marketplace.datarights.views_log import _write_noted_views

    note_view(viewer, holder_id, what, subject_id)
    _write_noted_views(type("Response", (), {"status_code": 200})())
    g.pop("_information_views", None)


def prepared_copy(user, worker_id: str = "worker-1") -> DataExport:
    """Ask for a copy for `user` and prepare it as the worker does."""
    export = exports.request_export(user)
    db.session.commit()
    report = exports.prepare_waiting_exports(worker_id)
    assert report.ready >= 1, report
    db.session.expire_all()
    return db.session.get(DataExport, export.id)


@dataclass
class Copy:
    files: dict[str, bytes]

    @property
    def names(self) -> set[str]:
        return set(self.files)

    @property
    def data(self) -> dict:
        return json.loads(self.files["data.json"].decode("utf-8"))

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8-sig")

    def csv_rows(self, name: str) -> list[list[str]]:
        import csv

        return list(csv.reader(io.StringIO(self.text(name))))

    @property
    def everything(self) -> str:
        return "\n".join(content.decode("utf-8-sig") for content in self.files.values())


def opened(content: bytes) -> Copy:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return Copy({name: archive.read(name) for name in archive.namelist()})


def stored_copy(export: DataExport) -> Copy:
    return opened(db.session.get(DataExportFile, export.id).content)

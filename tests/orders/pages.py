"""Shared by the order, managed-account and notification page tests: the app with this area's
blueprints (until create_app registers them), logged-in browsers, and a small market.

Sam Patel's social care budget (£500) is held by Salford Independent Living (staff: Mo). Bright
Days sells a £25 photography group; a second organisation, provider and holder stand by to be
refused.
"""
from __future__ import annotations

import re

from flask import g, has_app_context
from flask.testing import FlaskClient

from marketplace.accounts import supporters
from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from tests.factories import (
    PASSWORD,
    make_account_manager,
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)


def with_order_pages(app):
    # Many people log in during one journey; the login limit is tested elsewhere.
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return app


class Browser(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production. (The
    tests share one app context, so without this the logged-in user Flask-Login keeps in `g`
    would leak from one browser's request into another's.)"""

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


def anonymous(app):
    return Browser(app, app.response_class, use_cookies=True)


def browser(app, user):
    """A separate browser, logged in as user."""
    client = anonymous(app)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text(response) -> str:
    """The page's words, tags removed and spaces collapsed, for asserting what a person reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", html)
    for entity, char in (("&#39;", "'"), ("&amp;", "&"), ("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">")):
        words = words.replace(entity, char)
    return " ".join(words.split())


def form_token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no order token"
    return match.group(1)


def grant(holder, supporter, scopes):
    invitation, token = supporters.invite_supporter(
        holder, email=supporter.email, relationship="my broker", scopes=scopes
    )
    supporters.accept_invitation(token, supporter)
    db.session.commit()
    return invitation


class Market:
    def __init__(self, *, auto_approve_limit_pence: int = 0):
        self.organisation = budget_services.create_managed_account_organisation(
            name="Salford Independent Living", kind="ulo",
            auto_approve_limit_pence=auto_approve_limit_pence,
        )
        self.stream = budget_services.create_funding_stream(name="Social care", kind="social_care")
        db.session.commit()
        self.staff = make_account_manager(self.organisation, email="mo@sil.example.org")
        self.sam = make_user("holder", name="Sam Patel")
        self.budget = make_funded_budget(self.sam, amount_pence=50_000,
                                         organisation=self.organisation, stream=self.stream)
        self.bright = make_provider(make_user("provider", name="Bea Bright"), name="Bright Days",
                                    contact_phone="0161 496 0000")
        self.service = make_service(self.bright, title="Photography group", price_pence=2_500,
                                    category="arts")

        self.other_organisation = budget_services.create_managed_account_organisation(
            name="Bolton Money Help", kind="broker")
        db.session.commit()
        self.other_staff = make_account_manager(self.other_organisation, email="olu@bmh.example.org")
        self.other_holder = make_user("holder", name="Ola Other")
        self.other_provider_owner = make_provider(
            make_user("provider", name="Pat Other"), name="Other Care").owner
        self.commissioner = make_user("commissioner")

    @property
    def provider_owner(self):
        return self.bright.owner

    def order_form(self, **changes) -> dict:
        values = {"holder_id": str(self.sam.id), "budget_id": str(self.budget.id),
                  "quantity": "4", "starts_on": "", "ends_on": "", "note_to_provider": "",
                  "outcome_id": ""}
        values.update({key: str(value) for key, value in changes.items()})
        # What "Check your order" showed, as its "Place order" form sends it.
        quantity = values["quantity"]
        total = int(quantity) * self.service.price_pence if quantity.isdigit() else 0
        values.setdefault("confirmed_total_pence", str(total))
        values.setdefault("confirmed_unit_price_pence", str(self.service.price_pence))
        values.setdefault("confirmed_price_unit", self.service.price_unit)
        return values

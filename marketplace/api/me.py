"""GET and PATCH /api/v1/me (who you are, a holder's home area and interests), and
GET /api/v1/me/budgets and GET /api/v1/me/statement: the caller's money, by bearer token.

Invariants: figures come from the ledger through budgets.statements (nothing here computes a
balance); a supporter sees the budgets of exactly the people whose live grant gives them
"view", and any other budget id is 404, the same as one that does not exist (accounts.consent).
Money is int pence beside a display string; every body is built through its model in
api.private_models, the shape the OpenAPI document states.
"""
from __future__ import annotations

from typing import Any

from flask import g, url_for

from marketplace import areas, vocabulary
from marketplace.accounts import consent, home_area
from marketplace.accounts.models import ROLES, User
from marketplace.extensions import db
from marketplace.api import blueprint
from marketplace.api import private_models as shapes
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body
from marketplace.api.serialisers import _iso, _utc, choice
from marketplace.budgets import statements
from marketplace.budgets.models import ROUTES, STREAM_KINDS
from marketplace.datarights.views_log import note_view
from marketplace.errors import DomainError, InvalidParameter, NotFound
from marketplace.ids import MAX_BIG_ID, query_int
from marketplace.money import format_pence

MAX_STATEMENT_PAGE = 200
#: Largest id the database holds (32-bit keys) and largest statement cursor (64-bit line ids):
#: anything bigger is refused here rather than overflowing in PostgreSQL.
MAX_CURSOR = MAX_BIG_ID
BUDGET_NOT_FOUND = "We could not find that budget, or you do not have permission to see it."


def _money(name: str, pence: int) -> dict[str, Any]:
    return {f"{name}_pence": pence, f"{name}_display": format_pence(pence)}


def budget_body(card: statements.BudgetCard) -> dict[str, Any]:
    budget, balances, instalment = card.budget, card.balances, card.next_instalment
    return shapes.Budget(**{
        "id": budget.id,
        "holder": {"id": budget.holder.id, "display_name": budget.holder.display_name},
        "funding_stream": {"id": budget.stream.id, "name": budget.stream.name,
                           "kind": choice(STREAM_KINDS, budget.stream.kind)},
        "route": choice(ROUTES, budget.route),
        "route_display": card.route_label,
        "managed_by": ({"id": budget.managed_by.id, "name": budget.managed_by.name}
                       if budget.managed_by else None),
        "period_start": _iso(budget.allocation.period_start),
        "period_end": _iso(card.period_last_day),
        **_money("planned", budget.planned_pence),
        **_money("allocated", balances.allocated_pence),
        **_money("spent", balances.spent_pence),
        **_money("committed", balances.committed_pence),
        **_money("available", balances.available_pence),
        "next_instalment": ({"due_on": _iso(instalment.due_on),
                             **_money("amount", instalment.amount_pence)}
                            if instalment else None),
        "cannot_buy": [{"category": choice(vocabulary.CATEGORIES, rule.category),
                        "reason": rule.reason} for rule in budget.stream.rules],
        "statement_url": url_for("api.my_statement", budget_id=budget.id, _external=True),
    }).as_json()


def statement_row_body(row: statements.StatementRow) -> dict[str, Any]:
    return shapes.StatementRow(**{
        "transaction_id": row.transaction_id,
        "happened_at": _utc(row.happened_at),
        "description": row.description,
        **_money("money_in", row.money_in_pence),
        **_money("money_out", row.money_out_pence),
        **_money("set_aside_change", row.set_aside_change_pence),
        **_money("available_after", row.available_after_pence),
        "done_by": row.done_by,
    }).as_json()


@blueprint.get("/me/budgets")
@token_required("read")
def my_budgets():
    user = g.api_user
    holders = sorted(consent.holders_for(user, "view"),
                     key=lambda person: (person.id != user.id, person.display_name, person.id))
    for holder in holders:
        note_view(user, holder.id, "budget", channel="api")
    return shapes.BudgetList(budgets=[
        budget_body(card) for holder in holders
        for group in statements.budget_cards(holder) for card in group.cards]).as_json()


@blueprint.get("/me/statement")
@token_required("read")
def my_statement():
    budget_id = query_int("budget_id", required=True)
    before = query_int("before", maximum=MAX_CURSOR)
    page_size = query_int("page_size", maximum=MAX_STATEMENT_PAGE) or statements.PAGE_SIZE
    try:
        budget = statements.budget_for(g.api_user, budget_id)
    except NotFound:
        # One answer for "no such budget" and "not yours", so ids cannot be probed.
        raise NotFound(BUDGET_NOT_FOUND, field="budget_id") from None
    note_view(g.api_user, budget.holder_id, "statement", budget.id, channel="api")
    page = statements.statement_page(budget, before=before, page_size=page_size)
    next_url = None
    if page.next_before is not None:
        next_url = url_for("api.my_statement", budget_id=budget.id, before=page.next_before,
                           page_size=page_size, _external=True)
    return shapes.StatementPage(
        budget_id=budget.id, rows=[statement_row_body(row) for row in page.rows],
        next_before=page.next_before, next_url=next_url).as_json()


def me_body(user: User) -> dict[str, Any]:
    return shapes.Me(
        id=user.id, display_name=user.display_name, role=choice(ROLES, user.role),
        local_authority=(choice(areas.authority_choices(), user.home_authority)
                         if user.home_authority else None),
        postcode_district=user.home_district or None,
        interests=[choice(vocabulary.CATEGORIES, value) for value in user.interests or []],
    ).as_json()


@blueprint.get("/me")
@token_required("read")
def me():
    return me_body(g.api_user)


@blueprint.patch("/me")
@token_required("order")
def change_me():
    body = read_body(shapes.MeRequest, required=True)
    user = g.api_user
    sent = body.model_fields_set
    try:
        home_area.set_home_area(
            user,
            local_authority=body.local_authority if "local_authority" in sent
            else user.home_authority,
            postcode_district=body.postcode_district if "postcode_district" in sent
            else user.home_district,
            interests=body.interests if "interests" in sent else user.interests)
    except DomainError as refused:
        db.session.rollback()
        if refused.field is None or refused.status != 400:
            raise
        raise InvalidParameter(refused.field, f"{refused.message}.") from None
    db.session.commit()
    return me_body(user)

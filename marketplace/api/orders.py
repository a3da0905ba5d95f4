"""POST /api/v1/orders, GET /api/v1/orders/<id> and POST /api/v1/orders/<id>/<action>.

Invariants:
- Only bearer tokens authenticate (api.auth): "read" to look, "order" to place or act.
- POST /orders needs an Idempotency-Key header and places through
  orders.placing.place_order_once, the one rule the pages use too: the same key from the same
  person with the same body returns the order it first made (200, nothing reserved twice);
  with a different body it is refused (422). An optional expected_total_pence is the total
  the client showed the person: if the price has changed since, 409 price_changed.
- Bodies are read by api.bodies into the models of api.private_models, and every answer is
  built through private_models.Order, the shape the OpenAPI document states.
- Every rule (consent, spending rules, money, state machine) lives in orders.services; an order
  the caller may not see is 404 exactly like one that does not exist. Who acted and on whose
  behalf is recorded there and shown here in each event's done_by.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request, url_for
from werkzeug.routing import BuildError

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.accounts.permissions import verified_email_required
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body
from marketplace.api.private_models import ActionRequest
from marketplace.api.private_models import Order as OrderShape
from marketplace.api.private_models import OrderRequest as OrderRequestBody
from marketplace.api.serialisers import _iso, _utc, choice
from marketplace.budgets.models import ROUTES
from marketplace.datarights.views_log import note_view
from marketplace.errors import DomainError, Forbidden, InvalidParameter
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.outcome_privacy import may_see_outcome, outcome_for
from marketplace.orders.placing import Confirmed, place_order_once
from marketplace.orders.services import OrderRequest
from marketplace.orders.queries import (arrived_as, is_card_payment, names_seen_by, shown_as,
                                        shown_state, state_label)
from marketplace.orders.states import PERSON_ACTIONS, IllegalTransition

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


# ---------------------------------------------------------------- reading requests


def _idempotency_key() -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        raise InvalidParameter(
            IDEMPOTENCY_HEADER,
            f"Send an {IDEMPOTENCY_HEADER} header: a value you make up for this order (a UUID "
            "is ideal) and send again if you retry, so the order is never placed twice.",
        )
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidParameter(IDEMPOTENCY_HEADER, f"The {IDEMPOTENCY_HEADER} must be 1 to "
                               f"{MAX_KEY_LENGTH} printable ASCII characters.")
    return key


def _order_request(user: User) -> tuple[int, OrderRequest, int | None]:
    """Whose budget pays, what is ordered, and the total the caller expects (if said)."""
    body = read_body(OrderRequestBody, required=True)
    holder_id = body.holder_id
    if holder_id is None:
        if user.role != "holder":
            raise InvalidParameter("holder_id", "Say whose budget pays: 'holder_id' is needed "
                                   "unless you are the budget holder yourself.")
        holder_id = user.id
    order_request = OrderRequest(
        budget_id=body.budget_id, service_id=body.service_id, quantity=body.quantity,
        starts_on=body.starts_on, ends_on=body.ends_on,
        note_to_provider=body.note_to_provider or "", outcome_id=body.outcome_id,
        outcome_shared=body.outcome_shared, quote_id=body.quote_id,
    )
    return holder_id, order_request, body.expected_total_pence


# ---------------------------------------------------------------- the order's public shape


def _named(user) -> dict[str, Any] | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def _state(value: str | None, shown: str | None = None) -> dict[str, str] | None:
    """{"value": the stored state, "label": its words}; `shown` says which way of being
    cancelled it was (orders.queries.shown_state), so the label says it."""
    return {"value": value, "label": state_label(shown or value)} if value else None


def _page_url(order: Order) -> str:
    try:
        return url_for("orders.order_detail", order_id=order.id, _external=True)
    except BuildError:  # the orders pages are not registered in this app
        return f"{request.host_url.rstrip('/')}/orders/{order.id}"


def _acting_for(event, people: dict[int, User]) -> User | None:
    """The holder a supporter acted for. Events also carry the holder's id when staff or the
    provider acted (consent.on_behalf_of_id), but they act in their own right, not for them."""
    if event.actor is None or event.actor.role != "supporter":
        return None
    return people.get(event.on_behalf_of_id)


#: A card payment's event from before Pathways recorded who paid (migration 0008).
PAYER_NOT_RECORDED = "by card; who paid was not recorded"


def _done_by(event, people: dict[int, User], aliases: dict[int, str]) -> str:
    if event.actor is None and is_card_payment(event):
        return PAYER_NOT_RECORDED
    return done_by_text(shown_as(event.actor, aliases), _acting_for(event, people))


def order_body(order: Order, viewer: User) -> dict[str, Any]:
    return OrderShape(**_order_fields(order, viewer)).as_json()


def _order_fields(order: Order, viewer: User) -> dict[str, Any]:
    people = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(
        {event.on_behalf_of_id for event in order.events if event.on_behalf_of_id})))}
    # A provider sees a pool member by the name they chose (pools/provider_view.py).
    aliases = names_seen_by(viewer, order)

    def _person(user: User | None) -> dict[str, Any] | None:
        return _named(shown_as(user, aliases))

    people = {i: shown_as(user, aliases) for i, user in people.items()}
    # The outcome comes from the holder's support plan (special-category data).
    outcome = outcome_for(viewer, order)
    return {
        "id": order.id,
        "url": _page_url(order),
        "api_url": url_for("api.order", order_id=order.id, _external=True),
        "state": _state(order.state, shown_state(order)),
        "route": choice(ROUTES, order.route),
        "holder": _person(order.holder),
        "placed_by": _person(order.placed_by),
        "budget_id": order.budget_id,
        "service": {"id": order.service_id, "title": order.service_title,
                    "api_url": url_for("api.service", service_id=order.service_id, _external=True)},
        "provider": {"id": order.provider_id, "name": order.provider.name},
        "quantity": order.quantity,
        "price_unit": choice(vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS,
                             order.price_unit),
        "unit_price_pence": order.unit_price_pence,
        "unit_price_display": format_pence(order.unit_price_pence),
        "total_pence": order.total_pence,
        "total_display": format_pence(order.total_pence),
        "starts_on": _iso(order.starts_on),
        "ends_on": _iso(order.ends_on),
        "note_to_provider": order.note_to_provider or "",
        "outcome": {"id": outcome.id, "text": outcome.text} if outcome else None,
        "outcome_shared": order.outcome_shared if may_see_outcome(viewer, order) else None,
        "created_at": _utc(order.created_at),
        "updated_at": _utc(order.updated_at),
        "delivered_at": _utc(order.delivered_at) if order.delivered_at else None,
        "auto_confirm_at": _utc(order.auto_confirm_at) if order.auto_confirm_at else None,
        "allowed_actions": orders.allowed_actions(viewer, order),
        "events": [{
            "from_state": _state(event.from_state),
            "to_state": _state(event.to_state, arrived_as(event)),
            "happened_at": _utc(event.created_at),
            "actor": _person(event.actor),
            "on_behalf_of": _person(_acting_for(event, people)),
            "done_by": _done_by(event, people, aliases),
            "note": event.note or "",
        } for event in order.events],
    }


# ---------------------------------------------------------------- endpoints


@blueprint.post("/orders")
@token_required("order")
@verified_email_required
def place_order():
    user = g.api_user
    key = _idempotency_key()
    holder_id, wanted, expected_total = _order_request(user)
    confirmed = Confirmed(total_pence=expected_total) if expected_total is not None else None
    try:
        order, placed_now = place_order_once(user, holder_id, wanted, key, confirmed=confirmed)
        db.session.commit()
    except DomainError:
        db.session.rollback()  # nothing of a refused order remains, not even in this session
        raise
    if not placed_now:
        return order_body(order, user), 200
    location = url_for("api.order", order_id=order.id, _external=True)
    return order_body(order, user), 201, {"Location": location}


@blueprint.get("/orders/<int:order_id>")
@token_required("read")
def order(order_id: int):
    found = orders.get_order_for(g.api_user, order_id)
    note_view(g.api_user, found.holder_id, "order", found.id, channel="api")
    return order_body(found, g.api_user)


def _act(action: str):
    def view(order_id: int):
        note = read_body(ActionRequest, required=False).note or ""
        try:
            acted = orders.act_on_order(g.api_user, order_id, action, note=note)
        except DomainError as refusal:
            db.session.rollback()
            if isinstance(refusal, IllegalTransition) and refusal.code == "forbidden":
                raise Forbidden(refusal.message) from None  # they may see it, not act on it
            raise
        db.session.commit()
        return order_body(acted, g.api_user)

    view.__name__ = f"order_{action}"
    return view


for _action in PERSON_ACTIONS:
    blueprint.add_url_rule(f"/orders/<int:order_id>/{_action}", methods=["POST"],
                           view_func=token_required("order")(_act(_action)))

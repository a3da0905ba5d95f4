"""POST /api/v1/orders, GET /api/v1/orders/<id> and POST /api/v1/orders/<id>/<action>.

Invariants:
- Only bearer tokens authenticate (api.auth): "read" to look, "order" to place or act.
- POST /orders needs an Idempotency-Key header. The same key from the same person with the same
  body returns the order it first made (200, nothing reserved twice); with a different body it
  is refused (422). Two requests racing with one key meet the unique (placed_by_id,
  idempotency_key) constraint, and the loser answers from the winner's order.
- Every rule (consent, spending rules, money, state machine) lives in orders.services; an order
  the caller may not see is 404 exactly like one that does not exist. Who acted and on whose
  behalf is recorded there and shown here in each event's done_by.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g, request, url_for
from werkzeug.routing import BuildError

from marketplace import vocabulary
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.ids import MAX_ID
from marketplace.api.serialisers import _iso, _utc, choice
from marketplace.budgets.models import ROUTES
from marketplace.errors import DomainError, Forbidden, InvalidParameter
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import IdempotencyConflict, OrderRequest
from marketplace.orders.states import PERSON_ACTIONS, STATE_LABELS, IllegalTransition

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
MAX_NOTE_LENGTH = 2000
#: Order events keep at most this much of a note (orders.services).
MAX_NOTE_LENGTH_ACTION = 1000
ORDER_FIELDS = ("holder_id", "budget_id", "service_id", "quantity", "starts_on", "ends_on",
                "note_to_provider", "outcome_id")
REQUIRED_ORDER_FIELDS = ("budget_id", "service_id", "quantity")


# ---------------------------------------------------------------- reading requests


def _json_object(*, required: bool) -> dict[str, Any]:
    if not request.get_data():
        if required:
            raise InvalidParameter("body", "Send the order as a JSON object in the request body.")
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidParameter("body", "The request body must be a JSON object.")
    return body


def _integer(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        if name in REQUIRED_ORDER_FIELDS:
            raise InvalidParameter(name, f"'{name}' is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidParameter(name, f"'{name}' must be a whole number, 1 or more.")
    return value


def _day(body: dict, name: str) -> date | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(name, f"'{name}' must be a date like 2026-04-30.") from None


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


def _order_request(user: User) -> tuple[int, OrderRequest]:
    body = _json_object(required=True)
    for name in body:
        if name not in ORDER_FIELDS:
            raise InvalidParameter("body", f"'{name}' is not part of an order. The fields are: "
                                   + ", ".join(ORDER_FIELDS) + ".")
    note = body.get("note_to_provider") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        raise InvalidParameter("note_to_provider", "'note_to_provider' must be text of "
                               f"{MAX_NOTE_LENGTH} characters or fewer.")
    holder_id = _integer(body, "holder_id")
    if holder_id is None:
        if user.role != "holder":
            raise InvalidParameter("holder_id", "Say whose budget pays: 'holder_id' is needed "
                                   "unless you are the budget holder yourself.")
        holder_id = user.id
    order_request = OrderRequest(
        budget_id=_integer(body, "budget_id"), service_id=_integer(body, "service_id"),
        quantity=_integer(body, "quantity"), starts_on=_day(body, "starts_on"),
        ends_on=_day(body, "ends_on"), note_to_provider=note,
        outcome_id=_integer(body, "outcome_id"),
    )
    return holder_id, order_request


def _same_request(order: Order, holder_id: int, wanted: OrderRequest) -> bool:
    return (order.holder_id, order.budget_id, order.service_id, order.quantity, order.starts_on,
            order.ends_on, order.note_to_provider, order.outcome_id) == (
        holder_id, wanted.budget_id, wanted.service_id, wanted.quantity, wanted.starts_on,
        wanted.ends_on, wanted.note_to_provider.strip(), wanted.outcome_id)


def _earlier_order(user: User, key: str) -> Order | None:
    return db.session.scalar(
        sa.select(Order).where(Order.placed_by_id == user.id, Order.idempotency_key == key)
    )


def _replay(user: User, earlier: Order, holder_id: int, wanted: OrderRequest):
    if not _same_request(earlier, holder_id, wanted):
        raise IdempotencyConflict(
            f"This {IDEMPOTENCY_HEADER} was already used for a different order. Use a new key "
            "for a new order.", field=IDEMPOTENCY_HEADER,
        )
    order = orders.get_order_for(user, earlier.id)  # access may have been withdrawn since
    return order_body(order, user), 200


# ---------------------------------------------------------------- the order's public shape


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def _state(value: str | None) -> dict[str, str] | None:
    return {"value": value, "label": STATE_LABELS[value]} if value else None


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


def order_body(order: Order, viewer: User) -> dict[str, Any]:
    people = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(
        {event.on_behalf_of_id for event in order.events if event.on_behalf_of_id})))}
    # The outcome comes from the holder's support plan: only they and their supporters see it.
    sees_plan = consent.may_act_for(viewer, order.holder_id, "view")
    return {
        "id": order.id,
        "url": _page_url(order),
        "api_url": url_for("api.order", order_id=order.id, _external=True),
        "state": _state(order.state),
        "route": choice(ROUTES, order.route),
        "holder": _person(order.holder),
        "placed_by": _person(order.placed_by),
        "budget_id": order.budget_id,
        "service": {"id": order.service_id, "title": order.service_title,
                    "api_url": url_for("api.service", service_id=order.service_id, _external=True)},
        "provider": {"id": order.provider_id, "name": order.provider.name},
        "quantity": order.quantity,
        "price_unit": choice(vocabulary.PRICE_UNITS, order.price_unit),
        "unit_price_pence": order.unit_price_pence,
        "unit_price_display": format_pence(order.unit_price_pence),
        "total_pence": order.total_pence,
        "total_display": format_pence(order.total_pence),
        "starts_on": _iso(order.starts_on),
        "ends_on": _iso(order.ends_on),
        "note_to_provider": order.note_to_provider or "",
        "outcome": ({"id": order.outcome.id, "text": order.outcome.text}
                    if order.outcome and sees_plan else None),
        "created_at": _utc(order.created_at),
        "updated_at": _utc(order.updated_at),
        "delivered_at": _utc(order.delivered_at) if order.delivered_at else None,
        "auto_confirm_at": _utc(order.auto_confirm_at) if order.auto_confirm_at else None,
        "allowed_actions": orders.allowed_actions(viewer, order),
        "events": [{
            "from_state": _state(event.from_state),
            "to_state": _state(event.to_state),
            "happened_at": _utc(event.created_at),
            "actor": _person(event.actor),
            "on_behalf_of": _person(_acting_for(event, people)),
            "done_by": done_by_text(event.actor, _acting_for(event, people)),
            "note": event.note or "",
        } for event in order.events],
    }


# ---------------------------------------------------------------- endpoints


@blueprint.post("/orders")
@token_required("order")
def place_order():
    user = g.api_user
    key = _idempotency_key()
    holder_id, wanted = _order_request(user)
    earlier = _earlier_order(user, key)
    if earlier is not None:
        return _replay(user, earlier, holder_id, wanted)
    try:
        order = orders.place_order(user, holder_id, wanted, idempotency_key=key)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another request with this key won the race; answer from its order.
        db.session.rollback()
        earlier = _earlier_order(user, key)
        if earlier is None:
            raise
        return _replay(user, earlier, holder_id, wanted)
    except DomainError:
        db.session.rollback()  # nothing of a refused order remains, not even in this session
        raise
    location = url_for("api.order", order_id=order.id, _external=True)
    return order_body(order, user), 201, {"Location": location}


@blueprint.get("/orders/<int:order_id>")
@token_required("read")
def order(order_id: int):
    return order_body(orders.get_order_for(g.api_user, order_id), g.api_user)


def _act(action: str):
    def view(order_id: int):
        body = _json_object(required=False)
        unknown = [name for name in body if name != "note"]
        if unknown:
            raise InvalidParameter("body", f"'{unknown[0]}' is not part of an action: the only "
                                   "field an action takes is 'note'.")
        note = body.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH_ACTION:
            raise InvalidParameter("note", "'note' must be text of "
                                   f"{MAX_NOTE_LENGTH_ACTION} characters or fewer.")
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

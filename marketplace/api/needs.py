"""The needs API: post a need (POST /needs), read one (GET /needs/<id>), mine (GET /me/needs),
the open needs a provider serves (GET /provider/needs), a provider's quote (POST
/needs/<id>/quotes, and .../quotes/<quote_id>/withdraw), and the holder's answers: accept a
quote (into a pool, or as an order), decline the others, close the need.

Invariants:
- Every rule lives in marketplace.needs (services, answers, access) and, for what accepting
  starts, marketplace.pools and marketplace.orders; this module reads bodies (api.bodies into
  api.need_models) and builds every answer through need_models.
- A need the caller may not see is 404, exactly like one that does not exist. A caller who may
  see it but whose role (or permission) does not take this action gets 403, as an order's
  actions do; so does a list or a post that is for another role.
- A provider's view (need_models.ProviderNeed) has no field for the holder's id or email;
  only the provider whose quote the holder ordered gets their name (ordered_by), as every
  order names its holder. A pool started from a quote names nobody: its members are seen by
  the names they choose.
- Accepting a quote for a need not to be pooled is ordering it: the Idempotency-Key and
  order fields of POST /orders, placed through orders.placing.place_order_once with quote_id.
- A refusal names the field in the API's words (budget_low_pence, not the form's budget_low);
  a need or quote that is no longer in a state to do this is 409.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from flask import g, url_for

from marketplace import areas, vocabulary
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.permissions import verified_email_required
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body
from marketplace.api.need_models import (
    NEED_STATES,
    QUOTE_STATES,
    NeedList,
    NeedRequest,
    ProviderNeedList,
    QuoteOrderRequest,
    QuotePoolRequest,
    QuoteRequest,
)
from marketplace.api.need_models import Need as NeedShape
from marketplace.api.need_models import ProviderNeed as ProviderNeedShape
from marketplace.api.need_models import Quote as QuoteShape
from marketplace.api.orders import _idempotency_key, order_body
from marketplace.api.pools import _holder_id, pool_body
from marketplace.api.serialisers import _iso, _utc, choice
from marketplace.errors import DomainError, Forbidden, InvalidParameter, NotFound
from marketplace.extensions import db
from marketplace.needs import access, answers, services
from marketplace.needs.forms import TIMING_CHOICES
from marketplace.needs.models import Need, Quote
from marketplace.needs.peers import find_peers
from marketplace.orders.placing import place_order_once
from marketplace.orders.services import OrderRequest
from marketplace.pools import services as pools
from marketplace.providers.models import Provider, Service

BUYER_ROLES = ("holder", "supporter")
#: The form's name for a field, where the API's differs.
API_FIELDS = {"budget_low": "budget_low_pence", "budget_high": "budget_high_pence",
              "price": "price_pence"}
NEED_NOT_FOUND = "We could not find that need."


class NeedConflict(DomainError):
    """The need or quote is no longer in a state to do this."""

    status = 409
    code = "need_refused"


@contextmanager
def _in_api_terms():
    """A refusal leaves nothing behind and speaks the API's words: its field as the API names
    it, and 409 for a state that does not allow it."""
    try:
        yield
    except DomainError as refused:
        db.session.rollback()
        refused.field = API_FIELDS.get(refused.field, refused.field)
        if refused.status == 400 and refused.field is None:
            code = refused.code if refused.code != DomainError.code else None
            raise NeedConflict(refused.message, code=code) from None
        raise
    except Exception:
        db.session.rollback()
        raise


# ---------------------------------------------------------------- the shapes


def _service(service: Service) -> dict[str, Any]:
    return {"id": service.id, "title": service.title,
            "api_url": url_for("api.service", service_id=service.id, _external=True)}


def quote_body(quote: Quote) -> dict[str, Any]:
    return QuoteShape(
        id=quote.id, provider={"id": quote.provider_id, "name": quote.provider.name},
        service=_service(quote.service), price_pence=quote.price_pence,
        price_unit=choice(vocabulary.PRICE_UNITS, quote.price_unit), sessions=quote.sessions,
        total_pence=quote.total_pence, starts_on=_iso(quote.starts_on),
        expires_on=_iso(quote.expires_on), expired=quote.is_expired, message=quote.message,
        state=choice(QUOTE_STATES, quote.state),
        pool_api_url=(url_for("api.pool", pool_id=quote.pool_id, _external=True)
                      if quote.pool_id else None),
        order_api_url=(url_for("api.order", order_id=quote.order_id, _external=True)
                       if quote.order_id else None),
        created_at=_utc(quote.created_at),
    ).as_json()


def _facts(need: Need, page: str) -> dict[str, Any]:
    return {
        "id": need.id, "url": url_for(page, need_id=need.id, _external=True),
        "api_url": url_for("api.need", need_id=need.id, _external=True),
        "words": need.words, "category": choice(vocabulary.CATEGORIES, need.category),
        "local_authority": {"value": need.local_authority,
                            "label": areas.area_label(need.local_authority)},
        "postcode_district": need.postcode_district or None,
        "language": choice(vocabulary.LANGUAGES, need.language) if need.language else None,
        "specialism": (choice(vocabulary.SPECIALISMS, need.specialism)
                       if need.specialism else None),
        "timing": choice(TIMING_CHOICES, need.timing),
        "budget_low_pence": need.budget_low_pence, "budget_high_pence": need.budget_high_pence,
        "would_pool": need.would_pool, "group_size": need.group_size,
        "state": choice(NEED_STATES, need.state), "created_at": _utc(need.created_at),
    }


def _person(user: User) -> dict[str, Any]:
    return {"id": user.id, "display_name": user.display_name}


def need_body(need: Need) -> dict[str, Any]:
    """The holder's view: for the holder and the supporters they let see it."""
    return NeedShape(
        **_facts(need, "needs.need_page"), holder=_person(need.holder),
        posted_by=_person(db.session.get(User, need.posted_by_id)),
        peers_consent=need.peers_consent,
        peer_count=len(find_peers(need)) if need.is_open else 0,
        ended_at=_utc(need.ended_at) if need.ended_at else None,
        quotes=[quote_body(quote) for quote in need.standing_quotes],
    ).as_json()


def provider_need_body(need: Need, provider: Provider, quote: Quote | None) -> dict[str, Any]:
    """A provider's view: nothing of the holder's, unless the holder ordered its quote."""
    ordered = quote is not None and quote.state == "accepted" and quote.order_id is not None
    return ProviderNeedShape(
        **_facts(need, "needs.provider_need"),
        my_quote=quote_body(quote) if quote is not None else None,
        services=[_service(service) for service in services.services_for(provider, need)]
        if need.is_open else [],
        ordered_by={"display_name": need.holder.display_name} if ordered else None,
    ).as_json()


# ---------------------------------------------------------------- who may do what


def _seen_need(need_id: int) -> dict[str, Any]:
    """The need as this caller may see it, or NotFound."""
    user = g.api_user
    if user.role == "provider":
        need, quote = access.need_for_provider(user, need_id)
        return provider_need_body(need, user.provider, quote)
    return need_body(access.need_for_holder(user, need_id))


def _not_theirs(need_id: int, message: str) -> DomainError:
    """Forbidden for a caller who may see the need, NotFound for anyone else."""
    try:
        _seen_need(need_id)
    except NotFound:
        return NotFound(NEED_NOT_FOUND)
    return Forbidden(message)


def _holder_may_answer(need_id: int) -> None:
    need = db.session.get(Need, need_id)
    if need is None or not consent.may_act_for(g.api_user, need.holder_id, "buy"):
        raise _not_theirs(need_id, "Only the holder, or a supporter with their 'buy' "
                                   "permission, may answer quotes or close a need.")


def _provider_may_quote(need_id: int) -> None:
    if g.api_user.role != "provider":
        raise _not_theirs(need_id, "Only providers quote for needs.")


def _day(body, name: str):
    """A day the body must carry (RequestDay lets null through)."""
    day = getattr(body, name)
    if day is None:
        raise InvalidParameter(name, type(body).messages[name])
    return day


def _only_roles(roles: tuple[str, ...], message: str) -> None:
    if g.api_user.role not in roles:
        raise Forbidden(message)


# ---------------------------------------------------------------- needs


@blueprint.post("/needs")
@token_required("order")
@verified_email_required
def post_need():
    _only_roles(BUYER_ROLES, "Only budget holders, and supporters with a holder's 'buy' "
                             "permission, post needs.")
    body = read_body(NeedRequest, required=True)
    details = services.NeedDetails(
        words=body.words, category=body.category, local_authority=body.local_authority,
        timing=body.timing, budget_low_pence=body.budget_low_pence,
        budget_high_pence=body.budget_high_pence, postcode_district=body.postcode_district,
        language=body.language, specialism=body.specialism, would_pool=body.would_pool, group_size=body.group_size,
        peers_consent=body.peers_consent)
    with _in_api_terms():
        need = services.post_need(g.api_user, _holder_id(body), details)
        db.session.commit()
    location = url_for("api.need", need_id=need.id, _external=True)
    return need_body(need), 201, {"Location": location}


@blueprint.get("/needs/<int:need_id>")
@token_required("read")
def need(need_id: int):
    return _seen_need(need_id)


@blueprint.get("/me/needs")
@token_required("read")
def my_needs():
    _only_roles(BUYER_ROLES, "Only budget holders and their supporters have needs; providers "
                             "find needs to quote for in /provider/needs.")
    return NeedList(needs=[need_body(n) for n in access.my_needs(g.api_user)]).as_json()


@blueprint.get("/provider/needs")
@token_required("read")
def provider_needs():
    _only_roles(("provider",), "Only providers see needs to quote for; your own are in "
                               "/me/needs.")
    provider = g.api_user.provider
    served = services.needs_served_by(provider) if provider is not None else []
    return ProviderNeedList(needs=[
        provider_need_body(n, provider, services.standing_quote(provider, n)) for n in served
    ]).as_json()


@blueprint.post("/needs/<int:need_id>/decline-others")
@token_required("order")
def decline_others(need_id: int):
    _holder_may_answer(need_id)
    with _in_api_terms():
        answers.decline_other_quotes(g.api_user, need_id)
        db.session.commit()
    db.session.expire_all()
    return need_body(db.session.get(Need, need_id))


@blueprint.post("/needs/<int:need_id>/close")
@token_required("order")
def close_need(need_id: int):
    _holder_may_answer(need_id)
    with _in_api_terms():
        need = services.close_need(g.api_user, need_id)
        db.session.commit()
    db.session.expire_all()
    return need_body(need)


# ---------------------------------------------------------------- quotes


@blueprint.post("/needs/<int:need_id>/quotes")
@token_required("order")
def give_quote(need_id: int):
    _provider_may_quote(need_id)
    provider, need = services.quotable_need(g.api_user, need_id)
    is_new = services.standing_quote(provider, need) is None
    body = read_body(QuoteRequest, required=True)
    details = services.QuoteDetails(
        service_id=body.service_id, price_pence=body.price_pence, price_unit=body.price_unit,
        sessions=body.sessions, expires_on=_day(body, "expires_on"), starts_on=body.starts_on,
        message=body.message)
    with _in_api_terms():
        quote = services.give_quote(g.api_user, need_id, details)
        db.session.commit()
    location = url_for("api.need", need_id=need_id, _external=True)
    return quote_body(quote), (201 if is_new else 200), {"Location": location}


@blueprint.post("/needs/<int:need_id>/quotes/<int:quote_id>/withdraw")
@token_required("order")
def withdraw_quote(need_id: int, quote_id: int):
    _provider_may_quote(need_id)
    provider, need = services.quotable_need(g.api_user, need_id)
    mine = services.standing_quote(provider, need)
    if mine is None or mine.id != quote_id:
        raise NotFound("We could not find that quote.")
    with _in_api_terms():
        quote = services.withdraw_quote(g.api_user, need_id)
        db.session.commit()
    return quote_body(quote)


@blueprint.post("/needs/<int:need_id>/quotes/<int:quote_id>/accept")
@token_required("order")
@verified_email_required
def accept_quote(need_id: int, quote_id: int):
    _holder_may_answer(need_id)
    need = db.session.get(Need, need_id)
    if not need.would_pool:
        return _accept_by_order(need, quote_id)
    with _in_api_terms():
        quote = answers.quote_to_answer(g.api_user, need_id, quote_id)
    return _accept_into_pool(quote)


def _accept_by_order(need: Need, quote_id: int):
    """Order the quote at its price and sessions, which accepts it (orders.quoted_price);
    once per Idempotency-Key, as POST /orders."""
    key = _idempotency_key()
    body = read_body(QuoteOrderRequest, required=True)
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.need_id != need.id or quote.state == "withdrawn":
        raise NotFound("We could not find that quote.")
    wanted = OrderRequest(
        budget_id=body.budget_id, service_id=quote.service_id, quantity=quote.sessions,
        starts_on=body.starts_on, ends_on=body.ends_on,
        note_to_provider=body.note_to_provider or "", outcome_id=body.outcome_id,
        outcome_shared=body.outcome_shared, quote_id=quote.id)
    with _in_api_terms():
        order, placed_now = place_order_once(g.api_user, need.holder_id, wanted, key)
        db.session.commit()
    if not placed_now:
        return order_body(order, g.api_user), 200
    location = url_for("api.order", order_id=order.id, _external=True)
    return order_body(order, g.api_user), 201, {"Location": location}


def _accept_into_pool(quote: Quote):
    body = read_body(QuotePoolRequest, required=True)
    wanted = pools.PoolRequest(
        service_id=quote.service_id, sessions=quote.sessions, min_members=body.min_members,
        max_members=body.max_members, deadline_on=_day(body, "closing_date"),
        open_to=body.open_to,
        title=body.title, what_it_buys=body.what_it_buys)
    with _in_api_terms():
        started = answers.accept_quote_into_pool(
            g.api_user, quote.need_id, quote.id, wanted,
            pools.Pledge(body.budget_id, body.display_name))
        db.session.commit()
    location = url_for("api.pool", pool_id=started.pool.id, _external=True)
    return pool_body(started.pool, g.api_user, started.invite_token), 201, {"Location": location}

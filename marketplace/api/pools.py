"""The pools API: start (POST /pools), read (GET /pools/<id>), mine (GET /me/pools), open to me
(GET /pools), join (POST /pools/<id>/join, Idempotency-Key required), leave, and the
provider's accept or decline of a funded pool as a whole.

Invariants:
- Every rule lives in marketplace.pools (services, funding, access, provider_view); this
  module reads bodies (api.bodies into api.pool_models) and builds every answer through
  pool_models.Pool. A pool the caller may not see is 404, exactly like one that does not
  exist; an invite-only pool is seen with its invite token (?invite=).
- A join with an Idempotency-Key already used by the same person gives back that pledge
  (200) when the pledge asked for is the same, and 422 when it is not; nothing is set aside
  twice (the key is unique per person in the database).
- Cards are saved on the pool's page (a card number never reaches this API).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request, url_for

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.permissions import verified_email_required
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body
from marketplace.api.orders import _idempotency_key
from marketplace import vocabulary
from marketplace.api.pool_models import (
    MEMBER_STATES,
    OPEN_TO,
    POOL_STATES,
    SHARE_RULES,
    GroupActionRequest,
    LeaveRequest,
    PledgeRequest,
    PoolList,
    PoolRequest,
)
from marketplace.api.pool_models import Pool as PoolShape
from marketplace.api.serialisers import _utc
from marketplace.errors import Forbidden, InvalidParameter, NotFound
from marketplace.extensions import db
from marketplace.orders.services import IdempotencyConflict
from marketplace.pools import access, provider_view, services
from marketplace.pools.models import Pool, PoolMember, set_aside
from marketplace.pools.shares import most_anyone_pays
from marketplace.times import iso_date

ROUTE_LABELS = [("direct", "Direct payment"), ("managed", "Managed account")]


def _choice(pairs: list[tuple[str, str]], value: str) -> dict[str, str]:
    return {"value": value, "label": dict(pairs)[value]}


def pool_body(pool: Pool, viewer: User, invite_token: str | None = None) -> dict[str, Any]:
    live = pool.live_members
    mine = access.members_acted_for(viewer, pool)
    return PoolShape(
        id=pool.id,
        url=url_for("pools.pool_page", pool_id=pool.id, _external=True),
        api_url=url_for("api.pool", pool_id=pool.id, _external=True),
        invite_url=url_for("pools.pool_page", pool_id=pool.id, invite=invite_token,
                           _external=True) if invite_token else None,
        title=pool.title, what_it_buys=pool.what_it_buys,
        service={"id": pool.service_id, "title": pool.service.title,
                 "api_url": url_for("api.service", service_id=pool.service_id, _external=True)},
        provider={"id": pool.provider_id, "name": pool.provider.name},
        sessions=pool.sessions, unit_price_pence=pool.unit_price_pence,
        price_unit=_choice(vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS,
                           pool.price_unit),
        target_pence=pool.target_pence,
        share_rule=_choice(SHARE_RULES, pool.share_rule),
        shares=[{"place": p.place, "share_pence": p.share_pence, "taken": p.member_id is not None}
                for p in pool.places],
        most_anyone_pays_pence=max((p.share_pence for p in pool.places), default=0)
        or most_anyone_pays(pool.target_pence, pool.min_members),
        pledged_pence=sum(set_aside(member) for member in live),
        min_members=pool.min_members, max_members=pool.max_members,
        places_taken=pool.member_count, places_left=pool.places_left,
        closing_date=iso_date(pool.closing_day),
        state=_choice(POOL_STATES, pool.state), open_to=_choice(OPEN_TO, pool.open_to),
        members=[{"display_name": m.display_name,
                  "pledged_pence": None if pool.custom else m.pledged_pence,
                  "share_pence": None if pool.custom else m.share_pence,
                  "state": _choice(MEMBER_STATES, m.state)} for m in live],
        mine=[{"member_id": m.id,
               "holder": {"id": m.holder_id, "display_name": m.holder.display_name},
               "display_name": m.display_name, "budget_id": m.budget_id,
               "route": _choice(ROUTE_LABELS, m.route),
               "pledged_pence": m.pledged_pence, "share_pence": m.share_pence,
               "state": _choice(MEMBER_STATES, m.state),
               "card_saved": bool(m.payment_method_id), "card_problem": m.card_problem,
               "order_id": m.order_id} for m in mine],
        created_at=_utc(pool.created_at),
    ).as_json()


def _invite_token() -> str | None:
    token = request.args.get("invite", "")
    return token if 0 < len(token) <= 100 else None


def _pool_for(pool_id: int) -> Pool:
    pool = db.session.get(Pool, pool_id)
    invited = pool is not None and access.token_matches(pool, _invite_token())
    if pool is None or not (invited and access.may_join(g.api_user, pool)
                            or access.may_see(g.api_user, pool, invited=False)):
        raise NotFound("We could not find that pool.")
    return pool


def _refuse_holder(holder_id: int) -> None:
    """You may see the pool, but may not pledge for this person: someone you do not buy for
    is 404 as everywhere (consent); someone you do buy for, outside the pool's area, 403."""
    holder = consent.holder_for(g.api_user, holder_id, "buy")
    raise Forbidden(f"This pool is not open to {holder.display_name}: it is for people with a "
                    "budget in its area.",
                    code="not_open_to_holder")


def _holder_id(body) -> int:
    if body.holder_id is not None:
        return body.holder_id
    if g.api_user.role != "holder":
        raise InvalidParameter("holder_id", "Say whose budget pays: 'holder_id' is needed "
                               "unless you are the budget holder yourself.")
    return g.api_user.id


@blueprint.post("/pools")
@token_required("order")
@verified_email_required
def start_pool():
    body = read_body(PoolRequest, required=True)
    if body.closing_date is None:
        raise InvalidParameter("closing_date", "'closing_date' must be a date like 2026-04-30.")
    if body.shares_pence == []:
        raise InvalidParameter("shares_pence", "'shares_pence' needs one amount for each "
                               "place, 2 or more, or leave it out for equal shares.")
    for size in ("min_members", "max_members"):
        if body.shares_pence is None and getattr(body, size) is None:
            raise InvalidParameter(size, f"'{size}' is required, unless you set out custom "
                                   "shares in 'shares_pence'.")
    wanted = services.PoolRequest(
        service_id=body.service_id, sessions=body.sessions, min_members=body.min_members or 0,
        max_members=body.max_members or 0, deadline_on=body.closing_date, open_to=body.open_to,
        title=body.title, what_it_buys=body.what_it_buys,
        shares_pence=tuple(body.shares_pence or ()))
    try:
        started = services.start_pool(
            g.api_user, _holder_id(body), wanted,
            services.Pledge(body.budget_id, body.display_name, body.share_pence))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    location = url_for("api.pool", pool_id=started.pool.id, _external=True)
    return pool_body(started.pool, g.api_user, started.invite_token), 201, {"Location": location}


@blueprint.get("/pools/<int:pool_id>")
@token_required("read")
def pool(pool_id: int):
    return pool_body(_pool_for(pool_id), g.api_user)


@blueprint.get("/pools")
@token_required("read")
def open_pools():
    pools = access.open_pools_for(g.api_user)
    return PoolList(pools=[pool_body(p, g.api_user) for p in pools]).as_json()


@blueprint.get("/me/pools")
@token_required("read")
def my_pools():
    pools = access.my_pools(g.api_user)
    return PoolList(pools=[pool_body(p, g.api_user) for p in pools]).as_json()


def _earlier_pledge(key: str) -> PoolMember | None:
    return db.session.scalar(sa.select(PoolMember).where(
        PoolMember.pledged_by_id == g.api_user.id, PoolMember.idempotency_key == key))


@blueprint.post("/pools/<int:pool_id>/join")
@token_required("order")
@verified_email_required
def join_pool(pool_id: int):
    key = _idempotency_key()
    body = read_body(PledgeRequest, required=True)
    pool = _pool_for(pool_id)
    holder_id = _holder_id(body)
    earlier = _earlier_pledge(key)
    invited = access.token_matches(pool, _invite_token())
    if earlier is None and not any(holder.id == holder_id for holder in
                                   access.holders_who_may_join(g.api_user, pool,
                                                               invited=invited)):
        _refuse_holder(holder_id)
    if earlier is not None:
        if (earlier.pool_id, earlier.holder_id, earlier.budget_id,
                earlier.share_pence if pool.custom else None) != (
                pool.id, holder_id, body.budget_id, body.share_pence):
            raise IdempotencyConflict("This Idempotency-Key was already used for a different "
                                      "pledge. Use a new key for a new pledge.")
        return pool_body(pool, g.api_user), 200
    try:
        member = services.join_pool(
            g.api_user, holder_id, pool.id,
            services.Pledge(body.budget_id, body.display_name, body.share_pence))
        member.idempotency_key = key
        db.session.commit()
    except sa.exc.IntegrityError:  # the same key, sent twice at once: the first one won
        db.session.rollback()
        return pool_body(_pool_for(pool_id), g.api_user), 200
    except Exception:
        db.session.rollback()
        raise
    db.session.expire_all()
    return pool_body(db.session.get(Pool, pool_id), g.api_user), 201


@blueprint.post("/pools/<int:pool_id>/leave")
@token_required("order")
def leave_pool(pool_id: int):
    body = read_body(LeaveRequest, required=False)
    pool = _pool_for(pool_id)
    mine = [m for m in access.members_acted_for(g.api_user, pool)
            if body.member_id is None or m.id == body.member_id]
    if not mine:
        raise NotFound("You have no share in this pool to give back.")
    if len(mine) > 1:
        raise InvalidParameter("member_id", "You act for more than one member of this pool: "
                               "say which share to give back with 'member_id'.")
    try:
        services.leave_pool(g.api_user, mine[0].id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire_all()
    return pool_body(db.session.get(Pool, pool_id), g.api_user)


def _group_action(action: str):
    def view(pool_id: int):
        body = read_body(GroupActionRequest, required=False)
        if g.api_user.role != "provider":
            raise NotFound("We could not find that group purchase.")
        try:
            provider_view.act_on_group(g.api_user, pool_id, action, (body.note or "").strip())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        db.session.expire_all()
        pool = db.session.get(Pool, pool_id)
        return pool_body(pool, g.api_user)

    view.__name__ = f"pool_{action}"
    return view


for _action in ("accept", "decline"):
    blueprint.add_url_rule(f"/pools/<int:pool_id>/{_action}", methods=["POST"],
                           view_func=token_required("order")(_group_action(_action)))

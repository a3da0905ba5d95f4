"""Pools and their members. The states and the money each step moves are in docs/pools.md;
the database keeps the rules that protect money: a pool never holds more members than its
places, a share is never zero or less, and a holder has one live membership per pool. With
custom shares each place has its own amount (PoolPlace); migration 0011's triggers refuse a
member in a place at any other amount, and a pool funded short of its target."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import london_date, utcnow

POOL_STATES = ("open", "collecting", "short", "funded", "expired", "cancelled")
MEMBER_STATES = ("pledged", "secured", "paid", "failed", "left", "released")
#: A member in one of these states holds a place (and, but for "paid", a reservation).
LIVE_MEMBER_STATES = ("pledged", "secured", "paid", "failed")
SHARE_RULES = ("equal", "custom")
OPEN_TO = ("invite", "area", "area_and_category")
MAX_PLACES = 50


class Pool(db.Model):
    __tablename__ = "pools"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    #: Sessions, dates and the provider's terms, in the starter's words.
    what_it_buys: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Copied from the service when the pool starts: a later price change cannot touch it.
    sessions: so.Mapped[int] = so.mapped_column(sa.Integer)
    unit_price_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    price_unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    target_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    share_rule: so.Mapped[str] = so.mapped_column(sa.String(10), default="equal")
    min_members: so.Mapped[int] = so.mapped_column(sa.Integer)
    max_members: so.Mapped[int] = so.mapped_column(sa.Integer)
    #: Places taken; moved only by a conditional UPDATE (services.take_place).
    member_count: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    deadline_at: so.Mapped[datetime] = so.mapped_column(index=True)
    open_to: so.Mapped[str] = so.mapped_column(sa.String(20), default="invite")
    local_authority: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    category: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    invite_token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="open", index=True)
    short_until: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    funded_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    members: so.Mapped[list["PoolMember"]] = so.relationship(
        back_populates="pool", order_by="PoolMember.id"
    )
    #: Custom shares only: one row per place, in the order the starter gave them.
    places: so.Mapped[list["PoolPlace"]] = so.relationship(order_by="PoolPlace.place")
    service: so.Mapped["Service"] = so.relationship()  # noqa: F821
    provider: so.Mapped["Provider"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("target_pence > 0", name="target_positive"),
        sa.CheckConstraint("sessions > 0", name="sessions_positive"),
        sa.CheckConstraint("min_members >= 2", name="at_least_two"),
        sa.CheckConstraint(f"max_members >= min_members AND max_members <= {MAX_PLACES}",
                           name="places_sensible"),
        sa.CheckConstraint("member_count >= 0 AND member_count <= max_members",
                           name="never_overfull"),
        sa.CheckConstraint(one_of("state", POOL_STATES), name="state_known"),
        sa.CheckConstraint(one_of("share_rule", SHARE_RULES), name="share_rule_known"),
        sa.CheckConstraint(one_of("open_to", OPEN_TO), name="open_to_known"),
    )

    @property
    def live_members(self) -> list["PoolMember"]:
        return [member for member in self.members if member.state in LIVE_MEMBER_STATES]

    @property
    def closing_day(self) -> date:
        """The last London day for pledges: the deadline is the midnight that ends it."""
        return london_date(self.deadline_at - timedelta(seconds=1))

    @property
    def places_left(self) -> int:
        return self.max_members - self.member_count

    @property
    def custom(self) -> bool:
        return self.share_rule == "custom"


def set_aside(member: "PoolMember") -> int:
    """What this member's budget holds for the pool now: their pledge, or once paid, their
    share (the rest of the pledge went back)."""
    return member.share_pence if member.state == "paid" else member.pledged_pence


class PoolMember(db.Model):
    __tablename__ = "pool_members"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pool_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pools.id"), index=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    budget_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budgets.id"), index=True)
    #: The only name other members see.
    display_name: so.Mapped[str] = so.mapped_column(sa.String(60))
    #: The most this member can pay: what their pledge reserves.
    pledged_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: What they pay: equal shares, fixed when the pool starts collecting (the target split
    #: over the members); custom shares, the amount of the place taken, fixed when pledged.
    share_pence: so.Mapped[int | None] = so.mapped_column(sa.BigInteger, nullable=True)
    #: "direct" or "managed", copied from the budget when pledged.
    route: so.Mapped[str] = so.mapped_column(sa.String(10))
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="pledged", index=True)
    #: The holder, or a supporter with the buy scope acting for them.
    pledged_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The member's share order, once the pool is funded.
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), nullable=True)
    stripe_customer_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    setup_intent_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    payment_method_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    card_last4: so.Mapped[str] = so.mapped_column(sa.String(4), default="")
    #: Each try at the card counts, so every Stripe key is new per try and the same on retry.
    card_attempt: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    #: The authorisation (manual capture) made at collection.
    payment_intent_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    captured_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: What went wrong with the card, in words shown to the member.
    card_problem: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: The API client's Idempotency-Key: the same key pledges once.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    pool: so.Mapped[Pool] = so.relationship(back_populates="members")
    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    budget: so.Mapped["Budget"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("pledged_by_id", "idempotency_key",
                            name="uq_pool_members_pledged_by_key"),
        sa.CheckConstraint("pledged_pence > 0", name="pledge_positive"),
        # Nobody pays more than they pledged.
        sa.CheckConstraint("share_pence IS NULL OR (share_pence > 0 AND "
                           "share_pence <= pledged_pence)", name="share_within_pledge"),
        sa.CheckConstraint("route IN ('direct', 'managed')", name="route_known"),
        sa.CheckConstraint(one_of("state", MEMBER_STATES), name="state_known"),
        sa.Index("uq_pool_members_one_live_membership", "pool_id", "holder_id", unique=True,
                 sqlite_where=sa.text(one_of("state", LIVE_MEMBER_STATES)),
                 postgresql_where=sa.text(one_of("state", LIVE_MEMBER_STATES))),
    )


class PoolPlace(db.Model):
    """One place of a custom-share pool and its agreed amount. `member_id` is the live member
    holding it, claimed by one conditional UPDATE (pools.shares.claim_place) and let go when
    their pledge is released, so two people can never take the same place."""

    __tablename__ = "pool_places"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pool_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pools.id"), index=True)
    #: 1, 2, 3 ... in the order the starter set them out.
    place: so.Mapped[int] = so.mapped_column(sa.Integer)
    share_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    member_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("pool_members.id"), nullable=True, unique=True)

    __table_args__ = (
        sa.UniqueConstraint("pool_id", "place", name="uq_pool_places_pool_place"),
        sa.CheckConstraint("share_pence > 0", name="share_positive"),
        sa.CheckConstraint(f"place >= 1 AND place <= {MAX_PLACES}", name="place_sensible"),
    )

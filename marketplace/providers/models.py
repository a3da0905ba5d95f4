"""Providers and the services they list.

Prices are integer pence with a unit. List-valued attributes (areas, languages, delivery modes,
specialisms, tags) are JSON lists of the stable values in marketplace.vocabulary and
marketplace.areas: filtering happens in the search index, never by scanning these columns.
Whether a provider is a micro-provider is derived from its staff count, not stored.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.columns import one_of
from marketplace.vocabulary import MICRO_PROVIDER_MAX_STAFF

#: "active" shows in search; "paused" is hidden but kept to resume; "removed" is a service the
#: provider deleted after people had ordered it: gone from listings, search and the provider's
#: dashboard, kept only so its orders, statements and payouts still say what was bought.
SERVICE_STATUSES = ("active", "paused", "removed")


class Provider(db.Model):
    __tablename__ = "providers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), unique=True, index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    #: One of vocabulary.PROVIDER_TYPES.
    provider_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: True when people who use the services hold the majority on the board.
    is_user_led: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    #: How people who use the service control the board, in the provider's words.
    user_led_statement: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    staff_count: so.Mapped[int] = so.mapped_column(sa.Integer, default=1)
    #: Date of the most recent DBS check (personal assistants and anyone working one to one).
    dbs_checked_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    has_insurance: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    insurance_details: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    insurance_expires_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    #: Care Quality Commission registration number, only for regulated activities.
    cqc_registration_number: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    contact_phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    website: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    #: Base of operations as a local authority slug (marketplace.areas).
    local_authority: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    postcode_district: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow,
                                                       index=True)

    owner: so.Mapped["User"] = so.relationship(back_populates="provider")  # noqa: F821
    services: so.Mapped[list["Service"]] = so.relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="Service.id"
    )

    __table_args__ = (
        sa.CheckConstraint("staff_count >= 0", name="staff_count_not_negative"),
        # What the spend view reads of every provider paid, without the wide rows (0028).
        sa.Index("ix_providers_kind", "id",
                 postgresql_include=["provider_type", "is_user_led", "staff_count"]),
    )

    @property
    def is_micro(self) -> bool:
        return self.staff_count <= MICRO_PROVIDER_MAX_STAFF

    @property
    def is_closed(self) -> bool:
        """Its owner closed their account: no page shows it (providers/closure.py)."""
        return self.owner.is_closed

    def __repr__(self) -> str:
        return f"<Provider {self.id} {self.name!r}>"


class Service(db.Model):
    __tablename__ = "services"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    #: Primary category, one of vocabulary.CATEGORIES.
    category: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    secondary_categories: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    tags: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    delivery_modes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: Local authority slugs served in full.
    local_authorities: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: Postcode districts served (e.g. "M14"), when not a whole authority.
    postcode_districts: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    languages: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    specialisms: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    accessibility: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: When it runs, in the provider's words ("Tuesdays 6pm to 8pm").
    schedule: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    evenings: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    weekends: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    price_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: One of vocabulary.PRICE_UNITS.
    price_unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    is_group: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    #: Places per group session or course; only for group services.
    capacity: so.Mapped[int | None] = so.mapped_column(sa.Integer, nullable=True)
    #: Budget holders may club together to buy it (group services only).
    poolable: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    #: One of SERVICE_STATUSES.
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="active", index=True)
    #: Bayesian average rating times 100 (0 to 500), kept by the reviews area; None until rated.
    rating_centi: so.Mapped[int | None] = so.mapped_column(sa.Integer, nullable=True)
    review_count: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow,
                                                       index=True)

    provider: so.Mapped[Provider] = so.relationship(back_populates="services")

    __table_args__ = (
        sa.CheckConstraint("price_pence >= 0", name="price_not_negative"),
        # What the spend view reads of every service paid (its kind of support and areas), from
        # a small index on PostgreSQL instead of the wide rows (migration 0028).
        sa.Index("ix_services_placement", "id",
                 postgresql_include=["category", "local_authorities", "postcode_districts"]),
        sa.CheckConstraint(one_of("status", SERVICE_STATUSES), name="status_known"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        # Live services in id order: the open data feed counts and pages them from it.
        sa.Index("ix_services_status_id", "status", "id"),
        sa.CheckConstraint(
            "rating_centi IS NULL OR (rating_centi >= 0 AND rating_centi <= 500)",
            name="rating_in_range",
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_removed(self) -> bool:
        return self.status == "removed"

    def __repr__(self) -> str:
        return f"<Service {self.id} {self.title!r}>"

"""Commissioners edit funding streams, their spending rules and managed-account organisations;
every change is recorded as a MarketChange (who, when, what changed) in the same transaction.

Invariants:
- An edit is checked whole before anything is changed: a refused edit changes nothing.
- A stream's kind (social care, health, joint) can change only while no allocation uses it:
  budgets already allocated were given as that kind of money, and spend figures by kind would
  otherwise rewrite the past. Its name and description can change at any time.
- An organisation's auto-approve limit is read when an order is placed
  (orders.services.place_order): changing it leaves orders already approved, or waiting for a
  person, as they are. Its auto-confirm days are read when an order is delivered.
- An edit that changes nothing records nothing.
- Callers commit.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import (
    ORGANISATION_KINDS,
    STREAM_KINDS,
    Allocation,
    FundingStream,
    ManagedAccountOrganisation,
)
from marketplace.commissioning import services
from marketplace.commissioning.records import MarketChange
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.managed.services import MAX_AUTO_APPROVE_PENCE
from marketplace.money import format_pence
from marketplace.vocabulary import CATEGORIES

#: The longest wait before delivery confirms itself, as OrganisationForm allows on creation.
MAX_AUTO_CONFIRM_DAYS = 90


def _days(number: int) -> str:
    return f"{number} day{'' if number == 1 else 's'}"


def _record(action: str, actor: User, changes: list[dict], *, stream: FundingStream | None = None,
            organisation: ManagedAccountOrganisation | None = None) -> MarketChange:
    change = MarketChange(
        action=action, actor_id=actor.id, changes=changes,
        funding_stream_id=stream.id if stream else None,
        organisation_id=organisation.id if organisation else None,
    )
    db.session.add(change)
    db.session.flush()
    return change


def _differences(current: dict, wanted: dict, labels: dict, shown) -> list[dict]:
    return [
        {"label": labels[key], "before": shown(key, current[key]), "after": shown(key, wanted[key])}
        for key in wanted if wanted[key] != current[key]
    ]


# --- funding streams --------------------------------------------------------------------------


def stream_in_use(stream: FundingStream) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Allocation).where(Allocation.stream_id == stream.id)
    ) > 0


def _name_taken(model, name: str, own_id: int) -> bool:
    return db.session.scalar(
        sa.select(model.id).where(sa.func.lower(model.name) == name.lower(), model.id != own_id)
    ) is not None


def edit_funding_stream(stream: FundingStream, *, name: str, kind: str, description: str,
                        actor: User) -> MarketChange | None:
    wanted = {"name": name.strip(), "kind": kind, "description": description.strip()}
    if not wanted["name"]:
        raise DomainError("Enter a name for the funding stream", field="name")
    if _name_taken(FundingStream, wanted["name"], stream.id):
        raise DomainError("A funding stream with this name already exists", field="name")
    if kind not in dict(STREAM_KINDS):
        raise DomainError("Choose social care, health or joint", field="kind")
    if kind != stream.kind and stream_in_use(stream):
        raise DomainError(
            "The kind cannot change: budgets have already been allocated from this stream as "
            f"{dict(STREAM_KINDS)[stream.kind].lower()} money. Set up a new funding stream "
            "for the new kind instead.",
            field="kind",
        )
    current = {"name": stream.name, "kind": stream.kind, "description": stream.description}
    labels = {"name": "Name", "kind": "Kind", "description": "Description"}
    changes = _differences(
        current, wanted, labels,
        lambda key, value: dict(STREAM_KINDS)[value] if key == "kind" else (value or "(none)"),
    )
    if not changes:
        return None
    stream.name, stream.kind, stream.description = wanted["name"], kind, wanted["description"]
    return _record("stream_changed", actor, changes, stream=stream)


def _category_label(category: str) -> str:
    return dict(CATEGORIES).get(category, category)


def set_rule(stream: FundingStream, *, category: str, reason: str,
             actor: User) -> MarketChange | None:
    """Add a rule, or change the reason of the category's rule (budgets.set_spending_rule)."""
    before = budget_services.blocked_reason(stream, category)
    rule = budget_services.set_spending_rule(stream, category=category, reason=reason)
    if before == rule.reason:
        return None
    label = _category_label(category)
    if before is None:
        return _record("rule_added", actor, [
            {"label": f"Rule for {label}", "before": "(no rule)", "after": rule.reason}
        ], stream=stream)
    return _record("rule_changed", actor, [
        {"label": f"Reason for {label}", "before": before, "after": rule.reason}
    ], stream=stream)


def change_rule_reason(stream: FundingStream, rule_id: int, *, reason: str,
                       actor: User) -> MarketChange | None:
    rule = services.get_spending_rule(stream, rule_id)
    return set_rule(stream, category=rule.category, reason=reason, actor=actor)


def remove_rule(stream: FundingStream, rule_id: int, *, actor: User) -> MarketChange:
    rule = services.get_spending_rule(stream, rule_id)
    change = [{"label": f"Rule for {_category_label(rule.category)}", "before": rule.reason,
               "after": "(removed)"}]
    budget_services.remove_spending_rule(stream, rule_id)
    db.session.expire(stream, ["rules"])
    return _record("rule_removed", actor, change, stream=stream)


# --- managed-account organisations ------------------------------------------------------------


def edit_organisation(organisation: ManagedAccountOrganisation, *, name: str, kind: str,
                      auto_approve_limit_pence: int, auto_confirm_days: int, contact_email: str,
                      actor: User) -> MarketChange | None:
    wanted = {
        "name": name.strip(), "kind": kind, "auto_approve_limit_pence": auto_approve_limit_pence,
        "auto_confirm_days": auto_confirm_days, "contact_email": contact_email.strip().lower(),
    }
    if not wanted["name"]:
        raise DomainError("Enter the name of the organisation", field="name")
    if _name_taken(ManagedAccountOrganisation, wanted["name"], organisation.id):
        raise DomainError("An organisation with this name already exists", field="name")
    if kind not in dict(ORGANISATION_KINDS):
        raise DomainError("Choose the kind of organisation", field="kind")
    if not 0 <= auto_approve_limit_pence <= MAX_AUTO_APPROVE_PENCE:
        raise DomainError(f"Enter an amount from £0 to {format_pence(MAX_AUTO_APPROVE_PENCE)}",
                          field="auto_approve_limit")
    if not 1 <= auto_confirm_days <= MAX_AUTO_CONFIRM_DAYS:
        raise DomainError(f"Enter a number of days from 1 to {MAX_AUTO_CONFIRM_DAYS}",
                          field="auto_confirm_days")
    current = {key: getattr(organisation, key) for key in wanted}
    labels = {
        "name": "Name", "kind": "Kind", "auto_approve_limit_pence": "Approves orders up to",
        "auto_confirm_days": "Confirms delivery after", "contact_email": "Contact email",
    }
    shown = {
        "kind": lambda value: dict(ORGANISATION_KINDS).get(value, value),
        "auto_approve_limit_pence": lambda value: format_pence(value) if value else
        "Never: every order by hand",
        "auto_confirm_days": _days,
    }
    changes = _differences(current, wanted, labels,
                           lambda key, value: shown.get(key, lambda v: v or "(none)")(value))
    if not changes:
        return None
    for key, value in wanted.items():
        setattr(organisation, key, value)
    return _record("organisation_changed", actor, changes, organisation=organisation)


# --- history ----------------------------------------------------------------------------------


def history(*, stream: FundingStream | None = None,
            organisation: ManagedAccountOrganisation | None = None) -> list[MarketChange]:
    """Newest first."""
    query = sa.select(MarketChange).order_by(MarketChange.created_at.desc(),
                                              MarketChange.id.desc())
    if stream is not None:
        query = query.where(MarketChange.funding_stream_id == stream.id)
    else:
        query = query.where(MarketChange.organisation_id == organisation.id)
    return list(db.session.scalars(query))

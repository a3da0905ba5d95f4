"""The audit log (/commissioning/audit): money movements, commissioners' own actions and
supporters' access, newest first, read-only.

What it never shows: a person's name, plan, orders or what they bought. Money movements name
the kind of movement, the amount, and each budget's funding stream and organisation, with the
budget as a reference number only (ledger descriptions name services, so they are left out).
Supporters' access is shown by reference (consent, budget and plan numbers), never by name.
Commissioners' own actions name the commissioner: they are staff acting for the council.

What the app records about supporters, and so what this log can show: invitations,
acceptances and ends of access (supporter_grants), what a supporter did on a holder's orders
(order_events.on_behalf_of_id), the last change a supporter made to a support plan
(support_plans.updated_by_id), and each time a supporter looked at a holder's plan, budget or
orders (information_views, the same table as the holder's "Who has seen my information" page;
docs/data-rights.md).

One UNION of (moment, source, id) is ordered and paged in the database; only the page's rows
are then read in full, so the page stays quick on a large ledger.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from marketplace.accounts.models import SupporterGrant, User
from marketplace.accounts.supporters import scope_labels
from marketplace.budgets.models import (
    Allocation,
    Budget,
    FundingStream,
    ManagedAccountOrganisation,
    SupportPlan,
)
from marketplace.commissioning.records import CommissionerInvitation, MarketChange
from marketplace.datarights.models import InformationView
from marketplace.extensions import db
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.money import format_pence
from marketplace.orders.models import Order, OrderEvent
from marketplace.times import format_datetime

PER_PAGE = 50
KINDS = [
    ("money", "Money movements"),
    ("commissioners", "Commissioners’ actions"),
    ("supporters", "Supporters’ access"),
]
MOVEMENTS = {
    "allocation": "Paid into a budget from its funding stream",
    "reserve": "Set aside for an order or pool pledge",
    "release": "Set-aside money returned to a budget",
    "settle": "Paid to a provider for delivered support",
    "refund": "Refunded to a budget",
    "payout": "Put in a payout run to providers",
    "payout_paid": "Payout run marked paid",
    "payout_cancelled": "Payout run cancelled",
    "reversal": "Reversal of an earlier movement",
}
ROLE_WORDS = {
    "holder": "The budget holder", "supporter": "A supporter for the budget holder",
    "provider": "The provider", "commissioner": "A commissioner",
    "account_manager": "The managed-account organisation",
}
STATE_WORDS = {
    "awaiting_payment": "placed an order", "awaiting_approval": "placed an order",
    "awaiting_provider": "paid for or placed an order", "confirmed": "confirmed an order",
    "disputed": "disputed an order", "cancelled": "cancelled an order",
}


def budget_reference(budget_id: int) -> str:
    return f"B-{budget_id:05d}"


@dataclass
class AuditEntry:
    at: datetime
    kind: str  # a KINDS value
    what: str
    amount_pence: int | None = None
    #: Budget references, each with its funding stream and organisation (or "" for direct).
    budgets: list[tuple[str, str, str]] = field(default_factory=list)
    by: str = ""
    reference: str = ""


@dataclass(frozen=True)
class AuditQuery:
    since: datetime
    until: datetime
    kind: str | None = None


def _sources(query: AuditQuery):
    """(kind, select of at, source, id) for each kind of entry, limited to the period."""
    def one(at_column, source: str, kind: str, id_column, *conditions):
        # Constants written into the SQL (not parameters): PostgreSQL must know their type
        # in a UNION.
        select = (sa.select(at_column.label("at"), sa.literal_column(f"'{source}'").label("source"),
                            id_column.label("id"))
                  .where(at_column >= query.since, at_column < query.until, *conditions))
        return kind, select

    grant = SupporterGrant
    return [
        one(LedgerTransaction.created_at, "ledger", "money", LedgerTransaction.id),
        one(MarketChange.created_at, "change", "commissioners", MarketChange.id),
        one(Allocation.created_at, "allocation", "commissioners", Allocation.id),
        one(CommissionerInvitation.created_at, "invitation", "commissioners",
            CommissionerInvitation.id),
        one(grant.created_at, "grant_invited", "supporters", grant.id),
        one(grant.accepted_at, "grant_accepted", "supporters", grant.id,
            grant.accepted_at.is_not(None)),
        one(grant.revoked_at, "grant_revoked", "supporters", grant.id,
            grant.revoked_at.is_not(None)),
        one(OrderEvent.created_at, "order_event", "supporters", OrderEvent.id,
            OrderEvent.on_behalf_of_id.is_not(None)),
        one(SupportPlan.updated_at, "plan", "supporters", SupportPlan.id,
            SupportPlan.updated_by_id.is_not(None),
            SupportPlan.updated_by_id != SupportPlan.holder_id),
        one(InformationView.viewed_at, "view", "supporters", InformationView.id,
            InformationView.viewer_relation == "supporter"),
    ]


def _union(query: AuditQuery):
    selects = [select for kind, select in _sources(query)
               if query.kind is None or kind == query.kind]
    return sa.union_all(*selects).subquery("entries")


def count_entries(query: AuditQuery) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_union(query)))


def entries(query: AuditQuery, *, page: int | None = None) -> list[AuditEntry]:
    """Newest first; one page of PER_PAGE when `page` is given, else all of them (the CSV)."""
    union = _union(query)
    keys = sa.select(union.c.at, union.c.source, union.c.id).order_by(
        union.c.at.desc(), union.c.source, union.c.id.desc())
    if page is not None:
        keys = keys.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    rows = db.session.execute(keys).all()
    wanted: dict[str, list[int]] = {}
    for row in rows:
        wanted.setdefault(row.source, []).append(row.id)
    built = _build(wanted)
    return [built[(row.source, row.id)] for row in rows]


# --- reading each source in full --------------------------------------------------------------


def _by_id(model, ids) -> dict:
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))} \
        if ids else {}


def _budget_details(budget_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    budgets = _by_id(Budget, budget_ids)
    return {budget_id: (budget_reference(budget_id), budget.stream.name,
                        budget.managed_by.name if budget.managed_by else "")
            for budget_id, budget in budgets.items()}


def _build(wanted: dict[str, list[int]]) -> dict[tuple[str, int], AuditEntry]:
    built: dict[tuple[str, int], AuditEntry] = {}
    for source, builder in _BUILDERS.items():
        if wanted.get(source):
            for key, entry in builder(wanted[source]).items():
                built[(source, key)] = entry
    return built


def _ledger(ids: list[int]) -> dict[int, AuditEntry]:
    transactions = _by_id(LedgerTransaction, ids)
    lines = db.session.execute(
        sa.select(LedgerLine.transaction_id, LedgerLine.amount_pence, LedgerLine.budget_id)
        .where(LedgerLine.transaction_id.in_(ids))).all()
    moved: dict[int, int] = {}
    budgets_of: dict[int, set[int]] = {}
    for line in lines:
        if line.amount_pence > 0:
            moved[line.transaction_id] = moved.get(line.transaction_id, 0) + line.amount_pence
        if line.budget_id is not None:
            budgets_of.setdefault(line.transaction_id, set()).add(line.budget_id)
    details = _budget_details(set().union(*budgets_of.values()) if budgets_of else set())
    roles = dict(db.session.execute(sa.select(User.id, User.role).where(
        User.id.in_({t.actor_id for t in transactions.values() if t.actor_id}))).all())
    return {
        transaction_id: AuditEntry(
            at=transaction.created_at, kind="money", what=MOVEMENTS[transaction.kind],
            amount_pence=moved.get(transaction_id, 0),
            budgets=[details[b] for b in sorted(budgets_of.get(transaction_id, ())) if b in details],
            by=ROLE_WORDS.get(roles.get(transaction.actor_id), "Pathways, automatically"),
            reference=f"Movement {transaction_id}",
        )
        for transaction_id, transaction in transactions.items()
    }


def _changes(ids: list[int]) -> dict[int, AuditEntry]:
    changes = _by_id(MarketChange, ids)
    streams = _by_id(FundingStream, {c.funding_stream_id for c in changes.values()} - {None})
    organisations = _by_id(ManagedAccountOrganisation,
                           {c.organisation_id for c in changes.values()} - {None})
    entries_by_id = {}
    for change_id, change in changes.items():
        if change.funding_stream_id:
            subject = f"the funding stream {streams[change.funding_stream_id].name}"
        else:
            subject = f"the organisation {organisations[change.organisation_id].name}"
        entries_by_id[change_id] = AuditEntry(
            at=change.created_at, kind="commissioners",
            what=f"Changed {subject}: " + "; ".join(change_text(c) for c in change.changes),
            by=change.actor.display_name,
        )
    return entries_by_id


def change_text(change: dict) -> str:
    return f"{change['label']} from “{change['before']}” to “{change['after']}”"


def _allocations(ids: list[int]) -> dict[int, AuditEntry]:
    allocations = _by_id(Allocation, ids)
    details = _budget_details({b.id for a in allocations.values() for b in a.budgets})
    makers = _by_id(User, {a.created_by_id for a in allocations.values()})
    return {
        allocation_id: AuditEntry(
            at=allocation.created_at, kind="commissioners",
            what=f"Allocated a budget from {allocation.stream.name}, paid in instalments",
            amount_pence=allocation.total_pence,
            budgets=[details[b.id] for b in allocation.budgets],
            by=makers[allocation.created_by_id].display_name,
        )
        for allocation_id, allocation in allocations.items()
    }


def _invitations(ids: list[int]) -> dict[int, AuditEntry]:
    return {
        invitation_id: AuditEntry(
            at=invitation.created_at, kind="commissioners",
            what=f"Invited {invitation.display_name} to be a commissioner",
            by=invitation.invited_by.display_name,
        )
        for invitation_id, invitation in _by_id(CommissionerInvitation, ids).items()
    }


def _grants(moment: str, words):
    def build(ids: list[int]) -> dict[int, AuditEntry]:
        return {
            grant_id: AuditEntry(at=getattr(grant, moment), kind="supporters", what=words(grant),
                                 reference=f"Consent C-{grant_id:05d}")
            for grant_id, grant in _by_id(SupporterGrant, ids).items()
        }
    return build


def _invited_words(grant: SupporterGrant) -> str:
    allowed = "; ".join(text.lower() for text in scope_labels(grant.scopes)).replace("my ", "")
    return f"A budget holder invited a supporter, who may: {allowed}"


def _order_events(ids: list[int]) -> dict[int, AuditEntry]:
    events = _by_id(OrderEvent, ids)
    budgets = dict(db.session.execute(sa.select(Order.id, Order.budget_id).where(
        Order.id.in_({e.order_id for e in events.values()}))).all())
    details = _budget_details(set(budgets.values()))
    return {
        event_id: AuditEntry(
            at=event.created_at, kind="supporters",
            what=f"A supporter {STATE_WORDS.get(event.to_state, 'acted on an order')} for a "
                 "budget holder",
            budgets=[details[budgets[event.order_id]]],
        )
        for event_id, event in events.items()
    }


def _plans(ids: list[int]) -> dict[int, AuditEntry]:
    return {
        plan_id: AuditEntry(at=plan.updated_at, kind="supporters",
                            what="A supporter changed a budget holder’s support plan (the "
                                 "latest change; earlier ones are not kept)",
                            reference=f"Plan P-{plan_id:05d}")
        for plan_id, plan in _by_id(SupportPlan, ids).items()
    }


VIEWED = {"plan": "support plan", "budget": "budgets", "statement": "budget statement",
          "spending_return": "spending return", "orders": "list of orders", "order": "order"}


def _views(ids: list[int]) -> dict[int, AuditEntry]:
    views = _by_id(InformationView, ids)
    order_budgets = dict(db.session.execute(sa.select(Order.id, Order.budget_id).where(
        Order.id.in_({v.subject_id for v in views.values() if v.what == "order"}))).all())
    budget_of = {view_id: (order_budgets.get(view.subject_id) if view.what == "order"
                           else view.subject_id if view.what in ("statement", "spending_return")
                           else None) for view_id, view in views.items()}
    details = _budget_details({b for b in budget_of.values() if b is not None})
    plans = dict(db.session.execute(sa.select(SupportPlan.holder_id, SupportPlan.id).where(
        SupportPlan.holder_id.in_({v.holder_id for v in views.values() if v.what == "plan"}))
    ).all())
    return {
        view_id: AuditEntry(
            at=view.viewed_at, kind="supporters",
            what=f"A supporter looked at a budget holder’s {VIEWED[view.what]}"
                 + (" through the API" if view.channel == "api" else ""),
            budgets=[details[budget_of[view_id]]] if budget_of[view_id] in details else [],
            reference=(f"Plan P-{plans[view.holder_id]:05d}"
                       if view.what == "plan" and view.holder_id in plans else ""))
        for view_id, view in views.items()
    }


_BUILDERS = {
    "ledger": _ledger,
    "change": _changes,
    "allocation": _allocations,
    "invitation": _invitations,
    "grant_invited": _grants("created_at", _invited_words),
    "grant_accepted": _grants("accepted_at", lambda grant: "A supporter accepted an invitation "
                              "and can now act for a budget holder"),
    "grant_revoked": _grants("revoked_at", lambda grant: "A budget holder stopped a supporter’s "
                             "access" if grant.accepted_at else "A budget holder cancelled an "
                             "invitation to a supporter"),
    "order_event": _order_events,
    "plan": _plans,
    "view": _views,
}


def csv_rows(rows: list[AuditEntry]) -> list[list[str]]:
    header = ["When (London)", "Kind", "What", "Amount", "Budgets (reference, funding stream, "
              "organisation)", "By", "Reference"]
    kinds = dict(KINDS)
    return [header] + [
        [format_datetime(row.at), kinds[row.kind], row.what,
         format_pence(row.amount_pence) if row.amount_pence is not None else "",
         "; ".join(", ".join(part for part in budget if part) for budget in row.budgets),
         row.by, row.reference]
        for row in rows
    ]

"""Payout runs: who pays whom, what is owed, and a run's life from draft to paid.

Who pays whom. Staff of a managed-account organisation pay providers for confirmed MANAGED
orders from the budgets their organisation holds; commissioners pay providers for confirmed
DIRECT-PAYMENT orders (card money the marketplace collected). Each is a "payer"; a payer sees
only its own runs (anyone else's is a 404).

A run's life, each step one ledger transaction per provider line with an idempotency key
derived from the line's id, so a retried step never posts twice:

    create    draft: every confirmed order of the payer that is in no live run, one line per
              provider; providers without payout details for the backend are left out and
              listed ("cannot be paid yet: missing bank details"). No money moves.
    send      draft -> sent. Bacs: the payment file is ready; Connect: one transfer per line.
              'payout' moves each line from provider payable to provider in payout. A Connect
              line that fails stays unsent (the run stays draft) and is shown; retrying is safe
              because the transfer's idempotency key is f"payout-item-{id}".
    mark paid sent -> paid. 'payout_paid' moves each line from in payout to payouts paid; each
              order becomes paid_out and the provider is told.
    cancel    draft|sent -> cancelled. 'payout_cancelled' moves sent lines back to payable; the
              run's PayoutOrder rows stay, their orders moved from order_id (the live claim)
              to cancelled_order_id, so the orders can be paid by a later run and the run
              still shows which orders it held, when it was cancelled and by whom.

Invariants: an order is in at most one live run (payout_orders.order_id is unique; a run that
loses a race for an order simply does not get it, see create_payout_run); a line's amount is the
sum of its orders; every state change of a run is a compare-and-set on its status, taken before
any money moves, so two clicks cannot both act. Services flush; callers commit.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, OrganisationMember
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.orders import services as order_services
from marketplace.orders.models import Order
from marketplace.orders.states import STATE_LABELS
from marketplace.payouts import backends
from marketplace.payouts.models import PayoutItem, PayoutOrder, PayoutRun, ProviderPayoutDetails
from marketplace.providers.models import Provider
from marketplace.times import utcnow

DIRECT_PAYER_NAME = "Pathways direct payments"
RUN_STATUS_LABELS = {
    "draft": "Draft: not sent yet",
    "sent": "Sent: waiting to be marked paid",
    "paid": "Paid",
    "cancelled": "Cancelled",
}
#: Order states whose money is still reserved in the budget.
HOLDING_STATES = (
    "awaiting_payment", "awaiting_approval", "awaiting_provider", "accepted", "delivered", "disputed",
)


class PayoutRefused(DomainError):
    status = 409
    code = "payout_refused"


# ---------------------------------------------------------------- who pays


@dataclass(frozen=True)
class Payer:
    """A managed-account organisation (organisation_id) or the marketplace (None)."""

    organisation_id: int | None
    name: str

    @property
    def route(self) -> str:
        return "managed" if self.organisation_id is not None else "direct"


def payer_for(user: User) -> Payer:
    if user.role == "account_manager":
        membership = db.session.scalar(
            sa.select(OrganisationMember).where(OrganisationMember.user_id == user.id)
        )
        if membership is None:
            raise Forbidden("Your account is not linked to a managed-account organisation yet.")
        return Payer(membership.organisation_id, membership.organisation.name)
    if user.role == "commissioner":
        return Payer(None, DIRECT_PAYER_NAME)
    raise Forbidden("Only the organisation holding the money can pay providers.")


def payer_name(run: PayoutRun) -> str:
    if run.organisation_id is None:
        return DIRECT_PAYER_NAME
    from marketplace.budgets.models import ManagedAccountOrganisation

    return db.session.get(ManagedAccountOrganisation, run.organisation_id).name


# ---------------------------------------------------------------- what is owed


@dataclass
class OwedLine:
    """Confirmed orders one provider is owed by one payer, not yet in any run."""

    provider: Provider
    orders: list[Order]
    total_pence: int
    #: Why they cannot be paid by this backend yet ("missing bank details"), or None.
    problem: str | None


def _payable_orders(payer: Payer) -> list[Order]:
    in_a_run = sa.select(PayoutOrder.id).where(PayoutOrder.order_id == Order.id).exists()
    query = sa.select(Order).where(
        Order.state == "confirmed", Order.route == payer.route, ~in_a_run
    )
    if payer.organisation_id is not None:
        query = query.join(Budget, Budget.id == Order.budget_id).where(
            Budget.managed_by_id == payer.organisation_id
        )
    return list(db.session.scalars(query.order_by(Order.provider_id, Order.id)))


def owed_to_providers(payer: Payer, backend_name: str) -> list[OwedLine]:
    backend = backends.backend_for(backend_name)
    by_provider: dict[int, list[Order]] = defaultdict(list)
    for order in _payable_orders(payer):
        by_provider[order.provider_id].append(order)
    details = _details_by_provider(list(by_provider))
    lines = []
    for provider_id, orders in by_provider.items():
        provider = db.session.get(Provider, provider_id)
        lines.append(OwedLine(
            provider=provider, orders=orders, total_pence=sum(o.total_pence for o in orders),
            problem=backend.missing_details(details.get(provider_id)),
        ))
    return sorted(lines, key=lambda line: (line.provider.name.lower(), line.provider.id))


def _details_by_provider(provider_ids: list[int]) -> dict[int, ProviderPayoutDetails]:
    if not provider_ids:
        return {}
    rows = db.session.scalars(
        sa.select(ProviderPayoutDetails).where(ProviderPayoutDetails.provider_id.in_(provider_ids))
    )
    return {row.provider_id: row for row in rows}


# ---------------------------------------------------------------- runs


@dataclass
class CreatedRun:
    run: PayoutRun
    #: Providers owed money who were left out, with the reason.
    left_out: list[OwedLine]


def create_payout_run(actor: User, payer: Payer, backend_name: str) -> CreatedRun:
    """Gather every payable order of this payer into a new draft run, one line per provider.

    Orders are claimed by inserting their PayoutOrder rows with ON CONFLICT DO NOTHING on the
    unique order_id, in (provider, order) order so concurrent runs cannot deadlock: if another
    run claimed an order first (even one not committed yet: PostgreSQL waits for it), this run
    does not get it, and each line's amount is summed from the rows it actually got.
    """
    owed = owed_to_providers(payer, backend_name)
    payable = [line for line in owed if line.problem is None]
    left_out = [line for line in owed if line.problem is not None]
    if not payable:
        if left_out:
            raise PayoutRefused(
                "No provider can be paid yet: everyone owed money is missing payout details."
            )
        raise PayoutRefused("There is nothing to pay: no confirmed orders are waiting for payment.")

    run = PayoutRun(backend=backend_name, status="draft", organisation_id=payer.organisation_id,
                    created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        db.session.get_bind().dialect.name
    ]
    kept = 0
    for line in sorted(payable, key=lambda line: line.provider.id):
        item = PayoutItem(run_id=run.id, provider_id=line.provider.id,
                          amount_pence=line.total_pence, reference="PENDING")
        db.session.add(item)
        db.session.flush()
        db.session.execute(
            insert(PayoutOrder)
            .values([{"item_id": item.id, "order_id": order.id, "amount_pence": order.total_pence}
                     for order in line.orders])
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
        claimed = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(PayoutOrder.amount_pence), 0))
            .where(PayoutOrder.item_id == item.id)
        )
        if not claimed:
            db.session.delete(item)
        else:
            item.amount_pence = int(claimed)
            item.reference = backends.payout_reference(run.id, item.id)
            kept += 1
        db.session.flush()
    if not kept:
        raise PayoutRefused(
            "Another payment run took these orders just now. Look at the list of payment runs."
        )
    db.session.expire(run, ["items"])
    return CreatedRun(run=run, left_out=left_out)


def runs_for(payer: Payer) -> list[PayoutRun]:
    return list(db.session.scalars(
        sa.select(PayoutRun).where(_same_payer(payer)).order_by(PayoutRun.id.desc())
    ))


def get_run_for(payer: Payer, run_id: int) -> PayoutRun:
    run = db.session.get(PayoutRun, run_id)
    if run is None or run.organisation_id != payer.organisation_id:
        raise NotFound("We could not find that payment run.")
    return run


def _same_payer(payer: Payer):
    if payer.organisation_id is None:
        return PayoutRun.organisation_id.is_(None)
    return PayoutRun.organisation_id == payer.organisation_id


def item_orders(item: PayoutItem) -> list[Order]:
    """The orders of a run's line; for a cancelled run, the orders it held."""
    held = sa.func.coalesce(PayoutOrder.order_id, PayoutOrder.cancelled_order_id)
    return list(db.session.scalars(
        sa.select(Order).join(PayoutOrder, held == Order.id)
        .where(PayoutOrder.item_id == item.id).order_by(Order.id)
    ))


def run_total_pence(run: PayoutRun) -> int:
    return sum(item.amount_pence for item in run.items)


def lines_to_pay(run: PayoutRun) -> list[backends.LineToPay]:
    details = _details_by_provider([item.provider_id for item in run.items])
    lines = []
    for item in run.items:
        found = details.get(item.provider_id)
        provider = db.session.get(Provider, item.provider_id)
        lines.append(backends.LineToPay(
            item_id=item.id, run_id=run.id, provider_id=item.provider_id,
            provider_name=provider.name, amount_pence=item.amount_pence, reference=item.reference,
            order_ids=tuple(order.id for order in item_orders(item)),
            account_name=found.account_name if found else "",
            sort_code=found.sort_code if found else "",
            account_number=found.account_number if found else "",
            stripe_account_id=found.stripe_account_id if found else "",
            stripe_transfer_id=item.stripe_transfer_id,
        ))
    return lines


def _lock_run(run: PayoutRun, from_states: tuple[str, ...], refusal: str) -> None:
    """Take the run's row lock if it is still in one of from_states, else refuse. A second
    request for the same step waits here and then finds the state already changed."""
    table = PayoutRun.__table__
    changed = db.session.execute(
        sa.update(table).where(table.c.id == run.id, table.c.status.in_(from_states))
        .values(status=table.c.status),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.refresh(run)
    db.session.expire(run, ["items"])
    if changed != 1:
        raise PayoutRefused(refusal)


def _check_orders_still_confirmed(run: PayoutRun) -> None:
    changed = db.session.execute(
        sa.select(Order.id, Order.state)
        .join(PayoutOrder, PayoutOrder.order_id == Order.id)
        .join(PayoutItem, PayoutItem.id == PayoutOrder.item_id)
        .where(PayoutItem.run_id == run.id, Order.state != "confirmed")
        .order_by(Order.id)
    ).all()
    if changed:
        described = ", ".join(
            f"order {order_id} ({STATE_LABELS.get(state, state).lower()})" for order_id, state in changed
        )
        raise PayoutRefused(
            f"Some orders in this run changed after it was created: {described}. "
            "Cancel this run and create a new one."
        )


@dataclass
class SendResult:
    run: PayoutRun
    #: item id -> what went wrong, for lines that could not be sent (Connect).
    failures: dict[int, str] = field(default_factory=dict)


def send_payout_run(actor: User, payer: Payer, run_id: int, *, gateway=None) -> SendResult:
    """Export the Bacs file or send the Connect transfers, moving each line that went into
    provider in payout. Safe to repeat: lines already sent are skipped."""
    run = get_run_for(payer, run_id)
    _lock_run(run, ("draft",), f"This payment run is {RUN_STATUS_LABELS[run.status].lower()}, "
              "so it cannot be sent again.")
    _check_orders_still_confirmed(run)
    backend = backends.backend_for(run.backend, gateway=gateway)
    lines = lines_to_pay(run)
    if run.backend == "bacs_file":
        details = _details_by_provider([line.provider_id for line in lines])
        missing = [line.provider_name for line in lines
                   if backend.missing_details(details.get(line.provider_id))]
        if missing:
            raise PayoutRefused(
                f"{', '.join(missing)} no longer {'has' if len(missing) == 1 else 'have'} bank "
                "details. Cancel this run and create a new one."
            )
    items = {item.id: item for item in run.items}
    result = SendResult(run=run)
    for outcome in backend.send(lines):
        item = items[outcome.item_id]
        if not outcome.sent:
            result.failures[item.id] = outcome.failure
            continue
        if outcome.stripe_transfer_id:
            item.stripe_transfer_id = outcome.stripe_transfer_id
        _post_payout(run, item, actor)
    if not result.failures:
        run.status = "sent"
        run.sent_at = utcnow()
    db.session.flush()
    return result


def _post_payout(run: PayoutRun, item: PayoutItem, actor: User) -> None:
    provider = db.session.get(Provider, item.provider_id)
    ledger.move(
        "payout", f"Payment run {run.id}: {provider.name} ({item.reference})", item.amount_pence,
        ledger.provider_payable_account(item.provider_id),
        ledger.provider_in_payout_account(item.provider_id),
        actor_id=actor.id, payout_run_id=run.id,
        idempotency_key=f"payout-item-{item.id}-payout",
        insufficient_message=(
            f"{provider.name} is owed less than this run would pay them: an order may have been "
            "refunded. Cancel this run and create a new one."
        ),
    )


def mark_payout_run_paid(actor: User, payer: Payer, run_id: int) -> PayoutRun:
    """The money has arrived: settle each line, mark its orders paid out, tell the providers."""
    run = get_run_for(payer, run_id)
    _lock_run(run, ("sent",), "Only a run that has been exported or sent, and not yet marked "
              "paid, can be marked paid.")
    _check_orders_still_confirmed(run)
    for item in run.items:
        provider = db.session.get(Provider, item.provider_id)
        ledger.move(
            "payout_paid", f"Payment run {run.id} paid: {provider.name} ({item.reference})",
            item.amount_pence, ledger.provider_in_payout_account(item.provider_id),
            ledger.payouts_paid_account(), actor_id=actor.id, payout_run_id=run.id,
            idempotency_key=f"payout-item-{item.id}-paid",
        )
        orders = item_orders(item)
        for order in orders:
            order_services.mark_paid_out(order)
        notify(provider.owner,
               f"{payer.name} has paid you {format_pence(item.amount_pence)} for "
               f"{len(orders)} order{'' if len(orders) == 1 else 's'} "
               f"(payment reference {item.reference}).",
               link=_payment_link(item), email_subject="You have been paid")
    run.status = "paid"
    run.paid_at = utcnow()
    db.session.flush()
    return run


def cancel_payout_run(actor: User, payer: Payer, run_id: int) -> PayoutRun:
    """Stop a run before it is paid: sent lines go back to payable and its orders are free
    to be paid by a later run."""
    run = get_run_for(payer, run_id)
    if run.backend == "stripe_connect" and any(item.stripe_transfer_id for item in run.items):
        raise PayoutRefused(
            "Transfers in this run have already been made, so it cannot be cancelled. "
            "Send the rest and mark it paid."
        )
    _lock_run(run, ("draft", "sent"), "Only a run that has not been paid can be cancelled.")
    for item in run.items:
        posted = db.session.scalar(sa.select(LedgerTransaction.id).where(
            LedgerTransaction.idempotency_key == f"payout-item-{item.id}-payout"
        ))
        if posted is None:
            continue
        provider = db.session.get(Provider, item.provider_id)
        ledger.move(
            "payout_cancelled", f"Payment run {run.id} cancelled: {provider.name} ({item.reference})",
            item.amount_pence, ledger.provider_in_payout_account(item.provider_id),
            ledger.provider_payable_account(item.provider_id), actor_id=actor.id,
            payout_run_id=run.id, idempotency_key=f"payout-item-{item.id}-cancelled",
        )
    item_ids = [item.id for item in run.items]
    if item_ids:
        # Kept, not deleted: the order leaves the live claim (so a later run may pay it) and
        # is remembered as this run's.
        db.session.execute(
            sa.update(PayoutOrder).where(PayoutOrder.item_id.in_(item_ids),
                                         PayoutOrder.order_id.is_not(None))
            .values(cancelled_order_id=PayoutOrder.order_id, order_id=None),
            execution_options={"synchronize_session": False},
        )
    run.status = "cancelled"
    run.cancelled_at = utcnow()
    run.cancelled_by_id = actor.id
    db.session.flush()
    return run


def _payment_link(item: PayoutItem) -> str:
    return f"/provider/payments/{item.id}"


# ---------------------------------------------------------------- files


def payment_file(run: PayoutRun) -> str:
    _require_bacs_file(run)
    return backends.BacsFileBackend.payment_file(lines_to_pay(run))


def remittance_file(run: PayoutRun) -> str:
    _require_bacs_file(run)
    rows = []
    for item in run.items:
        provider = db.session.get(Provider, item.provider_id)
        for order in item_orders(item):
            rows.append((item.reference, backends.order_reference(order.id), provider.name,
                         order.service_title, order.total_pence))
    return backends.BacsFileBackend.remittance_file(rows)


def _require_bacs_file(run: PayoutRun) -> None:
    if run.backend != "bacs_file":
        raise NotFound("This run was paid by Stripe transfers, so it has no payment file.")
    if run.status not in ("sent", "paid"):
        raise PayoutRefused("Export the run first: its file is made when it is exported.")



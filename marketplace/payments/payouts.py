"""Paying providers: payout details, payout runs and the managed-account reconciliation.

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
    cancel    draft|sent -> cancelled. 'payout_cancelled' moves sent lines back to payable and the
              run's PayoutOrder rows are deleted, so its orders can be paid by a later run.

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
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.times import utcnow
from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.orders import services as order_services
from marketplace.orders.models import Order
from marketplace.orders.states import STATE_LABELS
from marketplace.payments import payout_backends as backends
from marketplace.payments.models import PayoutItem, PayoutOrder, PayoutRun, ProviderPayoutDetails
from marketplace.providers.models import Provider

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


# ---------------------------------------------------------------- payout details


def payout_details_for(provider: Provider) -> ProviderPayoutDetails | None:
    return db.session.scalar(
        sa.select(ProviderPayoutDetails).where(ProviderPayoutDetails.provider_id == provider.id)
    )


def save_payout_details(provider: Provider, backend_name: str, *, account_name: str = "",
                        sort_code: str = "", account_number: str = "",
                        stripe_account_id: str = "") -> ProviderPayoutDetails:
    """Check and store where this provider is paid, for the deployment's backend. The owner is
    told by email, so a change they did not make is noticed before money goes astray."""
    if backend_name == "stripe_connect":
        checks = {"stripe_account_id": (backends.check_stripe_account_id, stripe_account_id)}
    else:
        checks = {
            "account_name": (backends.check_account_name, account_name),
            "sort_code": (backends.normalise_sort_code, sort_code),
            "account_number": (backends.normalise_account_number, account_number),
        }
    try:
        values = {name: _checked(name, check, typed) for name, (check, typed) in checks.items()}
    except _FieldProblem as problem:
        raise DomainError(problem.message, field=problem.field) from None
    details = payout_details_for(provider)
    if details is None:
        details = ProviderPayoutDetails(provider_id=provider.id)
        db.session.add(details)
    for name, value in values.items():
        setattr(details, name, value)
    details.updated_at = utcnow()
    notify(provider.owner, "The details of where Pathways pays your organisation were changed. "
           "If you did not do this, contact us straight away.",
           link="/provider/payout-details", email_subject="Your payout details were changed")
    db.session.flush()
    return details


class _FieldProblem(Exception):
    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message


def _checked(field_name: str, check, value: str) -> str:
    try:
        return check(value)
    except backends.PayoutDetailsInvalid as problem:
        raise _FieldProblem(field_name, str(problem)) from None


def masked_account_number(details: ProviderPayoutDetails | None) -> str:
    if details is None or not details.account_number:
        return ""
    return "****" + details.account_number[-4:]


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
    return list(db.session.scalars(
        sa.select(Order).join(PayoutOrder, PayoutOrder.order_id == Order.id)
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
        db.session.execute(
            sa.delete(PayoutOrder).where(PayoutOrder.item_id.in_(item_ids)),
            execution_options={"synchronize_session": False},
        )
    run.status = "cancelled"
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


# ---------------------------------------------------------------- the provider's view


@dataclass
class ProviderPayments:
    owed_pence: int
    in_payout_pence: int
    paid_pence: int
    #: Lines of runs that were sent or paid, newest first: (item, run, orders, payer name).
    lines: list[tuple[PayoutItem, PayoutRun, list[Order], str]]


def provider_payments(provider: Provider) -> ProviderPayments:
    in_payout = ledger.provider_in_payout_account(provider.id)
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .where(LedgerLine.account_id == in_payout.id, LedgerTransaction.kind == "payout_paid")
    )
    items = db.session.scalars(
        sa.select(PayoutItem).join(PayoutRun, PayoutRun.id == PayoutItem.run_id)
        .where(PayoutItem.provider_id == provider.id, PayoutRun.status.in_(("sent", "paid")))
        .order_by(PayoutRun.id.desc(), PayoutItem.id.desc())
    ).all()
    return ProviderPayments(
        owed_pence=ledger.account_balance(ledger.provider_payable_account(provider.id)),
        in_payout_pence=ledger.account_balance(in_payout),
        paid_pence=-int(paid),
        lines=[(item, item.run, item_orders(item), payer_name(item.run)) for item in items],
    )


def provider_payment_line(provider: Provider, item_id: int) -> PayoutItem:
    item = db.session.get(PayoutItem, item_id)
    if item is None or item.provider_id != provider.id or item.run.status not in ("sent", "paid"):
        raise NotFound("We could not find that payment.")
    return item


def payer_name(run: PayoutRun) -> str:
    if run.organisation_id is None:
        return DIRECT_PAYER_NAME
    from marketplace.budgets.models import ManagedAccountOrganisation

    return db.session.get(ManagedAccountOrganisation, run.organisation_id).name


# ---------------------------------------------------------------- reconciliation


@dataclass
class BudgetRow:
    budget: Budget
    balances: ledger.BudgetBalances
    held_by_orders_pence: int
    settled_by_orders_pence: int


@dataclass
class RunLine:
    provider_name: str
    amount_pence: int
    #: From the runs: this line's money paid, or being paid.
    run_paid_pence: int
    run_in_payout_pence: int
    #: From the ledger, independently.
    ledger_paid_pence: int
    ledger_in_payout_pence: int

    @property
    def agrees(self) -> bool:
        return (self.run_paid_pence, self.run_in_payout_pence) == (
            self.ledger_paid_pence, self.ledger_in_payout_pence)


@dataclass
class Check:
    label: str
    ledger_pence: int
    records_label: str
    records_pence: int

    @property
    def difference_pence(self) -> int:
        return self.ledger_pence - self.records_pence


@dataclass
class Reconciliation:
    budgets: list[BudgetRow]
    runs: list[tuple[PayoutRun, list[RunLine]]]
    checks: list[Check]

    @property
    def agrees(self) -> bool:
        return all(check.difference_pence == 0 for check in self.checks) and all(
            line.agrees for _, lines in self.runs for line in lines)

    def total(self, name: str) -> int:
        return sum(getattr(row.balances, name) for row in self.budgets)


def reconciliation_for(payer: Payer) -> Reconciliation:
    """Figures for the accounts an organisation holds and the runs it made, each computed twice:
    from the ledger, and from the orders and runs. Any difference is shown, never hidden."""
    if payer.organisation_id is None:
        raise NotFound("Reconciliation is for managed-account organisations.")
    budgets = list(db.session.scalars(
        sa.select(Budget).where(Budget.managed_by_id == payer.organisation_id).order_by(Budget.id)
    ))
    order_totals = _order_totals_by_budget_and_state([budget.id for budget in budgets])
    budget_rows = [
        BudgetRow(
            budget=budget, balances=ledger.budget_balances(budget.id),
            held_by_orders_pence=sum(order_totals.get((budget.id, s), 0) for s in HOLDING_STATES),
            settled_by_orders_pence=sum(order_totals.get((budget.id, s), 0) for s in ("confirmed", "paid_out")),
        )
        for budget in budgets
    ]
    runs = runs_for(payer)
    ledger_lines = _ledger_payout_lines([run.id for run in runs])
    run_rows = []
    run_paid = run_in_payout = 0
    for run in runs:
        lines = []
        for item in run.items:
            provider = db.session.get(Provider, item.provider_id)
            being_paid = run.status == "sent" or (run.status == "draft" and bool(item.stripe_transfer_id))
            figures = ledger_lines.get((run.id, item.provider_id), {})
            line = RunLine(
                provider_name=provider.name, amount_pence=item.amount_pence,
                run_paid_pence=item.amount_pence if run.status == "paid" else 0,
                run_in_payout_pence=item.amount_pence if being_paid else 0,
                ledger_paid_pence=-figures.get("payout_paid", 0),
                ledger_in_payout_pence=sum(figures.values()),
            )
            run_paid += line.run_paid_pence
            run_in_payout += line.run_in_payout_pence
            lines.append(line)
        run_rows.append((run, lines))

    ledger_spent = sum(row.balances.spent_pence for row in budget_rows)
    ledger_paid = _ledger_paid_out([run.id for run in runs])
    ledger_in_payout = sum(
        sum(figures.values()) for figures in ledger_lines.values()
    )
    checks = [
        Check("Spent from the budgets", ledger_spent, "Confirmed and paid-out orders",
              sum(row.settled_by_orders_pence for row in budget_rows)),
        Check("Reserved for orders in progress", sum(row.balances.committed_pence for row in budget_rows),
              "Orders not yet confirmed", sum(row.held_by_orders_pence for row in budget_rows)),
        Check("Paid to providers", ledger_paid, "Payment runs marked paid", run_paid),
        Check("Being paid now", ledger_in_payout, "Payment runs sent, not yet marked paid", run_in_payout),
        Check("Owed to providers, not yet being paid", ledger_spent - ledger_paid - ledger_in_payout,
              "Confirmed orders not in a sent run", _owed_by_orders(payer)),
    ]
    return Reconciliation(budgets=budget_rows, runs=run_rows, checks=checks)


def _order_totals_by_budget_and_state(budget_ids: list[int]) -> dict[tuple[int, str], int]:
    if not budget_ids:
        return {}
    rows = db.session.execute(
        sa.select(Order.budget_id, Order.state, sa.func.sum(Order.total_pence))
        .where(Order.budget_id.in_(budget_ids)).group_by(Order.budget_id, Order.state)
    )
    return {(budget_id, state): int(total) for budget_id, state, total in rows}


def _ledger_payout_lines(run_ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """(run, provider) -> {transaction kind: net pence on the provider's in-payout account}."""
    if not run_ids:
        return {}
    rows = db.session.execute(
        sa.select(LedgerTransaction.payout_run_id, LedgerAccount.provider_id, LedgerTransaction.kind,
                  sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerLine, LedgerLine.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .where(LedgerTransaction.payout_run_id.in_(run_ids),
               LedgerAccount.kind == "provider_in_payout")
        .group_by(LedgerTransaction.payout_run_id, LedgerAccount.provider_id, LedgerTransaction.kind)
    )
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for run_id, provider_id, kind, total in rows:
        figures[(run_id, provider_id)][kind] = int(total)
    return figures


def _ledger_paid_out(run_ids: list[int]) -> int:
    """What the runs put into the payouts-paid account, read from that account's own lines."""
    if not run_ids:
        return 0
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .where(LedgerTransaction.payout_run_id.in_(run_ids), LedgerAccount.kind == "payouts_paid")
    ))


def _owed_by_orders(payer: Payer) -> int:
    """Confirmed orders of this payer that are in no run, or only in a run not yet sent."""
    being_paid = (
        sa.select(PayoutOrder.id)
        .join(PayoutItem, PayoutItem.id == PayoutOrder.item_id)
        .join(PayoutRun, PayoutRun.id == PayoutItem.run_id)
        .where(PayoutOrder.order_id == Order.id,
               sa.or_(PayoutRun.status.in_(("sent", "paid")), PayoutItem.stripe_transfer_id != ""))
        .exists()
    )
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.total_pence), 0))
        .join(Budget, Budget.id == Order.budget_id)
        .where(Order.state == "confirmed", Order.route == payer.route,
               Budget.managed_by_id == payer.organisation_id, ~being_paid)
    ))

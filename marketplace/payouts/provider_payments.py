"""The provider's view of being paid: what it is owed, what is in a run, what has been paid,
and each payment line of a sent or paid run (another provider's line is a 404)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.payouts.models import PayoutItem, PayoutRun
from marketplace.payouts.runs import item_orders, payer_name
from marketplace.providers.models import Provider


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

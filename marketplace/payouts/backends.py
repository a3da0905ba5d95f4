"""The two ways a payout run reaches providers, behind one small interface.

- BacsFileBackend ("bacs_file", the default): nothing leaves the building; "sending" a run means
  the finance team downloads a Bacs-style payment file and uploads it to its bank. The payment
  file has one line per provider per run; a companion remittance file lists each order.
- StripeConnectBackend ("stripe_connect"): one Stripe Transfer per provider line, to the
  provider's connected account, through marketplace.payments.stripe_gateway (the only module
  that talks to Stripe). Every transfer carries the idempotency key f"payout-item-{item.id}",
  derived from our own row, so retrying a run after a failure or a crash can never pay twice.

Also here: the format rules for payout details (sort code, account number, account name,
connected account id), shared by the provider's form and the domain service so both refuse the
same things with the same words. Money is integer pence; amounts in files are written from
pence as text ("1234.50"), never through a float.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from marketplace.errors import DomainError
from marketplace.money import pence_to_pounds_text

log = logging.getLogger(__name__)

BACKEND_NAMES = ("bacs_file", "stripe_connect")
DEFAULT_BACKEND = "bacs_file"

#: Characters a Bacs account name or reference may contain.
BACS_NAME_LENGTH = 18
BACS_REFERENCE_LENGTH = 18
_BACS_UNSAFE = re.compile(r"[^A-Z0-9 .&/-]")
_SORT_CODE = re.compile(r"^(\d{2})[- ]?(\d{2})[- ]?(\d{2})$")
_ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9 .&/'-]+$")
_STRIPE_ACCOUNT = re.compile(r"^acct_[A-Za-z0-9]+$")


# ---------------------------------------------------------------- payout details formats


class PayoutDetailsInvalid(DomainError, ValueError):
    """The text is not a valid sort code, account number, account name or account id."""

    code = "invalid_payout_details"


def normalise_sort_code(text: str) -> str:
    """'12-34-56', '12 34 56' or '123456' -> '123456'."""
    match = _SORT_CODE.match((text or "").strip())
    if not match:
        raise PayoutDetailsInvalid("Enter a sort code of 6 digits, like 30-94-57")
    return "".join(match.groups())


def normalise_account_number(text: str) -> str:
    """Exactly 8 digits; spaces are ignored. Shorter numbers are refused rather than padded,
    because a guessed leading zero could send money to someone else."""
    digits = re.sub(r"\s+", "", text or "")
    if not digits.isdigit():
        raise PayoutDetailsInvalid("Enter an account number using digits only, like 00733445")
    if len(digits) != 8:
        raise PayoutDetailsInvalid(
            f"Enter an account number of exactly 8 digits (you entered {len(digits)}). "
            "If your bank gave you fewer, ask it for the 8-digit version"
        )
    return digits


def check_account_name(text: str) -> str:
    """The name on the account as typed (trimmed), up to 18 characters."""
    name = " ".join((text or "").split())
    if not name:
        raise PayoutDetailsInvalid("Enter the name on the bank account")
    if len(name) > BACS_NAME_LENGTH:
        raise PayoutDetailsInvalid(
            f"Enter the name on the account in {BACS_NAME_LENGTH} characters or fewer: "
            "banks only use the first 18, so shorten it as your bank does"
        )
    if not _ACCOUNT_NAME.match(name):
        raise PayoutDetailsInvalid(
            "The account name can only use letters, numbers, spaces and . & / ' -"
        )
    return name


def check_stripe_account_id(text: str) -> str:
    account = (text or "").strip()
    if not _STRIPE_ACCOUNT.match(account) or len(account) > 255:
        raise PayoutDetailsInvalid(
            "Enter your Stripe connected account id: it starts acct_ followed by letters and "
            "numbers, like acct_1PgafTB7WZ01zgkW"
        )
    return account


def bacs_safe(text: str, length: int) -> str:
    """Upper case, accents removed, only Bacs characters, at most `length` characters."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    cleaned = _BACS_UNSAFE.sub("", plain.upper().replace("'", ""))
    return " ".join(cleaned.split())[:length].rstrip()


def payout_reference(run_id: int, item_id: int) -> str:
    """The bank reference for one provider line, e.g. 'PW0012-00034' (always <= 18)."""
    reference = f"PW{run_id:04d}-{item_id:05d}"
    if len(reference) > BACS_REFERENCE_LENGTH:
        raise ValueError(f"payout reference {reference!r} is longer than Bacs allows")
    return reference


def order_reference(order_id: int) -> str:
    return f"ORDER-{order_id:06d}"


# ---------------------------------------------------------------- the interface


@dataclass(frozen=True)
class LineToPay:
    """What a backend needs to pay one provider line of a run."""

    item_id: int
    run_id: int
    provider_id: int
    provider_name: str
    amount_pence: int
    reference: str
    order_ids: tuple[int, ...]
    account_name: str = ""
    sort_code: str = ""
    account_number: str = ""
    stripe_account_id: str = ""
    #: Already sent (Connect transfer id); a retry skips it.
    stripe_transfer_id: str = ""


@dataclass(frozen=True)
class LineOutcome:
    item_id: int
    sent: bool
    stripe_transfer_id: str = ""
    #: Plain English, shown beside the line when it could not be sent.
    failure: str = ""


class PayoutBackend(Protocol):
    name: str
    label: str
    send_action: str

    def missing_details(self, details) -> str | None:
        """Why this provider cannot be paid by this backend, or None."""

    def send(self, lines: list[LineToPay]) -> list[LineOutcome]:
        """Pay (or prepare to pay) each line; never raises for one line's failure."""


class BacsFileBackend:
    name = "bacs_file"
    label = "Bacs payment file"
    send_action = "Export the payment file"

    def missing_details(self, details) -> str | None:
        if details is None or not (details.sort_code and details.account_number and details.account_name):
            return "missing bank details"
        return None

    def send(self, lines: list[LineToPay]) -> list[LineOutcome]:
        # Exporting moves no money by itself: the file is what the bank will pay.
        return [LineOutcome(item_id=line.item_id, sent=True) for line in lines]

    @staticmethod
    def payment_file(lines: list[LineToPay]) -> str:
        """The file for the bank: a header, then one line per provider."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["Sort code", "Account number", "Account name", "Amount", "Reference"])
        for line in lines:
            writer.writerow([
                line.sort_code,
                line.account_number,
                bacs_safe(line.account_name, BACS_NAME_LENGTH),
                pence_to_pounds_text(line.amount_pence),
                line.reference,
            ])
        return buffer.getvalue()

    @staticmethod
    def remittance_file(rows: list[tuple[str, str, str, str, int]]) -> str:
        """The companion file: one line per order, tying each bank line to its orders.

        rows: (payment reference, order reference, provider name, service title, amount pence).
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["Payment reference", "Order reference", "Provider", "Service", "Amount"])
        for reference, order_ref, provider, service, amount in rows:
            writer.writerow([reference, order_ref, _spreadsheet_safe(provider),
                             _spreadsheet_safe(service), pence_to_pounds_text(amount)])
        return buffer.getvalue()


def _spreadsheet_safe(text: str) -> str:
    # Free text typed by providers must not run as a formula when the file is opened.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _default_gateway():
    # Imported on first use: only deployments using Connect need the Stripe gateway.
    from marketplace.payments import stripe_gateway

    return stripe_gateway


def transfer_idempotency_key(item_id: int) -> str:
    return f"payout-item-{item_id}"


def transfer_metadata(line: LineToPay) -> dict[str, str]:
    """Stripe metadata: string keys (<= 40 chars) and string values (<= 500 chars)."""
    orders = ",".join(str(order_id) for order_id in line.order_ids)
    return {
        "payout_run_id": str(line.run_id),
        "payout_item_id": str(line.item_id),
        "reference": line.reference,
        "order_count": str(len(line.order_ids)),
        "order_ids": orders if len(orders) <= 500 else orders[:497] + "...",
    }


class StripeConnectBackend:
    name = "stripe_connect"
    label = "Stripe Connect transfers"
    send_action = "Send the transfers"

    def __init__(self, gateway=None):
        self._gateway = gateway

    @property
    def gateway(self):
        return self._gateway or _default_gateway()

    def missing_details(self, details) -> str | None:
        if details is None or not details.stripe_account_id:
            return "missing Stripe connected account"
        return None

    def send(self, lines: list[LineToPay]) -> list[LineOutcome]:
        outcomes = []
        for line in lines:
            if line.stripe_transfer_id:
                outcomes.append(LineOutcome(line.item_id, True, line.stripe_transfer_id))
                continue
            outcomes.append(self._send_one(line))
        return outcomes

    def _send_one(self, line: LineToPay) -> LineOutcome:
        if not line.stripe_account_id:
            return LineOutcome(line.item_id, False, failure="This provider has no Stripe connected account.")
        try:
            transfer = self.gateway.create_transfer(
                amount_pence=line.amount_pence,
                destination_account=line.stripe_account_id,
                idempotency_key=transfer_idempotency_key(line.item_id),
                metadata=transfer_metadata(line),
            )
        except DomainError as error:
            log.warning("Transfer for payout item %s refused: %s", line.item_id, error.message)
            return LineOutcome(line.item_id, False, failure=error.message)
        except Exception:  # a Stripe outage must not lose the other lines' outcomes
            log.exception("Transfer for payout item %s failed", line.item_id)
            return LineOutcome(
                line.item_id, False,
                failure="Stripe did not confirm this transfer. Try again: it will not pay twice.",
            )
        transfer_id = _transfer_id(transfer)
        if not transfer_id:
            log.error("Transfer for payout item %s returned no id: %r", line.item_id, transfer)
            return LineOutcome(line.item_id, False, failure="Stripe's answer had no transfer id. Try again.")
        return LineOutcome(line.item_id, True, stripe_transfer_id=transfer_id)


def _transfer_id(transfer) -> str:
    if isinstance(transfer, str):
        return transfer
    if isinstance(transfer, dict):
        return str(transfer.get("id") or "")
    return str(getattr(transfer, "id", "") or "")


def backend_for(name: str, *, gateway=None) -> PayoutBackend:
    if name == "bacs_file":
        return BacsFileBackend()
    if name == "stripe_connect":
        return StripeConnectBackend(gateway)
    raise ValueError(f"unknown payout backend {name!r}: use one of {', '.join(BACKEND_NAMES)}")

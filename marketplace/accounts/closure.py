"""Closing an account (UK GDPR erasure, docs/account-closure.md).

A budget holder, supporter or provider may close their own account once nothing is still open
(accounts/open_items.py). Closing happens in one database transaction: either everything below
is done or nothing is.

- The person's row keeps its id, role and dates, so the council's records still point at it,
  and gets a pseudonym ("Former member 7F3K"), a unique email that cannot receive mail, a
  password no login can match, no area or interests, and closed_at. Migration 0025's triggers
  refuse a closed row with anything usable left on it, and refuse reopening it.
- Their sessions end, their API tokens and emailed links stop working, their copies of
  their data are deleted, and supporter access both ways stops
  (the other side is told, without the name); invitation emails and the words describing the
  relationship go.
- Each area removes what the person wrote or was told (plan, outcomes, notes, needs, messages,
  reviews as they chose, pool names, notifications and emails), and takes their names and
  words out of what others were told (accounts/mentions.py).
- A provider's services leave search and every page (providers/closure.py).
- Kept, for the council's audit of public money: budgets, allocations, instalments, the ledger,
  orders and their history, card payments and receipts, pledges, payout runs and bank details.

Who can close: the roles that registered themselves. Staff accounts (commissioners, managed
account staff, moderators) are the organisation's to close. Callers commit.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts import sessions
from marketplace.accounts.mentions import Mentions
from marketplace.accounts.models import (
    SELF_REGISTER_ROLES,
    ApiToken,
    EmailLink,
    SupporterGrant,
    User,
    UserSession,
)
from marketplace.accounts.open_items import OpenItem, open_items
from marketplace.budgets import closure as budgets
from marketplace.datarights import closure as datarights
from marketplace.enquiries import closure as enquiries
from marketplace.errors import DomainError, Forbidden
from marketplace.extensions import db
from marketplace.needs import closure as needs
from marketplace.notifications import closure as notifications
from marketplace.notifications.services import notify
from marketplace.orders import closure as orders
from marketplace.pools import closure as pools
from marketplace.providers import closure as providers
from marketplace.reviews import closure as reviews
from marketplace.times import utcnow

PSEUDONYM_PREFIX = "Former member"
#: Letters and digits nobody misreads (no 0/O, 1/I).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4
#: A password hash no password matches (werkzeug's check is False for a hash without "$").
UNUSABLE_PASSWORD = "!closed"
#: A domain reserved never to exist (RFC 2606), so nothing is ever delivered there.
CLOSED_EMAIL_DOMAIN = "closed.invalid"


class AccountHasOpenItems(DomainError):
    status = 409
    code = "account_has_open_items"

    def __init__(self, items: list[OpenItem]):
        super().__init__("Some things are still open. Finish them first, then close your "
                         "account.")
        self.items = items


@dataclass(frozen=True)
class ClosedAccount:
    pseudonym: str
    withdrew_reviews: bool


def may_close(person: User) -> bool:
    return person.role in SELF_REGISTER_ROLES and not person.is_closed


def new_pseudonym() -> tuple[str, str]:
    """(code, "Former member <code>"), unused by anyone else."""
    length = CODE_LENGTH
    for attempt in range(40):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        name = f"{PSEUDONYM_PREFIX} {code}"
        if db.session.scalar(sa.select(User.id).where(User.display_name == name)) is None:
            return code, name
        if attempt % 10 == 9:
            length += 1  # crowded: a longer code
    raise RuntimeError("Could not find an unused pseudonym")


def close_account(person: User, *, password: str, withdraw_reviews: bool) -> ClosedAccount:
    """Close the person's own account, after their password; raises DomainError (field
    "password") for a wrong one, Forbidden for a staff account, AccountHasOpenItems while
    anything is open."""
    # The row lock makes a second press of the button wait, then find the account closed
    # (PostgreSQL; SQLite's writers take turns anyway).
    db.session.execute(sa.select(User.id).where(User.id == person.id).with_for_update())
    db.session.refresh(person)
    if person.is_closed:
        raise DomainError("This account is already closed.")
    if not may_close(person):
        raise Forbidden("Staff accounts are closed by the organisation you work for.")
    if not person.check_password(password or ""):
        raise DomainError("Your password is not right", field="password")
    still_open = open_items(person)
    if still_open:
        raise AccountHasOpenItems(still_open)
    code, pseudonym = new_pseudonym()
    old_email = person.email
    mentions = _mentions_of(person, pseudonym)

    budgets.forget_plan(person)
    orders.forget_notes(person, mentions)
    pools.forget_members(person)
    needs.forget_needs(person)
    reviews.forget_reviews(person, mentions, withdraw_published=withdraw_reviews)
    enquiries.forget_enquiries(person, mentions)
    if person.role == "provider" and person.provider is not None:
        needs.forget_quotes_by(person.provider.id, mentions)
        providers.close_listing(person.provider, code)
    _end_access(person, old_email)
    datarights.forget_exports(person)
    notifications.forget_messages(person, old_email, mentions)
    _pseudonymise(person, pseudonym)
    return ClosedAccount(pseudonym, withdraw_reviews)


def _mentions_of(person: User, pseudonym: str) -> Mentions:
    """Every name and text of the person's, read before anything is removed."""
    names, emails = [person.display_name], [person.email]
    words = orders.typed_words(person)
    if person.role == "provider":
        if person.provider is not None:
            names += providers.names_of(person.provider)
            emails.append(person.provider.contact_email)
    else:
        words += enquiries.written_words(person)
    if person.role == "holder":
        names += pools.names_shown(person) + enquiries.labels_chosen(person)
        words += (budgets.plan_words(person) + needs.need_words(person)
                  + reviews.review_words(person))
    # How a holder described their supporter: quoted in the invitation email.
    words += db.session.scalars(sa.select(SupporterGrant.relationship_text).where(sa.or_(
        SupporterGrant.holder_id == person.id, SupporterGrant.supporter_id == person.id)))
    # The labels a holder never chose ("A budget holder in Salford") name nobody.
    names = [name for name in names if not name.startswith("A budget holder")]
    return Mentions.of(names=names, emails=emails, words=words, pseudonym=pseudonym)


def _end_access(person: User, old_email: str) -> None:
    """Sessions, API tokens, emailed links and supporter access, both ways."""
    sessions.end_sessions(person)
    # A reset or confirmation link keeps the address it was sent to, and could open the account.
    db.session.execute(sa.delete(EmailLink).where(EmailLink.user_id == person.id)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == person.id)
                       .values(user_agent=""))
    now = utcnow()
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == person.id,
                                                 ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == person.id).values(name=""))
    grants = db.session.scalars(sa.select(SupporterGrant).where(sa.or_(
        SupporterGrant.holder_id == person.id, SupporterGrant.supporter_id == person.id,
        SupporterGrant.invite_email == old_email))).all()
    for grant in grants:
        if grant.is_live:
            _tell_the_other_side(grant, person)
        grant.revoked_at = grant.revoked_at or now
        grant.invite_email, grant.relationship_text = "", ""
    db.session.flush()


def _tell_the_other_side(grant: SupporterGrant, person: User) -> None:
    if grant.holder_id == person.id:
        notify(grant.supporter, "Someone you supported has closed their Pathways account, so "
               "you can no longer see their budget or act for them.", link="/people",
               email_subject="Your access as a supporter has ended")
    else:
        notify(grant.holder, "One of your supporters has closed their Pathways account, so "
               "they can no longer see your budget or act for you.", link="/supporters",
               email_subject="A supporter has closed their account")


def _pseudonymise(person: User, pseudonym: str) -> None:
    person.display_name = pseudonym
    person.email = f"closed-{secrets.token_hex(12)}@{CLOSED_EMAIL_DOMAIN}"
    person.password_hash = UNUSABLE_PASSWORD
    person.is_active_account = False
    person.home_authority, person.home_district, person.interests = "", "", []
    person.closed_at = utcnow()
    db.session.flush()

"""What closing an account removes from notifications and the email outbox
(accounts/closure.py).

Everything the person was told goes: their notifications, and every email to their address,
queued, being sent, sent or failed (a queued one is never sent; a worker already sending one
finds its row gone, and its lease fence changes nothing). Nothing is sent to tell them it is
done: that email would keep their address. What other people were told about them stays, since
it is theirs, but without the person: names become the pseudonym, email addresses a marker, and
a message quoting the person's words is replaced whole (accounts/mentions.py).
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.mentions import Mentions, rows_mentioning
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage, Notification

REMOVED_NOTIFICATION = ("This message was about someone who has closed their Pathways "
                        "account, so its words were removed.")
REMOVED_EMAIL = REMOVED_NOTIFICATION + "\n\nPathways\n"


def forget_messages(person: User, old_email: str, mentions: Mentions) -> None:
    db.session.execute(sa.delete(Notification).where(Notification.user_id == person.id))
    # Addresses are kept lower-cased (users.email, invitations), so the index finds them.
    db.session.execute(sa.delete(EmailMessage).where(EmailMessage.to_address == old_email))
    for notification in rows_mentioning(Notification, [Notification.message], mentions):
        notification.message = mentions.scrub(notification.message, REMOVED_NOTIFICATION)[:500]
    for email in rows_mentioning(EmailMessage, [EmailMessage.subject, EmailMessage.body],
                                 mentions):
        email.subject = mentions.replace_names(email.subject)[:200]
        email.body = mentions.scrub(email.body, REMOVED_EMAIL)
    db.session.flush()

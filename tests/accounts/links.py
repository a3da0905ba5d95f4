"""Reading the links Pathways emails (a reset, a confirmation) out of the queued messages, and
following one as the person would."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.mail import emails_to

LINK = re.compile(r"https?://\S+/(?:reset-password|confirm-email)/\S+")


def links_sent_to(address: str, subject_word: str = "") -> list[str]:
    """The paths of every link emailed to address (newest last), from emails whose subject
    contains subject_word."""
    return [urlsplit(found).path for message in emails_to(address)
            if subject_word in message.subject for found in LINK.findall(message.body)]


def last_link_to(address: str, subject_word: str = "") -> str:
    found = links_sent_to(address, subject_word)
    assert found, f"no link was emailed to {address}"
    return found[-1]


def confirm_address(client, address: str) -> None:
    """Open the newest confirmation link sent to address and press its button."""
    path = last_link_to(address, "Confirm")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302

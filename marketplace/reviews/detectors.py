"""Check a review's words before publication: ``check(text)`` returns the Findings.

Layers: personal data (phones, emails, home addresses, NHS numbers, and staff names in a
critical review), offensive words, and safeguarding words. Anything found holds the review for
a moderator (``Findings.needs_person``); safeguarding findings are never decided by a machine,
and their author is shown SAFEGUARDING_HELP at once. The detectors read text only: no database,
no network, the same answer every time. docs/moderation.md says what each catches and misses.
"""
from __future__ import annotations

from collections.abc import Sequence

from marketplace.reviews.abuse import find_abuse
from marketplace.reviews.contact import find_emails, find_phones
from marketplace.reviews.findings import Finding, Findings, Kind, redacted
from marketplace.reviews.personal_data import (
    find_addresses,
    find_nhs_numbers,
    find_staff_names,
)
from marketplace.reviews.safeguarding import SAFEGUARDING_HELP, find_safeguarding

__all__ = ["SAFEGUARDING_HELP", "Finding", "Findings", "Kind", "check", "redacted"]


def check(text: str, *, critical: bool = False, staff_names: Sequence[str] = ()) -> Findings:
    """What a moderator must look at in ``text``.

    ``critical``: the review is critical (the caller decides, e.g. from its stars); only then
    are ``staff_names`` (the provider's staff first and last names) looked for, because
    praising a named worker is welcome and blaming one in public is not.
    """
    phones = find_phones(text)
    found: list[Finding] = [
        *phones,
        *find_emails(text),
        *find_addresses(text),
        # Digits already read as a phone number are not also an NHS number.
        *find_nhs_numbers(text, taken=phones),
        *(find_staff_names(text, staff_names) if critical else ()),
        *find_abuse(text),
        *find_safeguarding(text),
    ]
    return Findings.of(found)

"""What the detectors found in a review, and the moderator's "edit out" of personal data.

Invariants: every Finding's span is a slice of the text that was checked
(``text[start:end] == finding.text``); Findings are ordered by where they start.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    POSTCODE_WITH_HOUSE_NUMBER = "postcode_with_house_number"
    NHS_NUMBER = "nhs_number"
    STAFF_NAME = "staff_name"
    ABUSE = "abuse"
    SAFEGUARDING = "safeguarding"


#: The words that replace each kind of personal data when a moderator edits it out.
REMOVED_LABELS: dict[Kind, str] = {
    Kind.PHONE: "[phone number removed]",
    Kind.EMAIL: "[email address removed]",
    Kind.POSTCODE_WITH_HOUSE_NUMBER: "[address removed]",
    Kind.NHS_NUMBER: "[NHS number removed]",
    Kind.STAFF_NAME: "[name removed]",
}
PERSONAL_DATA_KINDS = frozenset(REMOVED_LABELS)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int
    #: Exactly ``text[start:end]`` of the checked text.
    text: str
    #: Plain English for the moderator, e.g. "A phone number: 07700 900123".
    reason: str

    @property
    def is_personal_data(self) -> bool:
        return self.kind in PERSONAL_DATA_KINDS


def finding_at(kind: Kind, text: str, start: int, end: int, reason: str) -> Finding:
    """A Finding for ``text[start:end]``; ``reason`` is followed by the matched words."""
    matched = text[start:end]
    return Finding(kind, start, end, matched, f"{reason}: {matched}")


@dataclass(frozen=True)
class Findings:
    items: tuple[Finding, ...] = ()

    @classmethod
    def of(cls, found: Iterable[Finding]) -> Findings:
        return cls(tuple(sorted(found, key=lambda f: (f.start, f.end, f.kind))))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Finding:
        return self.items[index]

    @property
    def needs_person(self) -> bool:
        """Anything found holds the review for a moderator instead of publishing it."""
        return bool(self.items)

    @property
    def safeguarding(self) -> bool:
        """Words about self-harm, suicide, abuse or neglect: a person must read the review;
        it is never published or rejected automatically."""
        return any(f.kind is Kind.SAFEGUARDING for f in self.items)

    @property
    def personal_data(self) -> list[Finding]:
        return [f for f in self.items if f.is_personal_data]

    @property
    def kinds(self) -> set[Kind]:
        return {f.kind for f in self.items}


def redacted(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each personal-data span replaced by words such as "[phone number removed]".

    Abuse and safeguarding findings are left in: a moderator decides about those. Overlapping
    spans are removed together under the first one's label. Raises ValueError when a finding
    does not match ``text`` (findings from an earlier version of the words).
    """
    spans = sorted((f for f in findings if f.is_personal_data), key=lambda f: (f.start, -f.end))
    pieces: list[str] = []
    position = 0
    for finding in spans:
        if text[finding.start:finding.end] != finding.text:
            raise ValueError(f"The finding {finding.text!r} is not in this text at {finding.start}.")
        if finding.start < position:
            position = max(position, finding.end)
            continue
        pieces += [text[position:finding.start], REMOVED_LABELS[finding.kind]]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)

"""What a moderator would see of a check: each finding's kind and exact words."""
from __future__ import annotations

from marketplace.reviews.detectors import check


def found(text: str, **options) -> list[tuple[str, str]]:
    findings = check(text, **options)
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
        assert finding.reason.endswith(f": {finding.text}")
    return [(str(finding.kind), finding.text) for finding in findings]


def found_of_kind(kind: str, text: str, **options) -> list[str]:
    return [words for found_kind, words in found(text, **options) if found_kind == kind]

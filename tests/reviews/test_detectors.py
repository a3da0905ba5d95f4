"""check() combines the layers; Findings tell the caller what to do; redacted() edits out."""
from __future__ import annotations

import pytest

from marketplace.reviews.detectors import check, redacted

REVIEW = (
    "Sarah was awful. Ring me on 07700 900123 or jane@example.com, I live at "
    "12 Acacia Road M14 5RT, NHS 943 476 5919. She shouted and hurt me, the wanker."
)


def test_a_review_with_every_kind_lists_each_in_order():
    findings = check(REVIEW, critical=True, staff_names=["Sarah"])
    assert [(f.kind, f.text) for f in findings] == [
        ("staff_name", "Sarah"),
        ("phone", "07700 900123"),
        ("email", "jane@example.com"),
        ("postcode_with_house_number", "12 Acacia Road M14 5RT"),
        ("nhs_number", "943 476 5919"),
        ("safeguarding", "hurt me"),
        ("abuse", "wanker"),
    ]
    assert findings.needs_person and findings.safeguarding
    assert [f.kind for f in findings.personal_data] == [
        "staff_name", "phone", "email", "postcode_with_house_number", "nhs_number",
    ]
    assert findings[1].reason == "A phone number: 07700 900123"


def test_editing_out_replaces_only_personal_data():
    findings = check(REVIEW, critical=True, staff_names=["Sarah"])
    assert redacted(REVIEW, findings) == (
        "[name removed] was awful. Ring me on [phone number removed] or "
        "[email address removed], I live at [address removed], NHS [NHS number removed]. "
        "She shouted and hurt me, the wanker."
    )


def test_an_ordinary_review_is_published_without_a_person():
    text = (
        "Priya's art group on Thursdays at 2pm helped me so much. £15 for 6 weeks, "
        "near M14. I went 3 times a week in May 2026, and it felt like a safe place."
    )
    findings = check(text, critical=False, staff_names=["Priya"])
    assert list(findings) == []
    assert not findings.needs_person and not findings.safeguarding
    assert findings.personal_data == []
    assert redacted(text, findings) == text


def test_bad_language_alone_needs_a_person_but_is_not_safeguarding():
    findings = check("the sessions were shit")
    assert findings.needs_person and not findings.safeguarding
    assert findings.personal_data == []


def test_findings_from_older_words_are_refused():
    findings = check("ring 07700 900123")
    with pytest.raises(ValueError):
        redacted("ring me on 07700 900123", findings)


def test_an_empty_review_has_no_findings():
    assert not check("").needs_person

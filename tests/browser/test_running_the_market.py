"""Running the market in a real browser: a commissioner changes a funding stream and an
organisation, meets the errors first, and sees both changes in the history and the audit log.
The edit forms with their errors and the audit log pass axe, and fit a 320 px phone."""
from __future__ import annotations

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from tests.factories import PASSWORD, make_funded_budget, make_user


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def _fits_320(new_page, email: str, paths: list[str]) -> None:
    phone = new_page(viewport={"width": 320, "height": 700})
    _log_in(phone, email)
    for path in paths:
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_a_commissioner_edits_a_stream_and_an_organisation(app, page, new_page,
                                                           check_accessibility):
    commissioner = make_user("commissioner", name="Cara Commissioner")
    stream = budget_services.create_funding_stream(name="Salford adult social care",
                                                   kind="social_care")
    organisation = budget_services.create_managed_account_organisation(
        name="Salford Independent Living", auto_approve_limit_pence=5_000)
    db.session.commit()
    make_funded_budget(amount_pence=20_000, organisation=organisation, stream=stream)
    stream_id, organisation_id = stream.id, organisation.id
    _log_in(page, commissioner.email)

    page.goto(f"/commissioning/streams/{stream_id}")
    page.click("text=Change the name, kind or description")
    check_accessibility(page, "funding stream edit")
    page.fill("#name", "")
    page.click("main form button[type=submit]")
    assert "Enter a name for the funding stream" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "funding stream edit errors")
    page.fill("#name", "Salford adult care")
    page.fill("#description", "For adults the council has assessed.")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Salford adult care"
    history = page.locator("ul.history").inner_text()
    assert "Cara Commissioner" in history
    assert "Name from “Salford adult social care” to “Salford adult care”" in history

    page.goto(f"/commissioning/organisations/{organisation_id}")
    page.click("text=Change these details")
    page.fill("#auto_approve_limit", "lots")
    page.fill("#auto_confirm_days", "0")
    page.click("main form button[type=submit]")
    summary = page.locator(".error-summary").inner_text()
    assert "Enter an amount" in summary and "from 1 to 90" in summary
    check_accessibility(page, "organisation edit errors")
    page.fill("#auto_approve_limit", "75")
    page.fill("#auto_confirm_days", "10")
    page.click("main form button[type=submit]")
    history = page.locator("ul.history").inner_text()
    assert "Approves orders up to from “£50.00” to “£75.00”" in history
    assert "Confirms delivery after from “7 days” to “10 days”" in history

    page.goto("/commissioning/audit")
    table = page.locator("main table").inner_text()
    assert "Changed the organisation Salford Independent Living" in table
    assert "Paid into a budget from its funding stream" in table
    check_accessibility(page, "audit log")
    page.goto("/commissioning/commissioners")
    check_accessibility(page, "commissioners")

    _fits_320(new_page, commissioner.email, [
        "/commissioning/audit", f"/commissioning/streams/{stream_id}/edit",
        f"/commissioning/organisations/{organisation_id}/edit",
        f"/commissioning/organisations/{organisation_id}", f"/commissioning/streams/{stream_id}",
    ])

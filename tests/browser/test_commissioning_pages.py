"""The commissioners' pages in a real browser: a budget is allocated with the form, and every
page, including its error states, passes axe-core at WCAG 2.2 AA."""
from __future__ import annotations

from datetime import timedelta

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from marketplace.times import london_today
from tests.commissioning.conftest import allocation_form
from tests.factories import PASSWORD, make_user


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def test_a_commissioner_allocates_a_split_budget_in_the_browser(app, page, check_accessibility):
    commissioner = make_user("commissioner")
    make_user("holder", email="sam@example.org", name="Sam Holder")
    stream = budget_services.create_funding_stream(
        name="Salford adult social care", kind="social_care"
    )
    organisation = budget_services.create_managed_account_organisation(
        name="Salford Independent Living"
    )
    db.session.commit()

    _log_in(page, commissioner.email)
    for url, label in [
        ("/commissioning", "overview"),
        ("/commissioning/streams", "funding streams"),
        ("/commissioning/streams/new", "new funding stream"),
        (f"/commissioning/streams/{stream.id}", "funding stream"),
        ("/commissioning/organisations", "organisations"),
        ("/commissioning/organisations/new", "new organisation"),
        (f"/commissioning/organisations/{organisation.id}", "organisation"),
        ("/commissioning/commissioners", "commissioners"),
    ]:
        page.goto(url)
        check_accessibility(page, label)

    page.goto(f"/commissioning/streams/{stream.id}")
    page.click("main form button[type=submit]")
    assert "Choose a category from the list" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "spending rule errors")

    page.goto("/commissioning/allocations/new")
    check_accessibility(page, "allocation form")
    page.fill("#amount", "abc")
    page.click("main form button[type=submit]")
    summary = page.locator(".error-summary").inner_text()
    assert "Enter an amount in pounds" in summary and "Enter the email address" in summary
    check_accessibility(page, "allocation errors")

    values = allocation_form(stream, organisation, route="split", direct_amount="1300")
    for field in ["holder_email", "amount", "instalment_every_weeks", "direct_amount"]:
        page.fill(f"#{field}", values[field])
    for field in ["period_start", "period_end"]:  # day, month and year boxes
        year, month, day = values[field].split("-")
        page.fill(f"#{field}", day)
        page.fill(f"#{field}-month", month)
        page.fill(f"#{field}-year", year)
    page.select_option("#stream", values["stream"])
    page.select_option("#managed_by", values["managed_by"])
    page.check("input[name=route][value=split]")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Budget for Sam Holder"
    assert "The first instalment of £100.00 was paid in" in page.content()
    check_accessibility(page, "allocation confirmation")

    page.goto("/commissioning/allocations")
    assert f"{london_today() + timedelta(weeks=52):%B %Y}" in page.content()
    check_accessibility(page, "allocations")

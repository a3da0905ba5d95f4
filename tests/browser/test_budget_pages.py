"""The budget, statement, spending return, plan and supporter pages in a real browser, checked
by axe-core at WCAG 2.2 AA."""

from __future__ import annotations

from marketplace.times import london_today, utcnow

from tests.budgets.helpers import (
    allocate,
    card_order,
    grant,
    make_stream,
)
from tests.factories import PASSWORD, make_provider, make_service, make_user

def log_in(page, user):  # noqa: F811
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_holder_pages_pass_axe(page, check_accessibility):  # noqa: F811
    holder = make_user("holder", name="Sam Patel")
    stream = make_stream(rules=[("peer-support", "the council already pays for this")])
    direct, managed = allocate(holder, stream=stream, route="split", total=100_000, direct=40_000)
    service = make_service(make_provider(name="Salford Arts"), title="Photography walks")
    card_order(direct, service=service, amount=1250, paid_at=utcnow())
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["view", "plan"], relationship="broker")

    log_in(page, holder)
    page.goto("/budget")
    assert page.locator("h1").inner_text() == "My budget"
    check_accessibility(page, "my budget")
    page.goto(f"/budget/{direct.id}/statement")
    check_accessibility(page, "statement")
    page.goto(f"/budget/{direct.id}/statement?start=2026-05-01&end=2026-04-01")
    check_accessibility(page, "statement with a date error")
    page.goto(f"/budget/{direct.id}/statement/print")
    check_accessibility(page, "printable statement")
    page.goto(f"/budget/{direct.id}/spending-return")
    assert "Salford Arts" in page.content()
    check_accessibility(page, "spending return")

    page.goto("/plan")
    page.fill("#about_me", "My allotment and my friends")
    page.fill("#review_on", "1")
    page.fill("#review_on-month", "10")
    page.fill("#review_on-year", str(london_today().year + 1))
    with page.expect_navigation():
        page.click("text=Save the plan")
    page.fill("#new-text", "Get back to photography")
    with page.expect_navigation():
        page.click("text=Add the outcome")
    page.locator("h3", has_text="Get back to photography").wait_for()
    check_accessibility(page, "plan")
    with page.expect_navigation():
        page.click("text=Add the outcome")  # empty: an error
    assert "Write the outcome in your own words" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "plan with an error")
    page.goto("/plan")
    with page.expect_navigation():
        page.click("a:has-text('Change')")
    check_accessibility(page, "change an outcome")

    page.goto("/supporters")
    check_accessibility(page, "supporters")
    with page.expect_navigation():
        page.click("text=Send the invitation")
    assert "Enter their email address" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "supporters with errors")


def test_supporter_pages_pass_axe(page, check_accessibility):  # noqa: F811
    holder = make_user("holder", name="Sam Patel")
    allocate(holder)
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["view"], relationship="broker")
    from marketplace.accounts import supporters
    from marketplace.extensions import db

    _, token = supporters.invite_supporter(
        holder, email="new@example.org", relationship="my sister", scopes=["view"]
    )
    db.session.commit()
    page.goto(f"/supporters/accept/{token}")
    check_accessibility(page, "accept an invitation (logged out)")
    page.goto("/supporters/accept/not-a-token")
    check_accessibility(page, "an invitation that cannot be used")

    log_in(page, broker)
    page.goto("/people")
    check_accessibility(page, "people I support")
    page.goto(f"/people/{holder.id}/budget")
    check_accessibility(page, "a supported person's budget")
    page.goto(f"/people/{holder.id}/plan")
    check_accessibility(page, "a supported person's plan, read only")
    page.goto(f"/supporters/accept/{token}")
    check_accessibility(page, "accept an invitation (logged in)")

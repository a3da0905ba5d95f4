"""The staff areas' sub-navigation is one component: readable (it was white on white for
commissioners, hiding "Pay providers"), the same on an area's own pages and on the payout pages
it uses, and it marks the page you are on."""
from __future__ import annotations

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from tests.factories import PASSWORD, make_account_manager, make_user

# Contrast of each link's text against the nearest opaque background behind it (WCAG 1.4.3).
CONTRASTS = """() => Array.from(document.querySelectorAll('nav.area-nav a')).map(link => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = link, background = null;
  while (node && !background) {
    const colour = getComputedStyle(node).backgroundColor;
    if (rgb(colour).length === 3 || rgb(colour)[3] > 0) background = colour;
    node = node.parentElement;
  }
  background = background || 'rgb(255, 255, 255)';
  const [a, b] = [lum(rgb(getComputedStyle(link).color)), lum(rgb(background))];
  return [link.textContent.trim(), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
})"""


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def _nav(page) -> dict[str, float]:
    return dict(page.evaluate(CONTRASTS))


def test_a_commissioner_can_read_every_section_link_on_every_section_page(app, page):
    commissioner = make_user("commissioner")
    _log_in(page, commissioner.email)
    for url, current in (("/commissioning", "Overview"),
                         ("/commissioning/payouts", "Pay providers"),
                         ("/commissioning/operations", "Jobs and email")):
        page.goto(url)
        links = _nav(page)
        assert list(links) == ["Overview", "Market map", "Spend", "Equality and access",
                               "Outcomes and quality", "Market position statements",
                               "Funding streams", "Managed-account organisations",
                               "Allocations", "Commissioners", "Audit log", "Pay providers",
                               "Jobs and email"]
        assert all(ratio >= 4.5 for ratio in links.values()), (url, links)
        assert page.locator("nav.area-nav a[aria-current=page]").inner_text() == current


def test_managed_account_staff_have_the_same_sub_navigation_on_their_payout_pages(app, page):
    organisation = budget_services.create_managed_account_organisation(name="Salford Independent")
    db.session.commit()
    manager = make_account_manager(organisation)
    _log_in(page, manager.email)
    for url, current in (("/managed", "Approvals and disputes"),
                         ("/managed/payouts", "Pay providers"),
                         ("/managed/reconciliation", "Reconciliation")):
        page.goto(url)
        links = _nav(page)
        assert list(links) == ["Approvals and disputes", "Group purchases", "Accounts we hold",
                               "Pay providers", "Reconciliation", "Settings"]
        assert all(ratio >= 4.5 for ratio in links.values()), (url, links)
        assert page.locator("nav.area-nav a[aria-current=page]").inner_text() == current

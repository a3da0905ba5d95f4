"""The pages of issue 2 in headless Chromium: axe-core finds no WCAG 2.2 AA problem on any of
them in any of their states, no id appears twice, a phone-sized screen needs no sideways
scrolling, and the keyboard focus is always visible.

Each page is checked in the state a person would see it in (results with facets, no results,
"did you mean", a search parameter that is not understood, forms before and after a failed
submission), because the error and empty states are where accessibility problems hide.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_provider, make_service, make_user

PHONE = {"width": 390, "height": 844}
DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}"""
SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def market(app):
    """A small market: a user-led provider with a poolable evening group in Salford, a larger
    provider, and a provider owner whose listings include a paused one."""
    owner = make_user("provider", email="kim@example.org")
    ulo = make_provider(owner, name="Salford Peer Voices", provider_type="ulo",
                        is_user_led=True, staff_count=4,
                        user_led_statement="Seven of our nine trustees use our groups.",
                        has_insurance=True, insurance_details="Public liability, £5 million",
                        contact_phone="0161 496 0000", website="https://www.example.org")
    group = make_service(ulo, title="Canal photography walks", category="arts",
                         description="We walk by the canal and take photographs together.",
                         secondary_categories=["befriending"], tags=["cameras"],
                         languages=["en", "ur"], evenings=True, weekends=True,
                         schedule="Wednesdays 6pm to 8pm", is_group=True, capacity=8,
                         poolable=True, price_pence=750, price_unit="session",
                         postcode_districts=["M14"], specialisms=["men"],
                         accessibility="Step-free routes only.")
    make_service(ulo, title="Darkroom evenings", category="arts", status="paused",
                 description="Develop your own photographs.")
    larger = make_provider(name="Big Care Company", provider_type="larger-provider",
                           staff_count=40)
    for number in range(3):
        make_service(larger, title=f"Photography club {number + 1}", category="arts",
                     description="A photography club for beginners.",
                     local_authorities=["salford", "bolton"][: number % 2 + 1],
                     delivery_modes=["in-person", "online"], evenings=bool(number % 2),
                     price_pence=1000 + 500 * number, price_unit="hour")
    return {"owner": owner, "provider": ulo, "service": group}


def _check(page, check_accessibility, label: str) -> None:
    check_accessibility(page, label)
    assert page.evaluate(DUPLICATE_IDS) == [], f"ids used twice on the {label} page"
    assert page.locator("h1").count() == 1, f"the {label} page needs exactly one h1"


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


PUBLIC_PAGES = [
    # (label, address, text the state must show, HTTP status)
    ("home", "/", "Find support that works for you", 200),
    ("search with an empty query", "/search", "Filter results", 200),
    ("results with filters and facets",
     "/search?q=photography&area=salford&evenings=true&sort=price",
     "Remove filter: Evenings", 200),
    ("no results", "/search?q=xylophonist&area=bolton", "Try widening your search", 200),
    ("did you mean", "/search?q=photografy&exact=true", "Did you mean", 200),
    ("spelling corrected", "/search?q=photografy", "Showing results for photography", 200),
    ("words read as filters", "/search?q=photography+evenings+Salford",
     "Showing services in the evenings", 200),
    ("most of the words", "/search?q=photography+xylophonist",
     "No service matches every word", 200),
    ("invalid parameters", "/search?q=photography&category=nonsense&area=narnia&max_price=lots",
     "There is a problem", 400),
    ("login", "/login", "Log in", 200),
    ("registration", "/register", "Create an account", 200),
]


@pytest.mark.parametrize(
    ("label", "address", "shows", "status"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES]
)
def test_public_pages_pass_axe(page, market, check_accessibility, label, address, shows,
                               status):
    response = page.goto(address)
    assert response.status == status
    assert shows in page.locator("main").inner_text()
    _check(page, check_accessibility, label)


def test_results_page_really_has_facets_and_cards_when_checked(page, market,
                                                               check_accessibility):
    page.goto("/search?q=photography&area=salford")
    assert page.locator("#results-heading").inner_text() == "4 services found"
    page.locator("summary", has_text="Filter results").click()
    assert page.locator("label[for=filter-evenings]").inner_text() == "Evenings (2)"
    assert page.locator("#filter-area").get_by_label("Salford (4)").is_checked()
    badges = page.locator("ol.results .badge").all_inner_texts()
    assert {"User-led organisation", "Micro-provider", "Can be pooled"} <= set(badges)
    _check(page, check_accessibility, "results with badges")


def test_invalid_area_is_explained_once_beside_the_search_box(page, market):
    page.goto("/search?q=photography&area=narnia")
    assert page.locator("#search-area").get_attribute("aria-invalid") == "true"
    assert page.locator("#search-area-error").count() == 1
    page.locator(".error-summary a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "search-area"


def test_service_and_provider_pages_pass_axe(page, market, check_accessibility):
    page.goto(f"/services/{market['service'].id}")
    assert page.locator("p.lead .price").inner_text() == "£7.50 per session"
    _check(page, check_accessibility, "service")
    page.goto(f"/providers/{market['provider'].id}")
    assert "Run by the people who use it" in page.locator("main").inner_text()
    _check(page, check_accessibility, "provider")


def test_provider_profile_form_passes_axe_empty_and_with_errors(page, check_accessibility):
    make_user("provider", email="new@example.org")
    _log_in(page, "new@example.org")
    page.goto("/provider")
    _check(page, check_accessibility, "dashboard before a profile")
    page.goto("/provider/profile")
    assert page.locator("h1").inner_text() == "Describe your organisation"
    _check(page, check_accessibility, "empty profile form")

    page.get_by_label("How many staff do you have?").fill("lots")
    page.get_by_label("Contact phone number").fill("call me")
    page.get_by_role("button", name="Save your profile").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Enter the name of your organisation" in summary
    assert "Choose the kind of provider you are" in summary
    assert "Enter the number of staff as a whole number" in summary
    assert page.get_by_label("How many staff do you have?").get_attribute("aria-invalid") == "true"
    _check(page, check_accessibility, "profile form with errors")


def test_listing_form_dashboard_and_delete_page_pass_axe(page, market, check_accessibility):
    _log_in(page, "kim@example.org")
    page.goto("/provider")
    assert "Paused" in page.locator("table").inner_text()
    _check(page, check_accessibility, "dashboard with active and paused services")

    page.goto("/provider/services/new")
    _check(page, check_accessibility, "empty listing form")
    page.get_by_label("Price in pounds").fill("twelve")
    page.locator("#languages").get_by_label("English").uncheck()
    page.get_by_label("Places in a group").fill("many")
    page.get_by_role("button", name="List this service").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Enter a title that says what the service is" in summary
    assert "Choose at least one language" in summary
    assert "Places in a group" in summary
    _check(page, check_accessibility, "listing form with errors")

    page.goto(f"/provider/services/{market['service'].id}/edit")
    assert page.get_by_label("Price in pounds").input_value() == "7.50"
    _check(page, check_accessibility, "edit listing form")

    page.goto(f"/provider/services/{market['service'].id}/delete")
    assert page.locator("h1").inner_text() == "Delete “Canal photography walks”?"
    _check(page, check_accessibility, "delete confirmation")


def _fits_a_phone(page, label: str) -> None:
    overflow = page.evaluate(SIDEWAYS_SCROLL)
    assert overflow <= 0, f"the {label} page scrolls sideways by {overflow}px on a phone"


def test_pages_fit_a_phone_screen(page, market, check_accessibility):
    page.set_viewport_size(PHONE)
    for label, address in [
        ("home", "/"),
        ("results", "/search?q=photography&area=salford&evenings=true"),
        ("no results", "/search?q=xylophonist"),
        ("service", f"/services/{market['service'].id}"),
        ("provider", f"/providers/{market['provider'].id}"),
    ]:
        page.goto(address)
        _fits_a_phone(page, label)
        check_accessibility(page, f"{label} on a phone")

    _log_in(page, "kim@example.org")
    for label, address in [("listing form", "/provider/services/new"),
                           ("dashboard", "/provider")]:
        page.goto(address)
        _fits_a_phone(page, label)
        check_accessibility(page, f"{label} on a phone")
    page.goto("/provider/services/new")
    page.get_by_role("button", name="List this service").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _fits_a_phone(page, "listing form with errors")


FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {tag: element.tagName, text: element.textContent.trim(),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          outlineColor: style.outlineColor, boxShadow: style.boxShadow};
}"""


def _assert_focus_visible(page, label: str) -> dict:
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["outlineStyle"] not in ("none", "hidden"), f"{label}: {focus}"
    assert focus["outlineWidth"] >= 2, f"{label}: {focus}"
    assert focus["outlineColor"] not in ("transparent", "rgba(0, 0, 0, 0)"), f"{label}: {focus}"
    return focus


def test_keyboard_focus_is_always_visible(page, market):
    page.goto("/")
    page.keyboard.press("Tab")
    assert _assert_focus_visible(page, "skip link")["text"] == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focus = _assert_focus_visible(page, "navigation link")
    assert (focus["tag"], focus["text"]) == ("A", "Find support")
    assert focus["outlineColor"] == "rgb(255, 221, 0)" and focus["boxShadow"] != "none"

    page.goto("/search?q=photography")
    page.get_by_role("link", name="Canal photography walks").focus()
    assert page.evaluate("() => document.activeElement.tagName") == "A"
    _assert_focus_visible(page, "result link")
    page.locator("summary", has_text="Filter results").click()
    for control in ("#search-q", "#filter-evenings", "button:has-text('Apply filters')"):
        page.focus(control)
        _assert_focus_visible(page, control)

    # The focus never lands on something hidden: tabbing moves through visible controls only.
    page.goto("/search?q=photography")
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return r.width > 0 && r.height > 0; }"
        ), "the keyboard focus went to something that cannot be seen"

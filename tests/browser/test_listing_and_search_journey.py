"""Flow 1 and flow 2 in real headless Chromium: a provider registers, describes the
organisation and lists a service through the forms; then someone with no account finds it from
the home page, narrows the results with the sidebar filters and reads the service and provider
pages. The anonymous part runs with JavaScript switched off, so it proves the search needs none.

Also through the pages: an edited listing is found by its new words and not its old ones, and a
paused listing leaves search.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.people import open_emailed_link, register, submit
from tests.factories import PASSWORD, make_provider, make_service, make_user


@pytest.fixture
def no_script_page(browser, live_server):
    """A second person's browser, with JavaScript switched off."""
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _rivals() -> None:
    """Photography services that each fail exactly one of the filters the journey applies."""
    larger = make_provider(name="Big Care Company", provider_type="larger-provider",
                           staff_count=40)
    micro = make_provider(name="Lens Friends", provider_type="micro-enterprise", staff_count=2)
    photo = {"category": "arts", "description": "Photography for beginners, cameras lent."}
    make_service(micro, title="Bolton photography club", local_authorities=["bolton"],
                 evenings=True, is_group=True, capacity=6, poolable=True, **photo)
    make_service(micro, title="Daytime photography group", local_authorities=["salford"],
                 is_group=True, capacity=6, poolable=True, **photo)
    make_service(micro, title="One to one photography lessons", local_authorities=["salford"],
                 evenings=True, **photo)
    make_service(larger, title="Photography evenings", local_authorities=["salford"],
                 evenings=True, is_group=True, capacity=10, poolable=True, **photo)


def _results(page) -> list[str]:
    return page.locator("ol.results > li h3").all_inner_texts()


def _count(page) -> str:
    return page.locator("#results-heading").inner_text()


def _confirm_email(page, address: str) -> None:
    """A new account confirms its address before it can list (docs/accounts.md)."""
    open_emailed_link(page, address, "Confirm")
    submit(page, "Confirm my email address")


def _describe_organisation(page) -> None:
    page.get_by_label("Name of your organisation").fill("Salford Peer Voices")
    page.get_by_label("User-led organisation", exact=True).check()
    page.get_by_label("About your organisation").fill("We are a peer-run arts collective.")
    page.get_by_label("How many staff do you have?").fill("4")
    page.get_by_label("We are user-led", exact=False).check()
    page.get_by_label("How people who use your services control the board").fill(
        "Seven of our nine trustees use our groups."
    )
    page.get_by_label("Local authority you are based in").select_option("salford")
    page.get_by_label("Postcode district").fill("m6")
    page.get_by_role("button", name="Save your profile").click()


def _list_service(page) -> None:
    page.get_by_label("Title").fill("Canal photography walks")
    page.get_by_label("Description").fill(
        "We walk by the canal and take photographs together.\n\nCameras can be borrowed."
    )
    page.get_by_label("Main category").select_option(label="Arts and creative activities")
    page.locator("#secondary_categories").get_by_label("Befriending and social activities").check()
    page.get_by_label("Tags").fill("cameras, photo walks")
    page.locator("#local_authorities").get_by_label("Salford").check()
    page.locator("#languages").get_by_label("Urdu").check()
    page.get_by_label("When it runs").fill("Wednesdays 6pm to 8pm")
    page.get_by_label("Runs in the evening (after 5pm)").check()
    page.get_by_label("Price in pounds").fill("7.50")
    page.get_by_label("per session").check()
    page.get_by_label("This is a group service").check()
    page.get_by_label("Places in a group").fill("8")
    page.get_by_label("People can pool their budgets to pay for this group").check()
    page.get_by_role("button", name="List this service").click()


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _search_from_home(page, words: str) -> None:
    page.goto("/")
    box = page.get_by_label("What would help you?")
    box.focus()
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def test_a_provider_lists_a_service_and_a_visitor_finds_it_with_filters(
    page, no_script_page, check_accessibility
):
    _rivals()

    # Flow 1: the provider registers, describes the organisation and lists a service.
    register(page, "Jo Bloggs", "jo@example.org", "Provider of support")
    assert page.locator("h1").inner_text() == "Describe your organisation"
    _confirm_email(page, "jo@example.org")
    page.goto("/provider/profile")
    assert page.get_by_label("Contact email address").input_value() == "jo@example.org"
    _describe_organisation(page)
    assert "Your organisation profile is saved." in page.locator(".flash-list").inner_text()
    page.get_by_role("link", name="Add a service").click()
    assert page.locator("h1").inner_text() == "List a service"
    _list_service(page)

    assert page.locator("h1").inner_text() == "Your listings"
    assert "“Canal photography walks” is listed and shows in search." in page.locator(
        ".flash-list"
    ).inner_text()
    row = page.get_by_role("row", name=re.compile("Canal photography walks"))
    assert "Active" in row.inner_text()
    assert "£7.50 per session" in row.inner_text()
    check_accessibility(page, "provider dashboard after listing")
    page.get_by_role("button", name="Log out").click()

    # Flow 2: someone without an account, and without JavaScript, searches.
    visitor = no_script_page
    _search_from_home(visitor, "photography")
    assert visitor.locator("h1").inner_text() == "Search results for “photography”"
    assert _count(visitor) == "5 services found"

    # Results come first; the filters wait behind "Filter results", opened without JavaScript.
    expect(visitor.get_by_role("link", name="Skip to results")).to_be_visible()
    expect(visitor.locator("#filter-area")).to_be_hidden()
    visitor.locator("summary", has_text="Filter results").click()
    # The area choices carry facet counts; choosing one is a click and a button press.
    area = visitor.locator("#filter-area")
    expect(area.get_by_label("Salford (4)")).to_be_visible()
    expect(area.get_by_label("Bolton (1)")).to_be_visible()
    area.get_by_label("Salford (4)").click()
    visitor.get_by_role("button", name="Apply filters").click()
    assert _count(visitor) == "4 services found"
    assert "Bolton photography club" not in _results(visitor)
    assert "area=salford" in visitor.url

    # The checkboxes, by keyboard only: Enter opens the filters, Space ticks, Enter submits.
    assert "(1 applied)" in visitor.locator("summary", has_text="Filter results").inner_text()
    visitor.focus("summary")
    visitor.keyboard.press("Enter")
    assert visitor.locator("label[for=filter-evenings]").inner_text() == "Evenings (3)"
    for box in ("#filter-evenings", "#filter-poolable"):
        visitor.focus(box)
        visitor.keyboard.press("Space")
    visitor.focus("button:has-text('Apply filters')")
    visitor.keyboard.press("Enter")
    visitor.wait_for_url(re.compile("poolable=true"))
    assert _count(visitor) == "2 services found"
    assert sorted(_results(visitor)) == ["Canal photography walks", "Photography evenings"]
    assert visitor.locator("#filter-evenings").is_checked()
    visitor.locator("summary", has_text="Filter results").click()
    assert visitor.locator("label[for=filter-ulo]").inner_text() == (
        "User-led organisations only (1)"
    )

    visitor.locator("label[for=filter-ulo]").click()
    visitor.locator("label[for=filter-micro]").click()
    visitor.get_by_role("button", name="Apply filters").click()
    assert _count(visitor) == "1 service found"
    assert _results(visitor) == ["Canal photography walks"]
    applied = visitor.locator("ul.applied-filters").inner_text()
    for words in ("Area: Salford", "Evenings", "Can be pooled", "User-led organisations only",
                  "Micro-providers only"):
        assert f"Remove filter: {words}" in applied

    card = visitor.locator("ol.results > li").first
    card_text = card.inner_text()
    assert "£7.50 per session" in card_text
    assert "Salford" in card_text and "Evenings" in card_text
    assert card.locator(".badge").all_inner_texts() == [
        "User-led organisation", "Micro-provider", "Can be pooled"
    ]
    assert "From Salford Peer Voices, user-led organisation" in card_text

    # The service page.
    card.get_by_role("link", name="Canal photography walks").click()
    assert visitor.locator("h1").inner_text() == "Canal photography walks"
    assert visitor.locator("p.lead .price").inner_text() == "£7.50 per session"
    details = visitor.locator("dl.details").first.inner_text()
    assert "Salford" in details
    assert "Arts and creative activities, Befriending and social activities" in details
    assert "English, Urdu" in details
    assert "Wednesdays 6pm to 8pm (evenings)" in details
    assert "8. People can pool part of their budgets to pay for it together." in details
    assert "Group service: can be pooled" in visitor.locator("main").inner_text()
    assert "Edit this service" not in visitor.locator("main").inner_text()

    # The provider page, from the "By" line.
    visitor.get_by_role("link", name="Salford Peer Voices").first.click()
    assert visitor.locator("h1").inner_text() == "Salford Peer Voices"
    main = visitor.locator("main").inner_text()
    assert "Run by the people who use it" in main
    assert "Seven of our nine trustees use our groups." in main
    assert "4 (a micro-provider: 8 or fewer staff)" in main
    expect(visitor.get_by_role("link", name="Canal photography walks")).to_be_visible()
    assert visitor.locator("script").count() == 0


def test_edited_listing_is_found_by_new_words_and_a_paused_one_leaves_search(
    page, no_script_page
):
    owner = make_user("provider", email="kim@example.org")
    provider = make_provider(owner, name="Kim's Crafts", provider_type="ulo", is_user_led=True,
                             user_led_statement="Members run it.")
    make_service(provider, title="Knitting circle", category="arts",
                 description="Knitting and a cup of tea on Tuesdays.", tags=["wool"])
    make_service(title="Tea and chat", description="A friendly cup of tea and chat.",
                 category="befriending")

    visitor = no_script_page
    _search_from_home(visitor, "knitting")
    assert _results(visitor) == ["Knitting circle"]

    _log_in(page, "kim@example.org")
    page.goto("/provider")
    page.get_by_role("link", name="Edit Knitting circle").click()
    assert page.get_by_label("Title").input_value() == "Knitting circle"
    page.get_by_label("Title").fill("Pottery studio")
    page.get_by_label("Description").fill("Throw pots on a wheel, with a cup of tea.")
    page.get_by_label("Tags").fill("clay")
    page.get_by_role("button", name="Save changes").click()
    flash = page.locator(".flash-list").inner_text()
    assert "Your changes to “Pottery studio” are saved." in flash

    _search_from_home(visitor, "knitting")
    assert _count(visitor) == "0 services found"
    assert "Try widening your search" in visitor.locator("main").inner_text()
    _search_from_home(visitor, "wool")
    assert _count(visitor) == "0 services found"
    _search_from_home(visitor, "pottery")
    assert _results(visitor) == ["Pottery studio"]
    _search_from_home(visitor, "tea")
    assert sorted(_results(visitor)) == ["Pottery studio", "Tea and chat"]

    page.get_by_role("button", name="Pause Pottery studio").click()
    assert "“Pottery studio” is paused: it no longer shows in search." in page.locator(
        ".flash-list"
    ).inner_text()
    assert "Paused" in page.get_by_role("row", name=re.compile("Pottery studio")).inner_text()

    _search_from_home(visitor, "pottery")
    assert _count(visitor) == "0 services found"
    _search_from_home(visitor, "tea")
    assert _results(visitor) == ["Tea and chat"]
    visitor.goto("/providers/%d" % provider.id)
    assert "Kim's Crafts has no services listed at the moment." in visitor.locator(
        "main"
    ).inner_text()

    page.get_by_role("button", name="Resume Pottery studio").click()
    _search_from_home(visitor, "pottery")
    assert _results(visitor) == ["Pottery studio"]

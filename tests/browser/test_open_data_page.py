"""The Open data page: reached from every page's footer, passes axe, fits a 320 px phone, and
its links lead to the feed and the API."""
from playwright.sync_api import expect

from tests.browser.people import layout_width


def test_the_footer_leads_to_the_open_data_page_which_passes_axe(page, new_page,
                                                                 check_accessibility):
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("contentinfo").get_by_role("link", name="Open data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    check_accessibility(page, "open data")
    main = page.locator("main")
    expect(main).to_contain_text("Open Referral UK")
    expect(main).to_contain_text("modified_after")
    expect(main).to_contain_text("never by their home address")
    with page.expect_navigation():
        page.get_by_role("link", name="taxonomies", exact=True).click()
    assert '"total_items":' in page.content().replace(" ", "")

    without_scripts = new_page(viewport={"width": 320, "height": 700}, java_script_enabled=False)
    without_scripts.goto("/open-data")
    assert layout_width(without_scripts) <= 320
    # axe is JavaScript: in a page with scripts off its evaluate never returns.
    phone = new_page(viewport={"width": 320, "height": 700})
    phone.goto("/open-data")
    check_accessibility(phone, "open data at 320 px")

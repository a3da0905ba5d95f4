"""Download my data, in real headless Chromium: a holder finds it from their account page, asks
for a copy, the worker's job prepares it, "Check again" shows it ready, and the zip downloads
with their data in it; "Who has seen my information" lists their supporter's look. axe-core
finds nothing on any of these pages, which fit a 320 px phone; the same pages work with
JavaScript turned off."""
from __future__ import annotations

import io
import json
import zipfile

from playwright.sync_api import expect

from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_job
from marketplace.times import utcnow
from tests.browser.people import layout_width, log_in, submit
from tests.factories import make_funded_budget, make_user
from tests.orders.pages import grant

PHONE = {"width": 320, "height": 700}


def _run_the_worker_job() -> None:
    job = catalogue.load().jobs["data-exports"]
    outcome = run_due_job(job, "browser-test-worker", now=utcnow(), settings=RunnerSettings())
    assert outcome.status == "succeeded", outcome.message


def _fits_the_phone(page, label: str) -> None:
    page.set_viewport_size(PHONE)
    width = layout_width(page)
    assert width <= PHONE["width"], f"the {label} page is {width} px wide on a 320 px phone"


def _downloaded(page, link_name) -> dict:
    with page.expect_download() as arrived:
        page.get_by_role("link", name=link_name).click()
    download = arrived.value
    assert download.suggested_filename.startswith("pathways-my-data-")
    with open(download.path(), "rb") as file, zipfile.ZipFile(io.BytesIO(file.read())) as archive:
        assert {"README.txt", "data.json", "budgets.csv", "who_has_seen.csv"} <= set(
            archive.namelist())
        return json.loads(archive.read("data.json"))


def test_a_holder_asks_for_downloads_and_reads_their_data(new_page, check_accessibility):
    sam = make_user("holder", name="Sam Patel")
    make_funded_budget(sam, amount_pence=40_000)
    plans.save_plan(sam, about_me="Back to photography.", review_on=None, actor=sam)
    jo = make_user("supporter", name="Jo Broker")
    grant(sam, jo, ["view"])
    db.session.commit()

    jos_page = new_page()
    log_in(jos_page, jo)
    jos_page.goto(f"/people/{sam.id}/plan")
    expect(jos_page.locator("main")).to_contain_text("Back to photography.")

    page = new_page()
    log_in(page, sam)
    page.goto("/account")
    with page.expect_navigation():
        page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    check_accessibility(page, "your data, before asking")

    submit(page, "Ask for a copy of my data")
    expect(page.locator(".flash-list")).to_contain_text("We are preparing a copy of your data")
    expect(page.get_by_role("heading", name="Your copy is being prepared")).to_be_visible()
    check_accessibility(page, "your data, being prepared")

    _run_the_worker_job()
    with page.expect_navigation():
        page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", name="Your copy is ready")).to_be_visible()
    check_accessibility(page, "your data, ready")
    data = _downloaded(page, "Download the copy made on")
    assert data["account"][0]["email"] == sam.email
    assert data["support_plan"][0]["what_matters_to_you"] == "Back to photography."
    assert [(row["who"], row["what"]) for row in data["who_has_seen"]] == [
        ("Jo Broker", "Your support plan")]
    _fits_the_phone(page, "your data")

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="See when your supporters looked").click()
    expect(page.get_by_role("heading", name="Who has seen my information")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Jo Broker")
    check_accessibility(page, "who has seen my information")
    _fits_the_phone(page, "who has seen my information")


def test_asking_and_downloading_work_without_javascript(new_page):
    priya = make_user("holder", name="Priya Shah")
    page = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(page, priya)
    page.goto("/account/data")
    submit(page, "Ask for a copy of my data")
    expect(page.get_by_role("heading", name="Your copy is being prepared")).to_be_visible()
    _run_the_worker_job()
    with page.expect_navigation():
        page.get_by_role("link", name="Check again").click()
    assert _downloaded(page, "Download the copy made on")["account"][0]["name"] == "Priya Shah"
    assert layout_width(page) <= PHONE["width"]

"""The footer's "Open data" link and the page it opens, which explains both ways in: the Open
Referral UK feed and the /api/v1 JSON API, whose OpenAPI document links back to it."""
from __future__ import annotations


def test_every_footer_links_to_the_open_data_page(client):
    for path in ("/", "/search", "/how-personal-budgets-work", "/login"):
        page = client.get(path).get_data(as_text=True)
        footer = page[page.index("<footer"):]
        assert '<a href="/open-data">Open data</a>' in footer


def test_the_page_explains_the_feed_and_the_api(client):
    response = client.get("/open-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for link in ('href="http://localhost/openreferral/"', 'href="/openreferral/services"',
                 'href="/openreferral/taxonomies"', 'href="/api/v1/openapi.json"'):
        assert link in page
    for words in ("Open Referral UK", "modified_after", "inactive", "defunct",
                  "never by their home address or postcode", "pathways_",
                  "Pathways categories"):
        assert words in page


def test_the_apis_openapi_document_links_to_the_feed(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["externalDocs"]["url"] == "http://localhost/open-data"
    assert "http://localhost/openreferral/" in document["info"]["description"]
    feed = client.get("/openreferral/").get_json()
    assert feed["pathways_documentation"] == "http://localhost/open-data"

"""Every endpoint's answers are valid Open Referral UK 3.0: each list on its first, a middle
and its last page against the response schema the UK profile's OpenAPI document gives it
(the standard's Page fields with its compiled list schemas), and each single record against
its compiled schema, with formats (uuid, date-time, email, uri) checked too."""
from __future__ import annotations

import pytest

from tests.openreferral.conftest import check, compiled, get_json, response_schema

LISTS = [
    ("/services", "/services?per_page=2"),
    ("/services", "/services?per_page=2&full=true"),
    ("/services", "/services?per_page=2&modified_after=2020-01-01T00:00:00Z"),
    ("/service_at_locations", "/service_at_locations?per_page=2"),
    ("/taxonomies", "/taxonomies?per_page=1"),
    ("/taxonomy_terms", "/taxonomy_terms?per_page=10"),
]


@pytest.mark.parametrize("standard_path, path", LISTS)
def test_the_first_a_middle_and_the_last_page_of_each_list_are_valid(client, market,
                                                                     standard_path, path):
    first = get_json(client, f"/openreferral{path}")
    pages = first["total_pages"]
    assert pages >= 3, f"{path} has {pages} pages: the market needs more rows"
    numbers = [1, (pages + 1) // 2, pages]
    seen = []
    for number in numbers:
        body = get_json(client, f"/openreferral{path}&page={number}")
        check(response_schema(standard_path), body)
        assert body["page_number"] == number and body["total_pages"] == pages
        assert body["first_page"] is (number == 1) and body["last_page"] is (number == pages)
        assert body["size"] == len(body["contents"]) and not body["empty"]
        seen += [item["id"] for item in body["contents"]]
    assert len(seen) == len(set(seen)), "pages overlap"


def test_a_full_page_of_services_is_valid_against_the_whole_service_schema(client, market):
    body = get_json(client, "/openreferral/services?full=true&per_page=50")
    assert body["size"] == len(market.live)
    for service in body["contents"]:
        check(compiled("compiled/service.json"), service)


def test_each_single_record_is_valid(client, market):
    services = get_json(client, "/openreferral/services?per_page=50")["contents"]
    for listed in services:
        check(response_schema("/services/{id}"),
              get_json(client, f"/openreferral/services/{listed['id']}"))
    locations = get_json(client, "/openreferral/service_at_locations?per_page=50")["contents"]
    assert len(locations) == 7  # the online service is online and by phone
    for listed in locations:
        body = get_json(client, f"/openreferral/service_at_locations/{listed['id']}")
        # The profile's OpenAPI document names the service schema for this path; the record
        # is a service_at_location, as its own compiled schema (and examples) describe.
        check(compiled("compiled/service_at_location.json"), body)
    for taxonomy in get_json(client, "/openreferral/taxonomies")["contents"]:
        check(response_schema("/taxonomies/{id}"),
              get_json(client, f"/openreferral/taxonomies/{taxonomy['id']}"))
    for term in get_json(client, "/openreferral/taxonomy_terms?per_page=200")["contents"]:
        check(response_schema("/taxonomy_terms/{id}"),
              get_json(client, f"/openreferral/taxonomy_terms/{term['id']}"))


def test_the_version_document_names_the_standard(client):
    body = get_json(client, "/openreferral/")
    check(response_schema("/"), body)
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/uk-profile/main/schema/openapi.json")


def test_withdrawn_services_in_a_harvest_are_valid_too(client, market):
    from marketplace.extensions import db
    from marketplace.providers import services as providers

    providers.delete_service(market.plain)
    db.session.commit()
    body = get_json(client, "/openreferral/services?modified_after=2020-01-01&per_page=50")
    check(response_schema("/services"), body)
    assert {"inactive", "defunct"} <= {item["status"] for item in body["contents"]}

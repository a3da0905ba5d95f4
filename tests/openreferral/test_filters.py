"""The standard's filters on /services and /service_at_locations: each narrows the list as a
council directory would expect, and several together must all hold."""
from __future__ import annotations

import pytest

from tests.openreferral.conftest import get_json


def names(client, query: str, path: str = "/services") -> list[str]:
    body = get_json(client, f"/openreferral{path}?per_page=200&{query}")
    assert body["total_items"] == len(body["contents"])
    if path == "/services":
        return [item["name"] for item in body["contents"]]
    return [f"{item['service']['name']} / {item['location']['name']}"
            for item in body["contents"]]


def term_id(client, taxonomy_name: str, term: str) -> str:
    terms = get_json(client, "/openreferral/taxonomy_terms?per_page=200")["contents"]
    return next(each["id"] for each in terms
                if each["taxonomy"] == taxonomy_name and each["term"] == term)


def test_without_filters_every_live_service_is_listed_and_paused_ones_are_not(client, market):
    assert names(client, "") == [service.title for service in market.live]
    assert "Paused walks" not in names(client, "")


def test_search_finds_words_their_synonyms_and_the_providers_name(client, market):
    assert names(client, "search=painting") == ["Saturday painting group"]
    # "lonely" is a tag of the peer group; synonyms.txt also sends it to befriending.
    assert names(client, "search=lonely") == ["Young people's evening peer group",
                                              "Coffee and chat"]
    assert names(client, "search=PA") == ["Personal assistant for days out"]
    assert names(client, "search=trafford makers") == ["Saturday painting group"]
    assert names(client, "search=painting listening") == []


def test_a_category_term_finds_main_and_other_categories(client, market):
    befriending = term_id(client, "Pathways categories", "befriending")
    assert names(client, f"taxonomy_term_id={befriending}") == [
        "Young people's evening peer group", "Coffee and chat"]
    women = term_id(client, "Pathways: especially for", "women-only")
    assert names(client, f"taxonomy_term_id={women}") == ["Saturday painting group"]
    online = term_id(client, "Pathways delivery modes", "online")
    assert names(client, f"taxonomy_term_id={online}") == ["Online listening service"]
    assistant = term_id(client, "Pathways provider types", "personal-assistant")
    assert names(client, f"taxonomy_term_id={assistant}") == ["Personal assistant for days out"]
    both = f"taxonomy_term_id={befriending},{term_id(client, 'Pathways categories', 'peer-support')}"
    assert names(client, both) == ["Young people's evening peer group"]


def test_a_taxonomy_finds_services_with_any_of_its_terms(client, market):
    taxonomies = {each["name"]: each["id"]
                  for each in get_json(client, "/openreferral/taxonomies")["contents"]}
    assert names(client, f"taxonomy_id={taxonomies['Pathways: especially for']}") == [
        "Young people's evening peer group", "Saturday painting group"]
    assert len(names(client, f"taxonomy_id={taxonomies['Pathways categories']}")) == 6


def test_an_id_from_elsewhere_finds_nothing_and_one_that_is_not_an_id_is_refused(client, market):
    stranger = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    assert names(client, f"taxonomy_term_id={stranger}") == []
    assert names(client, f"organization_id={stranger}") == []
    body = get_json(client, "/openreferral/services?taxonomy_term_id=befriending", 400)
    assert body["error"]["parameter"] == "taxonomy_term_id"


def test_organization_id_lists_one_providers_services(client, market, feed_id):
    assert names(client, f"organization_id={feed_id('organization', market.ulo.id)}") == [
        "Young people's evening peer group"]


def test_ages_come_from_who_a_service_is_for(client, market):
    assert names(client, "minimum_age=16") == ["Young people's evening peer group"]
    assert names(client, "minimum_age=18") == []
    assert names(client, "maximum_age=25") == ["Young people's evening peer group"]
    assert names(client, "maximum_age=18") == []


def test_day_and_times_read_the_schedule(client, market):
    assert names(client, "day=SA") == ["Online listening service", "Saturday painting group"]
    # start_time: opening at that time or later; end_time: closing at it or earlier.
    assert names(client, "day=saturday&start_time=10:00") == ["Online listening service",
                                                               "Saturday painting group"]
    assert names(client, "day=sat&start_time=10:00&end_time=14:00") == [
        "Saturday painting group"]
    assert names(client, "day=TU&start_time=18:00") == [
        "Young people's evening peer group", "Online listening service"]
    assert names(client, "day=TU&start_time=18:00&end_time=20:00") == [
        "Young people's evening peer group"]
    assert names(client, "start_time=07:00&end_time=19:00") == [
        "Personal assistant for days out", "Saturday painting group"]
    # The drop-in's words name no day or time: it matches no day asked for.
    assert "Carers' drop-in" not in names(client, "day=MO")


def test_postcode_finds_services_covering_it(client, market):
    assert names(client, "postcode=M14 5AB") == ["Personal assistant for days out",
                                                 "Online listening service"]
    assert names(client, "postcode=m6") == ["Young people's evening peer group",
                                            "Online listening service", "Coffee and chat"]
    # Outside Greater Manchester only services with no area (online, phone) cover it.
    assert names(client, "postcode=LS1") == ["Online listening service"]
    assert names(client, "postcode=M6&proximity=500") == names(client, "postcode=M6")


def test_filters_combine_with_and(client, market):
    assert names(client, "postcode=M6&day=TU") == ["Young people's evening peer group",
                                                   "Online listening service"]
    assert names(client, "postcode=M6&day=TU&search=listening") == ["Online listening service"]
    assert names(client, "postcode=M6&search=painting") == []


def test_service_at_locations_take_the_same_filters(client, market):
    assert names(client, "", "/service_at_locations") == [
        "Personal assistant for days out / In person in M14 and M20",
        "Young people's evening peer group / In person in Salford",
        "Online listening service / Online",
        "Online listening service / By phone",
        "Saturday painting group / In person in Trafford",
        "Carers' drop-in / In person in Bury",
        "Coffee and chat / In person in Salford",
    ]
    assert names(client, "postcode=M20&day=MO", "/service_at_locations") == [
        "Personal assistant for days out / In person in M14 and M20",
        "Online listening service / Online",
        "Online listening service / By phone",
    ]


@pytest.mark.parametrize("query, parameter", [
    ("page=0", "page"), ("per_page=201", "per_page"), ("per_page=ten", "per_page"),
    ("day=someday", "day"), ("start_time=25:00", "start_time"), ("end_time=soon", "end_time"),
    ("postcode=nowhere", "postcode"), ("proximity=500", "proximity"),
    ("postcode=M1&proximity=-3", "proximity"), ("minimum_age=old", "minimum_age"),
    ("modified_after=last week", "modified_after"), ("full=perhaps", "full"),
    ("minimal=2", "minimal"), ("format=xml", "format"), ("search=" + "a" * 201, "search"),
])
def test_a_value_the_feed_cannot_use_is_a_400_naming_the_parameter(client, market, query,
                                                                    parameter):
    for path in ("/services", "/service_at_locations"):
        if path == "/service_at_locations" and parameter in ("full", "minimal", "format"):
            continue
        body = get_json(client, f"/openreferral{path}?{query}", 400)
        assert body["error"]["parameter"] == parameter
        assert parameter in body["error"]["message"]


def test_unknown_and_empty_parameters_are_ignored(client, market):
    assert names(client, "utm_source=newsletter&day=&search=") == names(client, "")


def test_a_search_of_marks_only_narrows_nothing(client, market):
    # "!!!" holds no word to look for, so it is as if no search were given, on both databases.
    assert names(client, "search=%21%21%21") == names(client, "")

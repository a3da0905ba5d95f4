"""Filters, facet counts, sorting and pagination through search_services."""
from __future__ import annotations

import pytest

from marketplace.search.types import SearchParams
from tests.factories import make_provider, make_service
from tests.search.helpers import build_market, search, titles

ALL = {
    "Hearing voices peer group", "Befriending visits", "Personal assistance with daily living",
    "Leisure centre membership", "Photography for wellbeing", "Independent advocacy by phone",
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"category": "peer-support"}, {"Hearing voices peer group"}),
        # secondary categories count too
        ({"category": "learning"}, {"Photography for wellbeing"}),
        # an authority finds services listing only one of its districts (M6 is in Salford)
        ({"area": "salford"}, {"Hearing voices peer group", "Befriending visits",
                               "Photography for wellbeing"}),
        # a district finds services covering its whole authority
        ({"area": "M14"}, {"Personal assistance with daily living",
                           "Photography for wellbeing"}),
        ({"area": "M6"}, {"Hearing voices peer group", "Befriending visits",
                          "Photography for wellbeing"}),
        ({"area": "M6 5AB"}, {"Hearing voices peer group", "Befriending visits",
                              "Photography for wellbeing"}),
        ({"mode": "online"}, {"Photography for wellbeing"}),
        ({"mode": "phone"}, {"Independent advocacy by phone"}),
        ({"language": "ur"}, {"Personal assistance with daily living"}),
        ({"max_price": "16.50"}, {"Hearing voices peer group", "Befriending visits",
                                  "Personal assistance with daily living"}),
        ({"max_price": "16.49"}, {"Hearing voices peer group", "Befriending visits"}),
        ({"max_price": "0"}, {"Hearing voices peer group"}),
        ({"min_rating": "4"},
         {"Hearing voices peer group", "Personal assistance with daily living"}),
        ({"min_rating": "2"}, ALL - {"Leisure centre membership", "Independent advocacy by phone"}),
        ({"min_rating": "5"}, set()),
        ({"provider_type": "community-activity"}, {"Leisure centre membership"}),
        ({"ulo": "true"}, {"Hearing voices peer group", "Befriending visits"}),
        ({"micro": "true"}, {"Hearing voices peer group", "Befriending visits",
                             "Personal assistance with daily living"}),
        ({"evenings": "true"}, {"Hearing voices peer group",
                                "Personal assistance with daily living"}),
        ({"weekends": "true"}, {"Befriending visits", "Personal assistance with daily living"}),
        ({"poolable": "true"}, {"Hearing voices peer group"}),
        ({"evenings": "true", "weekends": "true"}, {"Personal assistance with daily living"}),
        ({"q": "group", "ulo": "true"}, {"Hearing voices peer group"}),
        ({"ulo": "false"}, ALL),
    ],
)
def test_each_filter_narrows_the_results(app, args, expected):
    build_market()
    assert set(titles(**args)) == expected
    assert search(**args).total == len(expected)


def test_unrated_services_are_excluded_by_a_rating_filter(app):
    build_market()
    assert "Leisure centre membership" not in titles(min_rating="1")
    assert "Leisure centre membership" in titles()


def test_unknown_district_finds_nothing_but_is_not_an_error(app):
    build_market()
    assert search(area="M99").total == 0


def _facet_args(name: str, value: str) -> dict:
    return {name: value}


@pytest.mark.parametrize(
    "base",
    [{}, {"q": "group"}, {"area": "manchester"}, {"q": "help", "evenings": "true"},
     {"max_price": "30", "min_rating": "1"}],
)
def test_every_facet_count_equals_the_total_with_that_filter_added(app, base):
    build_market()
    results = search(**base)
    assert set(results.facets) == {
        "category", "area", "mode", "language", "provider_type", "max_price", "min_rating",
        "ulo", "micro", "evenings", "weekends", "poolable", "free",
    }
    checked = 0
    for name, values in results.facets.items():
        if name in base:
            continue
        for value in values:
            narrowed = search(**base, **_facet_args(name, value.value))
            assert narrowed.total == value.count, (name, value)
            checked += 1
    assert checked > 10


def test_facets_list_local_authorities_with_labels_and_mark_selected_values(app):
    build_market()
    results = search(area="salford", category="arts")
    areas = {value.value: value for value in results.facets["area"]}
    assert set(areas) == {"manchester", "salford"}
    assert areas["salford"].label == "Salford"
    assert areas["salford"].selected and not areas["manchester"].selected
    category = {value.value: value for value in results.facets["category"]}
    assert category["arts"].selected
    assert category["arts"].label == "Arts and creative activities"
    assert category["wellbeing"].count == 1  # secondary category of the same service


def test_facet_values_without_results_are_left_out_unless_selected(app):
    build_market()
    results = search(category="equipment")
    assert results.total == 0
    assert [(v.value, v.count, v.selected) for v in results.facets["category"]] == [
        ("equipment", 0, True)
    ]
    assert results.facets["ulo"][0].count == 0


def test_price_and_rating_facets_offer_bands(app):
    build_market()
    results = search()
    prices = {value.value: value.count for value in results.facets["max_price"]}
    assert prices == {"10": 2, "20": 3, "30": 5, "50": 6}
    ratings = {value.value: value.count for value in results.facets["min_rating"]}
    assert ratings == {"4": 2, "3": 3, "2": 4, "1": 5}
    assert results.facets["max_price"][0].label == "Up to £10.00"


def test_sort_by_price_lowest_and_highest_first(app):
    build_market()
    prices = [hit.price_pence for hit in search(sort="price", page_size=50).hits]
    assert prices == [0, 800, 1650, 2500, 3000, 4500]
    prices = [hit.price_pence for hit in search(sort="price-desc", page_size=50).hits]
    assert prices == [4500, 3000, 2500, 1650, 800, 0]


def test_sort_by_rating_puts_unrated_last(app):
    build_market()
    ratings = [hit.rating_centi for hit in search(sort="rating", page_size=50).hits]
    assert ratings == [480, 460, 390, 250, 150, None]


def test_sorts_apply_to_text_searches(app):
    build_market()
    found = search(q="help", sort="price-desc", page_size=50).hits
    assert [hit.price_pence for hit in found] == sorted(
        (hit.price_pence for hit in found), reverse=True
    )
    assert len(found) >= 2


def test_without_words_newest_services_come_first(app):
    provider = make_provider()
    first = make_service(provider, title="First")
    second = make_service(provider, title="Second")
    assert [hit.service_id for hit in search().hits] == [second.id, first.id]


def test_pagination_covers_every_result_once(app):
    provider = make_provider()
    for number in range(7):
        make_service(provider, title=f"Group number {number}", price_pence=100 * number)
    pages = [search(page_size=3, page=page, sort="price") for page in (1, 2, 3)]
    assert [len(page.hits) for page in pages] == [3, 3, 1]
    assert all(page.total == 7 and page.pages == 3 for page in pages)
    seen = [hit.price_pence for page in pages for hit in page.hits]
    assert seen == [0, 100, 200, 300, 400, 500, 600]
    beyond = search(page_size=3, page=4)
    assert beyond.hits == [] and beyond.total == 7


def test_pagination_of_relevance_ranked_results(app):
    provider = make_provider()
    for number in range(5):
        make_service(provider, title=f"Walking group {number}")
    for number in range(4):
        make_service(provider, title=f"Cafe {number}", description="Walking distance.")
    pages = [search(q="walking", page_size=4, page=page) for page in (1, 2, 3)]
    found = [hit.title for page in pages for hit in page.hits]
    assert len(found) == len(set(found)) == 9
    assert all(title.startswith("Walking group") for title in found[:5])


def test_default_page_size_comes_from_config(app):
    provider = make_provider()
    for number in range(3):
        make_service(provider, title=f"Service {number}")
    app.config["SEARCH_PAGE_SIZE"] = 2
    results = search()
    assert results.page_size == 2 and len(results.hits) == 2


def test_hits_carry_what_the_results_page_shows(app):
    build_market()
    hit = search(q="befriending").hits[0]
    assert hit.provider_name == "Salford Voices"
    assert hit.is_user_led and hit.is_micro
    assert hit.postcode_districts == ["M6"]
    assert hit.price_pence == 800 and hit.price_unit == "hour"
    assert hit.summary.startswith("A volunteer visits you")
    assert hit.rating_centi == 390 and hit.review_count == 4


def test_search_params_dataclass_is_accepted_directly(app):
    build_market()
    from marketplace.search.services import search_services

    results = search_services(SearchParams(category="arts"), log=False)
    assert [hit.title for hit in results.hits] == ["Photography for wellbeing"]

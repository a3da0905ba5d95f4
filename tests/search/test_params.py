"""Reading search parameters from a query string: values, defaults and plain-English errors."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.errors import InvalidParameter
from marketplace.search.params import parse_search_params
from marketplace.search.types import SearchParams


def test_nothing_given_means_the_defaults():
    assert parse_search_params({}) == SearchParams()


def test_every_parameter_is_read():
    params = parse_search_params(
        MultiDict(
            {
                "q": "  peer   support ",
                "category": "peer-support",
                "area": "Salford",
                "mode": "online",
                "language": "ur",
                "max_price": "12.50",
                "min_rating": "4",
                "provider_type": "ulo",
                "ulo": "true",
                "micro": "1",
                "evenings": "on",
                "weekends": "yes",
                "poolable": "TRUE",
                "sort": "price-desc",
                "page": "3",
            }
        )
    )
    assert params == SearchParams(
        q="peer support", category="peer-support", area="salford", mode="online",
        language="ur", max_price_pence=1250, min_rating=4, provider_type="ulo", ulo=True,
        micro=True, evenings=True, weekends=True, poolable=True, sort="price-desc", page=3,
    )


def test_empty_values_mean_not_set():
    names = ["q", "category", "area", "mode", "language", "max_price", "min_rating",
             "provider_type", "ulo", "micro", "evenings", "weekends", "poolable", "sort",
             "page"]
    assert parse_search_params({name: "" for name in names}) == SearchParams()


def test_false_values_switch_a_flag_off():
    for value in ("false", "0", ""):
        assert parse_search_params({"ulo": value}).ulo is False


def test_areas_are_normalised_and_full_postcodes_cut_to_the_district():
    assert parse_search_params({"area": "m14"}).area == "M14"
    assert parse_search_params({"area": "M14 5AB"}).area == "M14"
    assert parse_search_params({"area": " Wigan "}).area == "wigan"


def test_prices_in_pounds_become_pence():
    assert parse_search_params({"max_price": "£7"}).max_price_pence == 700
    assert parse_search_params({"max_price": "3.5"}).max_price_pence == 350
    assert parse_search_params({"max_price": "0"}).max_price_pence == 0


def test_unknown_parameter_names_are_ignored():
    assert parse_search_params({"utm_source": "newsletter", "fbclid": "x"}) == SearchParams()


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("category", "gardening", ["category must be one of:", "personal-assistance",
                                   "peer-support", "crisis-recovery"]),
        ("mode", "carrier-pigeon", ["mode must be one of:", "in-person", "online", "phone"]),
        ("language", "klingon", ["language must be one of:", "en", "bsl", "ur"]),
        ("provider_type", "charity", ["provider_type must be one of:", "ulo",
                                      "micro-enterprise"]),
        ("sort", "cheapest", ["sort must be one of:", "relevance", "price", "price-desc",
                              "rating"]),
        ("area", "Narnia", ["area must be a Greater Manchester council name or a postcode",
                            "Salford"]),
        ("max_price", "lots", ["max_price must be an amount in pounds"]),
        ("max_price", "-5", ["max_price"]),
        ("max_price", "1.234", ["max_price"]),
        ("min_rating", "6", ["min_rating must be a whole number from 1 to 5"]),
        ("min_rating", "3.5", ["min_rating"]),
        ("min_rating", "0", ["min_rating"]),
        ("ulo", "maybe", ["ulo must be true or false"]),
        ("micro", "2", ["micro must be true or false"]),
        ("evenings", "nights", ["evenings must be true or false"]),
        ("weekends", "sometimes", ["weekends must be true or false"]),
        ("poolable", "y", ["poolable must be true or false"]),
        ("page", "0", ["page must be a whole number from 1 to 500"]),
        ("page", "two", ["page"]),
        ("page", "501", ["page"]),
        ("page", "-1", ["page"]),
        ("q", "x" * 201, ["q must be at most 200 characters"]),
    ],
)
def test_bad_values_name_the_parameter_and_what_is_allowed(name, value, words):
    with pytest.raises(InvalidParameter) as caught:
        parse_search_params({"q": "walks", name: value})
    assert caught.value.parameter == name
    assert caught.value.status == 400
    for word in words:
        assert word in caught.value.message

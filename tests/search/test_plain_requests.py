"""Search that understands plain requests (issue 7): services matching most of the words when
none match them all, English stems, words that name a filter, spelling corrected when nothing
was found, and free services."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from tests.factories import make_provider, make_service
from tests.search.helpers import search, titles


def _page(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return " ".join(unescape(response.get_data(as_text=True)).split())


def _text(page: str) -> str:
    """The page's words, tags stripped."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def _link(page: str, text: str) -> dict[str, str]:
    """The query string of the link whose text (tags stripped) is text."""
    for href, inner in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', page, flags=re.S):
        if " ".join(re.sub(r"<[^>]+>", "", inner).split()) == text:
            return dict(parse_qsl(urlsplit(href).query))
    raise AssertionError(f"no link {text!r}")


def _hospital_services(*, with_full_match: bool = True) -> None:
    home = make_provider(name="Homeward Bound")
    listings = [
        ("Support after a hospital stay", "practical-help",
         "Someone checks in on you at home in the weeks after a stay."),
        ("Settling back in after hospital", "befriending",
         "A volunteer visits you after you come home from a ward."),
        ("Coming home from hospital", "practical-help",
         "Practical help at home when you come out of a hospital."),
        ("Help with shopping", "practical-help", "We do your weekly shop with you."),
        ("Allotment club", "sport-fitness", "Grow vegetables with others on a shared plot."),
    ]
    if with_full_match:
        listings.insert(0, ("Help after leaving hospital", "practical-help",
                            "Shopping, meals and a friendly face for your first weeks home."))
    for title, category, description in listings:
        make_service(home, title=title, category=category, description=description)


def test_services_matching_most_words_follow_those_matching_all(app):
    _hospital_services()

    results = search(q="help after leaving hospital", page_size=50)
    found = [hit.title for hit in results.hits]

    assert results.full_total == 1
    assert found[0] == "Help after leaving hospital"
    assert set(found[1:]) == {"Support after a hospital stay", "Settling back in after hospital",
                              "Coming home from hospital"}
    # Only the common word "help": not most of the request.
    assert "Help with shopping" not in found and "Allotment club" not in found


def test_the_page_says_when_no_service_matches_every_word(client):
    _hospital_services(with_full_match=False)

    page = _page(client, q="help after leaving hospital")

    assert "No service matches every word; these match most of them." in page
    assert "3 services found" in page
    assert "Support after a hospital stay" in page and "Help with shopping" not in page


def test_peer_support_for_young_men_finds_services_matching_most_of_it(app):
    make_service(title="Young men's group", category="befriending",
                 description="Football, food and a chat for men aged 18 to 30.")
    make_service(title="Knitting circle", category="arts", description="All welcome.")

    assert titles(q="peer support for young men") == ["Young men's group"]


def test_english_stems_match_getting_to_get(app):
    make_service(title="Get out and about", category="befriending",
                 description="Someone to go with you to the shops, the park or a cafe.")
    make_service(title="Cookery class", category="learning", description="Learn to cook.")

    results = search(q="getting out and about")

    assert [hit.title for hit in results.hits] == ["Get out and about"]
    assert results.full_total == 1


def _pa_and_cleaning() -> None:
    make_service(make_provider(name="Amira Khan", provider_type="personal-assistant"),
                 title="Personal assistant for days out", category="personal-assistance",
                 description="Help getting out, shopping and appointments.",
                 languages=["en", "ur"], evenings=True)
    make_service(make_provider(name="Amira Khan Weekdays", provider_type="personal-assistant"),
                 title="Personal assistant, weekdays", category="personal-assistance",
                 description="Help at home in the daytime.", languages=["en", "ur"])
    make_service(make_provider(name="PA Home Services"), title="Evening home cleaning",
                 category="practical-help", description="Our staff speak Urdu and Polish.",
                 languages=["en"], evenings=True)


def test_words_naming_a_language_and_evenings_apply_those_filters(app):
    _pa_and_cleaning()

    results = search(q="PA evenings Urdu")

    assert [hit.title for hit in results.hits] == ["Personal assistant for days out"]
    assert [(word.typed, word.parameter) for word in results.applied_words] == [
        ("evenings", "evenings"), ("Urdu", "language")]
    assert results.text == "PA"


def test_the_page_says_which_words_were_read_as_filters_with_links_to_undo_each(client):
    _pa_and_cleaning()

    page = _page(client, q="PA evenings Urdu")

    assert ("Showing services in the evenings (remove “evenings”), "
            "in Urdu (remove “Urdu”).") in _text(page)
    assert "Evening home cleaning" not in page
    assert _link(page, "remove “Urdu”") == {"q": "PA evenings"}
    assert _link(page, "remove “evenings”") == {"q": "PA Urdu"}
    as_text = _link(page, "Search for “Urdu” as a word")
    assert as_text == {"q": 'PA evenings "Urdu"'}

    # Followed: Urdu is searched as text (the cleaning service's description says it).
    followed = _page(client, **as_text)
    assert "Showing services in the evenings (remove “evenings”)." in _text(followed)
    assert "Evening home cleaning" in followed


def test_words_are_left_as_text_when_the_filter_is_already_chosen_or_not_an_area(app):
    _pa_and_cleaning()
    make_service(title="Greater Manchester walking group", category="sport-fitness",
                 local_authorities=["bolton"], description="Walks across the county.")

    make_service(title="Days out for adults with a learning disability",
                 category="befriending", description="Trips to the coast and the moors.")
    # The region is not an area filter: Bolton's walking group is found by its title.
    assert titles(q="greater manchester walks") == ["Greater Manchester walking group"]
    # Nor is a learning disability a course ("Learning and courses").
    results = search(q="learning disability days out")
    assert [hit.title for hit in results.hits][:results.full_total] == [
        "Days out for adults with a learning disability"]
    assert results.applied_words == ()
    # English chosen in the form: "Urdu" stays a word (the cleaner's description has it).
    results = search(q="Urdu cleaning", language="en")
    assert [hit.title for hit in results.hits][:results.full_total] == ["Evening home cleaning"]
    assert results.applied_words == ()


def test_a_misspelling_with_no_results_shows_the_corrected_results(client):
    make_service(title="Befriending visits", category="befriending",
                 description="A volunteer visits you at home for a cup of tea.")

    page = _page(client, q="befreinding")

    assert "Showing results for befriending; search instead for befreinding" in _text(page)
    assert "Befriending visits" in page
    instead = _link(page, "befreinding")
    assert instead == {"q": "befreinding", "exact": "true"}
    literal = _page(client, **instead)
    assert "0 services found" in literal and "Did you mean" in literal


def _priced_services() -> None:
    make_service(title="Community garden mornings", category="sport-fitness", price_pence=0,
                 description="Come and grow food with neighbours.")
    make_service(title="Garden design course", category="learning", price_pence=4000,
                 description="Plan a garden over six weeks.")


def test_free_filter_on_the_search_page(client):
    _priced_services()

    page = _page(client, free="true")

    assert "1 service found" in page
    assert "Community garden mornings" in page and "Garden design course" not in page
    assert re.search(r'id="filter-free" name="free" value="true" checked', page)
    assert _link(page, "Remove filter: Free") == {}


def test_free_filter_in_the_api(client):
    _priced_services()

    body = client.get("/api/v1/services", query_string={"free": "true"}).get_json()

    assert [hit["title"] for hit in body["results"]] == ["Community garden mornings"]
    assert body["facets"]["free"][0]["count"] == 1
    assert client.get("/api/v1/services", query_string={"free": "maybe"}).status_code == 400


def test_the_word_free_applies_the_free_filter(client):
    _priced_services()

    page = _page(client, q="free garden")

    assert "Showing services that are free (remove “free”)." in _text(page)
    assert "Community garden mornings" in page and "Garden design course" not in page
    body = client.get("/api/v1/services", query_string={"q": "free garden"}).get_json()
    assert [hit["title"] for hit in body["results"]] == ["Community garden mornings"]
    assert body["filter_words"] == [{"word": "free", "parameter": "free", "value": "true"}]

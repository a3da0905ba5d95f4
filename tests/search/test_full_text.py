"""Full-text search: fields searched, synonyms, spelling suggestions and relevance."""
from __future__ import annotations

from tests.factories import make_provider, make_service
from tests.search.helpers import build_market, search, titles


def test_finds_words_in_title_description_provider_category_and_tags(app):
    build_market()
    assert titles(q="befriending") == ["Befriending visits"]
    assert titles(q="cup of tea") == ["Befriending visits"]  # description, stop word dropped
    assert titles(q="wigan leisure") == ["Leisure centre membership"]  # provider name
    assert titles(q="swimming") == ["Leisure centre membership"]  # tag
    assert "Photography for wellbeing" in titles(q="creative")  # category label "Arts and creative"
    assert titles(q="photographs") == titles(q="photograph")  # stemmed


def test_services_matching_every_word_come_before_those_matching_some(app):
    build_market()
    assert titles(q="advocacy phone") == ["Independent advocacy by phone"]
    # No service has both words: each that has one of the two follows, and none is "full".
    results = search(q="advocacy swimming", exact="true")
    assert results.full_total == 0
    assert {hit.title for hit in results.hits} == {"Independent advocacy by phone",
                                                   "Leisure centre membership"}


def test_pa_finds_personal_assistance(app):
    build_market()
    assert titles(q="PA") == ["Personal assistance with daily living"]
    assert titles(q="personal assistant") == ["Personal assistance with daily living"]


def test_personal_assistant_finds_services_that_say_pa(app):
    make_service(title="PA for evenings out", description="Someone to go with you.",
                 category="personal-assistance")
    make_service(title="Cooking lessons", category="learning",
                 description="Learn to cook on a budget.")
    assert titles(q="personal assistant") == ["PA for evenings out"]


def test_lonely_finds_befriending_and_peer_support(app):
    build_market()
    found = titles(q="lonely")
    assert "Befriending visits" in found
    assert "Hearing voices peer group" in found  # category "Peer support and self-help groups"
    assert "Leisure centre membership" not in found


def test_one_way_synonyms_do_not_work_backwards(app):
    make_service(title="Feeling lonely? Come along", category="learning",
                 description="An afternoon class.")
    assert titles(q="befriending") == []


def test_gym_finds_fitness(app):
    make_service(title="Keep fit for beginners", category="learning",
                 description="Gentle fitness classes.")
    assert titles(q="gym") == ["Keep fit for beginners"]


def test_misspelt_word_gets_a_suggestion_that_finds_results(app):
    build_market()
    # Nothing matches the words typed, so the corrected words' results are shown.
    results = search(q="befreinding")
    assert results.corrected == "befriending"
    assert [hit.title for hit in results.hits] == ["Befriending visits"]

    assert search(q="photografy").corrected == "photography"
    assert search(q="photografy walks").corrected == "photography walks"
    # Asked for exactly as typed: no correction, only the offer.
    exact = search(q="befreinding", exact="true")
    assert (exact.total, exact.corrected, exact.suggestion) == (0, None, "befriending")


def test_no_suggestion_for_correct_words_or_hopeless_ones(app):
    build_market()
    assert search(q="photography").suggestion is None
    assert search(q="xylophonist").suggestion is None
    assert search(q="").suggestion is None


def test_suggestion_is_offered_even_when_filters_exclude_its_results(app):
    build_market()
    # No photography in Bolton, but the corrected word is still the one meant.
    results = search(q="photografy", area="bolton")
    assert (results.total, results.suggestion) == (0, "photography")


def test_no_suggestion_when_the_corrected_query_finds_nothing(app):
    build_market()
    assert search(q="photografy swimming").suggestion is None


def test_title_matches_rank_above_description_matches(app):
    provider = make_provider()
    make_service(provider, title="Allotment afternoons",
                 description="We grow vegetables together; gardening tools provided.")
    make_service(provider, title="Gardening club",
                 description="A friendly group outdoors.")
    make_service(provider, title="Walking group",
                 description="Gentle walks; no gardening.")
    found = titles(q="gardening")
    assert found[0] == "Gardening club"
    assert set(found) == {"Gardening club", "Allotment afternoons", "Walking group"}


def test_typed_word_ranks_above_synonym_in_the_same_field(app):
    provider = make_provider()
    make_service(provider, title="Befriending at home", description="Weekly visits.")
    make_service(provider, title="Lonely no more", description="Weekly visits.",
                 category="learning")
    assert titles(q="lonely") == ["Lonely no more", "Befriending at home"]


def test_stop_words_alone_find_everything(app):
    build_market()
    assert search(q="the").total == search().total == 6

"""The synonyms file: its format, phrase matching, and reloading when it is edited."""
from __future__ import annotations

import os

from marketplace.search import synonyms
from marketplace.search.synonyms import QueryUnit, Synonyms
from tests.factories import make_service
from tests.search.helpers import titles


def test_two_way_groups_one_way_rules_and_comments():
    rules = Synonyms.parse(
        "# a comment\n\n"
        "PA, Personal Assistant, carer support worker\n"
        "lonely, isolated -> befriending, peer support\n"
    )
    assert rules.expand("pa") == [
        QueryUnit("pa", ("personal assistant", "carer support worker"), known=True)
    ]
    assert rules.expand("carer support worker") == [
        QueryUnit("carer support worker", ("pa", "personal assistant"), known=True)
    ]
    assert rules.expand("Isolated") == [
        QueryUnit("isolated", ("befriending", "peer support"), known=True)
    ]
    assert rules.expand("befriending") == [QueryUnit("befriending")]


def test_longest_phrase_wins_and_other_words_stay_plain():
    rules = Synonyms.parse("peer support, mutual aid\npeer, equal\n")
    assert rules.expand("peer support in Bolton") == [
        QueryUnit("peer support", ("mutual aid",), known=True),
        QueryUnit("in"),
        QueryUnit("bolton"),
    ]
    assert rules.expand("peer mentors")[0] == QueryUnit("peer", ("equal",), known=True)


def test_punctuation_and_apostrophes_are_dropped():
    assert synonyms.words_of("Carer's  support, please!") == ["carers", "support", "please"]


def test_shipped_file_has_the_rules_the_issue_names():
    rules = synonyms.load(
        os.path.join(os.path.dirname(synonyms.__file__), "synonyms.txt")
    )
    assert "personal assistant" in rules.expand("pa")[0].alternatives
    lonely = rules.expand("lonely")[0].alternatives
    assert "befriending" in lonely and "peer support" in lonely
    assert "fitness" in rules.expand("gym")[0].alternatives
    depressed = rules.expand("depressed")[0].alternatives
    assert "peer support" in depressed and "talking therapies" in depressed
    assert len(rules.rules) >= 60


def test_edits_to_the_file_apply_without_a_restart(app, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# none yet\n")
    app.config["SYNONYMS_FILE"] = str(path)
    make_service(title="Allotment mornings", description="Grow your own vegetables.")
    assert titles(q="veg patch") == []

    path.write_text("veg patch -> allotment\n")
    os.utime(path, ns=(1, 1_000_000_000))  # a different modification time, whatever the clock
    assert titles(q="veg patch") == ["Allotment mornings"]


def test_a_missing_file_means_no_synonyms(app, tmp_path):
    app.config["SYNONYMS_FILE"] = str(tmp_path / "missing.txt")
    make_service(title="Personal assistance", category="personal-assistance")
    assert titles(q="pa") == []
    assert titles(q="personal assistance") == ["Personal assistance"]

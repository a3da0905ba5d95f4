"""What the engine keeps between searches must never change what people find: a restarted
worker reading the masks saved beside the index (even a damaged file) gives the same results,
edits made after the masks were saved still show, and synonym phrases match their words in
order."""
from __future__ import annotations

import os

import pytest

from marketplace.search import index, upkeep
from tests.factories import make_service
from tests.search.helpers import build_market, edit_service, search, titles

QUERIES = [
    {"q": "peer"},
    {"q": "lonely"},
    {"category": "arts"},
    {"area": "salford", "sort": "price"},
    {"max_price": "20", "sort": "rating"},
    {"evenings": "true"},
]


def _restart_worker(app) -> None:
    """Forget this process's engine, as a newly started worker would not have one."""
    directory = os.path.realpath(app.config["SEARCH_INDEX_DIR"])
    with index._engines_lock:
        engine = index._engines.pop(directory, None)
    if engine is not None:
        engine.close()


def _answers():
    answers = []
    for args in QUERIES:
        found = search(page_size=50, **args)
        answers.append((
            [hit.service_id for hit in found.hits],
            found.total,
            {name: [(v.value, v.count) for v in values] for name, values in found.facets.items()},
        ))
    return answers


def _mask_files(app) -> list[str]:
    directory = app.config["SEARCH_INDEX_DIR"]
    return [name for name in os.listdir(directory) if name.endswith(".masks")]


@pytest.fixture
def saved_masks(app, monkeypatch):
    """A market indexed in one segment whose masks are saved beside the index (the real
    threshold is thousands of documents)."""
    monkeypatch.setattr(index, "PERSIST_MIN_SEGMENT", 1)
    monkeypatch.setattr(index, "FREQUENT_MIN_SEGMENT", 1)
    monkeypatch.setattr(index, "FREQUENT_MIN_DOCS", 1)
    services = build_market()
    assert upkeep.keep_current(force_rebuild=True).rebuilt == len(services)
    assert len(_mask_files(app)) == 1
    return services


def test_a_restarted_worker_reads_the_saved_masks_and_finds_the_same(app, saved_masks):
    before = _answers()
    assert before[0][1] == 1 and before[2][1] == 1  # the queries do find things
    _restart_worker(app)
    assert _answers() == before


def test_a_damaged_masks_file_is_ignored(app, saved_masks):
    before = _answers()
    for name in _mask_files(app):
        with open(os.path.join(app.config["SEARCH_INDEX_DIR"], name), "wb") as handle:
            handle.write(b"not a masks file")
    _restart_worker(app)
    assert _answers() == before


def test_edits_after_the_masks_were_saved_still_show(app, saved_masks):
    edit_service(saved_masks["peer"], status="paused")
    edit_service(saved_masks["art"], title="Pottery for wellbeing", price_pence=900)
    _restart_worker(app)
    assert titles(q="hearing voices") == []
    assert titles(q="wellbeing photography") == ["Pottery for wellbeing"]  # camera, in text
    assert titles(q="pottery", max_price="10") == ["Pottery for wellbeing"]
    assert search(evenings="true").total == 1  # the paused peer group no longer counts


def test_a_synonym_phrase_needs_its_words_in_order(app, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("breather -> time off caring\n")
    app.config["SYNONYMS_FILE"] = str(path)
    make_service(title="Sitting service", description="Get some time off caring each month.")
    make_service(title="Flexible visits", description="Caring at any time, off-site too.")
    assert titles(q="breather") == ["Sitting service"]

"""Two processes editing listings at once (as two gunicorn workers would) leave the index
exactly matching the database, with every index log entry applied."""
from __future__ import annotations

import multiprocessing
import random
import time

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search import index, upkeep
from tests.factories import make_provider, make_service
from tests.search.helpers import full_titles, titles

ROUNDS = 25


def _edit_in_another_process(database_url, index_dir, worker, own_ids, shared_ids, results):
    """Runs in a spawned process: its own app, engine and index handles."""
    from sqlalchemy.exc import OperationalError

    from marketplace import create_app
    from marketplace.config import TestConfig
    from marketplace.extensions import db
    from marketplace.providers.models import Service
    from marketplace.search import upkeep
    from marketplace.search.outbox import queue_reindex

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     SEARCH_INDEX_DIR=index_dir)
    chooser = random.Random(worker)
    try:
        with app.app_context():
            for number in range(ROUNDS):
                for service_id in (chooser.choice(own_ids), chooser.choice(shared_ids)):
                    for attempt in range(20):  # SQLite allows one writer at a time
                        try:
                            service = db.session.get(Service, service_id)
                            service.title = f"Edited w{worker}r{number} s{service_id}"
                            service.price_pence = chooser.randrange(0, 10000)
                            service.status = chooser.choice(["active", "active", "paused"])
                            service.evenings = chooser.random() < 0.5
                            queue_reindex(service_id)
                            db.session.commit()  # the hook applies the log
                            break
                        except OperationalError:
                            db.session.rollback()
                            time.sleep(0.05 * (attempt + 1))
                    else:
                        raise RuntimeError(f"could not edit service {service_id}")
                if number % 5 == 0:
                    upkeep.apply_new(timeout=30)
            upkeep.apply_new(timeout=30)
        results.put((worker, "ok"))
    except Exception as error:  # report to the parent rather than die silently
        results.put((worker, f"{error.__class__.__name__}: {error}"))


def test_index_matches_database_after_concurrent_edits_from_two_processes(app):
    provider = make_provider()
    services = [
        make_service(provider, title=f"Original {number}", price_pence=100 * number)
        for number in range(9)
    ]
    ids = [service.id for service in services]
    shared, first_own, second_own = ids[:3], ids[3:6], ids[6:]

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    index_dir = app.config["SEARCH_INDEX_DIR"]
    workers = [
        context.Process(target=_edit_in_another_process,
                        args=(url, index_dir, number, own, shared, results))
        for number, own in ((1, first_own), (2, second_own))
    ]
    for worker in workers:
        worker.start()
    reports = dict(results.get(timeout=300) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert reports == {1: "ok", 2: "ok"}

    db.session.expire_all()
    status = upkeep.status()
    assert (status.state, status.applied_position) == ("current", status.head_position)
    rows = db.session.scalars(sa.select(Service).order_by(Service.id)).all()
    active = {service.id: service for service in rows if service.status == "active"}
    documents = index.indexed_documents()
    assert set(documents) == set(active)
    for service_id, service in active.items():
        assert documents[service_id] == index.expected_document(service), service_id
        assert full_titles(q=service.title) == [service.title]
    for service in rows:
        if service.status == "paused":
            # Exactly as typed: otherwise "Edited w2r24 s226" is corrected to the title of the
            # service worker 2 edited beside it in that round ("... s223"), and finds it.
            assert full_titles(q=service.title, exact="true") == []
    still_original = sorted(s.title for s in active.values() if s.title.startswith("Original"))
    assert sorted(titles(q="original")) == still_original
    assert any(not service.title.startswith("Original") for service in rows)

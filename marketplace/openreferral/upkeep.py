"""What the feed keeps beside each service so that its `search` and its day and time filters
are SQL over an index, not a scan of every service's text: the service's words
(`service_feed_words`) and the rules read from its schedule words
(`service_schedule_rules`).

Both are worked out here, in Python, by one function each, and written on every flush that
changes what they come from (a service's title, description, tags, kind of support, schedule
or weekends tick, or its provider's name), so every way a service is saved keeps them. The
migration that added them (0029) and the benchmark fixtures that insert rows directly call
`refresh_all`. A change to how words or schedules are read (`words`, schedules.py) needs a
migration that calls `refresh_all` again.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace import vocabulary
from marketplace.openreferral import schedules
from marketplace.openreferral.models import ServiceFeedWords, ServiceScheduleRule
from marketplace.providers.models import Provider, Service

#: Apostrophes join ("carer's" is "carers", as synonyms.words_of reads a query); any other
#: mark separates words, so only letters and digits are left for LIKE and PostgreSQL's text
#: search parser to read, and the two read the same words.
_JOINERS = re.compile("['\u2019]")
_MARKS = re.compile(r"[\W_]+")
_WORD_SOURCES = ("title", "description", "tags", "category")
_SCHEDULE_SOURCES = ("schedule", "weekends")
_CATEGORY_LABELS = dict(vocabulary.CATEGORIES)
#: Rows read and written at a time by refresh_all.
_BATCH = 2000


def words(title: str, description: str, tags: list[str] | None, category: str,
          provider_name: str) -> str:
    """' peer support group ... ': lower case letters and digits, one space between words and
    one at each end, so `LIKE '% peer%'` finds a word starting "peer"."""
    text = " ".join((title or "", description or "", " ".join(tags or []),
                     _CATEGORY_LABELS.get(category, ""), provider_name or ""))
    text = _MARKS.sub(" ", _JOINERS.sub("", text.lower())).strip()
    return f" {text} " if text else " "


def rules(schedule: str, weekends: bool) -> list[dict]:
    return [{"days": ",".join(rule.days), "opens_at": rule.opens, "closes_at": rule.closes}
            for rule in schedules.read_schedule(schedule or "", bool(weekends))]


def _changed(target, names: tuple[str, ...]) -> bool:
    state = sa.inspect(target)
    return state.pending or state.transient or any(
        state.attrs[name].history.has_changes() for name in names)


def _provider_name(service: Service) -> str:
    provider = service.provider
    if provider is None and service.provider_id is not None:
        provider = so.object_session(service).get(Provider, service.provider_id)
    return provider.name if provider is not None else ""


def _keep_words(service: Service) -> None:
    found = words(service.title, service.description, service.tags, service.category,
                  _provider_name(service))
    if service.feed_words is None:
        service.feed_words = ServiceFeedWords(words=found)
    elif service.feed_words.words != found:
        service.feed_words.words = found


def _keep_rules(service: Service) -> None:
    service.schedule_rules = [ServiceScheduleRule(**rule)
                              for rule in rules(service.schedule, service.weekends)]


def _before_flush(session: so.Session, _context, _instances) -> None:
    renamed = {service for provider in session.dirty
               if isinstance(provider, Provider) and _changed(provider, ("name",))
               for service in provider.services}
    saved = {service for service in (*session.new, *session.dirty)
             if isinstance(service, Service) and service not in session.deleted}
    for service in saved | renamed:
        if service in renamed or _changed(service, _WORD_SOURCES):
            _keep_words(service)
        if _changed(service, _SCHEDULE_SOURCES):
            _keep_rules(service)


def listen() -> None:
    """Keep both on every session's flush (called once, at import of marketplace.models)."""
    if not sa.event.contains(so.Session, "before_flush", _before_flush):
        sa.event.listen(so.Session, "before_flush", _before_flush)


def refresh_all(connection: sa.Connection) -> int:
    """Work out both again for every service, in batches; returns how many services."""
    services, providers = Service.__table__, Provider.__table__
    words_table, rules_table = ServiceFeedWords.__table__, ServiceScheduleRule.__table__
    after, count = 0, 0
    while True:
        batch = connection.execute(
            sa.select(services.c.id, services.c.title, services.c.description,
                      services.c.tags, services.c.category, services.c.schedule,
                      services.c.weekends, providers.c.name)
            .join(providers, providers.c.id == services.c.provider_id)
            .where(services.c.id > after).order_by(services.c.id).limit(_BATCH)).all()
        if not batch:
            return count
        numbers = [row.id for row in batch]
        for table in (words_table, rules_table):
            connection.execute(table.delete().where(table.c.service_id.in_(numbers)))
        connection.execute(words_table.insert(), [
            {"service_id": row.id, "words": words(row.title, row.description, row.tags,
                                                  row.category, row.name)} for row in batch])
        found = [{"service_id": row.id, **rule} for row in batch
                 for rule in rules(row.schedule, row.weekends)]
        if found:
            connection.execute(rules_table.insert(), found)
        after, count = numbers[-1], count + len(batch)


def add_text_search(connection: sa.Connection) -> None:
    """PostgreSQL: the words as a text-search vector, generated by the database and indexed,
    so a search reads the index (and PostgreSQL's word statistics plan it) instead of
    matching every service's words. The 'simple' configuration keeps every word as written:
    no stemming and no stop words, as LIKE reads them."""
    if connection.dialect.name != "postgresql":
        return
    connection.execute(sa.text(
        "ALTER TABLE service_feed_words ADD COLUMN IF NOT EXISTS vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, words)) STORED"))
    connection.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS ix_service_feed_words_vector "
        "ON service_feed_words USING gin (vector)"))

"""The anonymous search log, written in batches.

Writing and committing a row inside every search request was the largest single cost of a
search after the index itself. Instead each web process keeps its searches in a buffer and
inserts them in one statement (on its own connection, outside the request's transaction)
when the buffer holds SEARCH_LOG_FLUSH_ROWS rows, when its oldest row is
SEARCH_LOG_FLUSH_SECONDS old (checked by the next search and by a background thread), and
when the process exits normally (atexit; gunicorn's graceful stop included).

Loss bound: a web process killed without running atexit (SIGKILL, out of memory, power cut)
loses the searches in its buffer: at most SEARCH_LOG_FLUSH_ROWS - 1 rows and at most
SEARCH_LOG_FLUSH_SECONDS of that process's searches. A failed insert is logged and its rows
are dropped rather than retried for ever (the log is statistics, not records of money).
The rows carry the time of the search, not of the flush.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref

import functools

import sqlalchemy as sa
from flask import current_app

from marketplace import vocabulary
from marketplace.search.models import SearchLogEntry
from marketplace.search.synonyms import words_of
from marketplace.times import utcnow

log = logging.getLogger(__name__)

DEFAULT_FLUSH_ROWS = 100
DEFAULT_FLUSH_SECONDS = 5.0


class SearchLogBuffer:
    """One per app (and so per engine) in each process. Thread-safe."""

    def __init__(self, engine, flush_rows: int, flush_seconds: float):
        self._engine = engine
        self.flush_rows = max(1, int(flush_rows))
        self.flush_seconds = float(flush_seconds)
        self._rows: list[dict] = []
        self._oldest = 0.0
        self._lock = threading.Lock()
        self._timer: threading.Thread | None = None

    def add(self, row: dict) -> None:
        with self._lock:
            if not self._rows:
                self._oldest = time.monotonic()
            self._rows.append(row)
            due = (len(self._rows) >= self.flush_rows
                   or time.monotonic() - self._oldest >= self.flush_seconds)
            if not due and self._timer is None:
                self._start_timer()
        if due:
            self.flush()

    def flush(self) -> int:
        """Insert every buffered row now; returns how many."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with self._engine.begin() as connection:
                connection.execute(sa.insert(SearchLogEntry.__table__), rows)
        except Exception:  # statistics: log and drop rather than fail a search
            log.exception("Could not write %d search log rows", len(rows))
            return 0
        return len(rows)

    def pending(self) -> int:
        return len(self._rows)

    def _start_timer(self) -> None:
        buffer = weakref.ref(self)

        def run() -> None:
            while True:
                found = buffer()
                if found is None:
                    return
                wait = found.flush_seconds
                del found
                time.sleep(wait)
                found = buffer()
                if found is None:
                    return
                if found._rows and time.monotonic() - found._oldest >= found.flush_seconds:
                    found.flush()
                del found

        self._timer = threading.Thread(target=run, name="search-log-flush", daemon=True)
        self._timer.start()


_buffers: "weakref.WeakSet[SearchLogBuffer]" = weakref.WeakSet()


@atexit.register
def flush_all() -> None:
    """Flush every buffer in this process (at exit, and for tests and benchmarks)."""
    for buffer in list(_buffers):
        buffer.flush()


def buffer_for_app() -> SearchLogBuffer:
    from marketplace.extensions import db

    app = current_app._get_current_object()
    found = app.extensions.get("search_log_buffer")
    if found is None:
        config = app.config
        # Tests read the log straight after a request, so they flush every row.
        rows = config.get("SEARCH_LOG_FLUSH_ROWS", DEFAULT_FLUSH_ROWS)
        seconds = config.get("SEARCH_LOG_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS)
        found = app.extensions["search_log_buffer"] = SearchLogBuffer(db.engine, rows, seconds)
        _buffers.add(found)
    return found


@functools.cache
def _specialism_phrases() -> dict[tuple[str, ...], str]:
    return {tuple(words_of(phrase)): value for phrase, value in vocabulary.SPECIALISM_WORDS.items()}


def asked_specialism(query_text: str) -> str | None:
    """The specialism the first matching phrase of the query asks for ("women only peer
    group" -> "women-only"), longest phrase first; None when no phrase names one."""
    words = words_of(query_text)
    phrases = _specialism_phrases()
    longest = max(len(phrase) for phrase in phrases)
    for start in range(len(words)):
        for length in range(min(longest, len(words) - start), 0, -1):
            found = phrases.get(tuple(words[start:start + length]))
            if found:
                return found
    return None


def record_search(*, query_text: str, filters: dict, area: str | None, result_count: int,
                  channel: str) -> None:
    buffer_for_app().add({
        "query_text": query_text[:200], "filters": filters, "area": area,
        "result_count": result_count, "channel": channel, "created_at": utcnow(),
        "specialism": asked_specialism(query_text),
    })


def flush() -> int:
    """Flush this app's buffer now."""
    return buffer_for_app().flush()

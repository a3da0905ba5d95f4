"""The search index's upkeep in the worker: a node task on every worker keeps this node's
index current and, at most every SEARCH_LOG_PRUNE_SECONDS, prunes the index log (see
upkeep.py). Pruning on every node is harmless: each applies the same rule, and deleting what
is already deleted does nothing."""
from __future__ import annotations

import time

from flask import current_app

from marketplace.extensions import db
from marketplace.jobs import node_task
from marketplace.search import upkeep

DEFAULT_PRUNE_SECONDS = 300
_last_pruned: dict[str, float] = {}


@node_task("search-index", every_seconds=2)
def keep_search_index_current() -> None:
    """Rebuild this node's index if it was never built or fell behind the pruned log, apply
    the newer index log entries, and now and then prune the log."""
    upkeep.keep_current()
    every = float(current_app.config.get("SEARCH_LOG_PRUNE_SECONDS", DEFAULT_PRUNE_SECONDS))
    key = current_app.config["SEARCH_INDEX_DIR"]
    if time.monotonic() - _last_pruned.get(key, float("-inf")) >= every:
        upkeep.prune_log()
        db.session.commit()
        _last_pruned[key] = time.monotonic()

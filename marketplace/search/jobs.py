"""The search index's upkeep in the worker: this node's index (a node task on every worker)
and pruning the index log (one scheduled job for the cluster). See upkeep.py."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, node_task, scheduled_job
from marketplace.search import upkeep


@node_task("search-index", every_seconds=2)
def keep_search_index_current() -> None:
    """Rebuild this node's index if it was never built or fell behind the pruned log, then
    apply the newer index log entries."""
    upkeep.keep_current()


@scheduled_job("prune-search-index-log", Every(minutes=5))
def prune_search_index_log(context: JobContext) -> str:
    """Deletes index log entries every live index has applied (and any past the retention
    window). Twice is harmless: a second run finds nothing more to delete."""
    deleted = upkeep.prune_log()
    return f"Pruned {deleted} index log entr{'y' if deleted == 1 else 'ies'}."

"""The modules that register scheduled jobs and node tasks. An area with jobs adds its module
here (one line); importing it runs its @scheduled_job / @node_task decorators."""
from __future__ import annotations

from importlib import import_module

from marketplace.jobs.registry import Registry, registry

JOB_MODULES = (
    "marketplace.commissioning.jobs",
    "marketplace.orders.jobs",
    "marketplace.ledger.jobs",
    "marketplace.jobs.housekeeping",
    "marketplace.search.jobs",
    "marketplace.pools.jobs",
    "marketplace.needs.jobs",
    "marketplace.reviews.jobs",
    "marketplace.datarights.jobs",
)


def load() -> Registry:
    for module in JOB_MODULES:
        import_module(module)
    return registry

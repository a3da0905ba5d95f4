"""Search errors a person or an operator can act on."""
from __future__ import annotations

from marketplace.errors import DomainError


class SearchStartingUp(DomainError):
    """This node's index has not been built yet: its worker is building it (see upkeep.py).
    The load balancer should not be sending traffic here (/healthz says 503 meanwhile)."""

    status = 503
    code = "search_starting_up"

    def __init__(self):
        super().__init__(
            "Search is starting up on this server. Please try again in a minute."
        )


class IndexBusy(DomainError):
    """Another process holds this node's index writer lock."""

    status = 503
    code = "search_index_busy"

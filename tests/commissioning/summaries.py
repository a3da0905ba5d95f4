"""The market tests' way to the worker's summaries (the figures_from fixture is in conftest)."""
from __future__ import annotations

from datetime import timedelta

from marketplace.commissioning.summary_refresh import refresh_summaries
from marketplace.extensions import db
from marketplace.times import utcnow


def summarise_if_asked(figures_from: str) -> None:
    """Run the market-summaries refresh as if today had ended, so every row so far is in a
    summary (the app's clock stays where the test set it)."""
    if figures_from == "summarised":
        refresh_summaries(now=utcnow() + timedelta(days=1))
        db.session.commit()

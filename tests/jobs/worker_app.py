"""The app a test's worker processes run: the real app and its real jobs, plus test jobs,
keeping only the jobs named in TEST_WORKER_JOBS. Imported only inside those processes (no test
module imports it), so the test jobs never reach the test run's own registry.

- test-tick (every second): tells TEST_TICK_USER "Tick for <due time>", so a due time run twice
  would show as two notifications.
- hanging-instalments (daily): the real pay-instalments work, then, when TEST_HANG is set, it
  touches TEST_MARKER and waits TEST_HANG_SECONDS (60) to be killed: after committing its work
  (TEST_HANG=after-commit) or with it only flushed (TEST_HANG=before-commit).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.budgets.services import pay_due_instalments
from marketplace.extensions import db
from marketplace.jobs import DailyAt, Every, JobContext, catalogue
from marketplace.notifications.services import notify
from marketplace.times import london_today


def tick(context: JobContext) -> str:
    """Not harmless twice, on purpose: each run leaves one notification for its due time, so
    the test sees any due time that ran twice."""
    user = db.session.get(User, int(os.environ["TEST_TICK_USER"]))
    time.sleep(0.05)  # long enough for the other worker to try the same due time
    notify(user, f"Tick for {context.due_at.isoformat()}")
    return "Ticked."


def hanging_instalments(context: JobContext) -> str:
    """Pays due instalments like pay-instalments (harmless twice: each is paid in once)."""
    paid = pay_due_instalments(london_today())
    hang = os.environ.get("TEST_HANG")
    if hang:
        if hang == "after-commit":
            db.session.commit()
        else:
            db.session.flush()
        Path(os.environ["TEST_MARKER"]).write_text(context.worker_id)
        time.sleep(float(os.environ.get("TEST_HANG_SECONDS", "60")))
    return f"Paid in {paid} instalment{'' if paid == 1 else 's'}."


def create_worker_app():
    app = create_app()
    registry = catalogue.load()
    registry.add_job("test-tick", Every(seconds=1), tick)
    registry.add_job("hanging-instalments", DailyAt(hour=0), hanging_instalments)
    wanted = set(os.environ["TEST_WORKER_JOBS"].split(","))
    for name in list(registry.jobs):
        if name not in wanted:
            del registry.jobs[name]
    return app

"""The worker: scheduled jobs with an exactly-once effect per due time, per-node tasks and
email delivery, all outside web requests. See docs/worker.md for the design and why it is a
small runner on database row leases rather than a task-queue library.

- registry.py: @scheduled_job and @node_task, and the JobContext a job receives.
- schedules.py: Every(minutes=15), DailyAt(hour=1) (Europe/London).
- runner.py: claiming a due run (unique per job and due time), leases, retries with backoff.
- worker.py: the `flask worker` loop; commands.py: `flask worker` and `flask jobs`.
- status.py: last run, result, next run and failures, for `flask jobs` and the operator page.
"""
from marketplace.jobs.registry import JobContext, node_task, scheduled_job  # noqa: F401
from marketplace.jobs.schedules import DailyAt, Every  # noqa: F401

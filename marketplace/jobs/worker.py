"""The worker loop behind `flask worker`: every few seconds it runs this node's tasks, the
scheduled jobs that are due, and delivers queued email.

SIGTERM or SIGINT lets the step in progress finish (a job commits or rolls back, an email is
marked sent), then the worker exits; the same signal a second time stops it at once. A worker
killed outright leaves nothing stuck: its job and email leases run out and another worker
takes them. Each step is guarded on its own, so a failing step (the database busy for a
moment, a node task raising) is logged and the others still run.
"""
from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time

from flask import Flask

from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.registry import Registry
from marketplace.notifications import delivery
from marketplace.times import utcnow

log = logging.getLogger("marketplace.jobs")


def new_worker_id() -> str:
    """Unique to this process: the host, the process id and a random part (a restarted
    process with a reused id is still someone else)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(self, app: Flask, registry: Registry, *, poll_seconds: float | None = None,
                 worker_id: str | None = None) -> None:
        self.app = app
        self.registry = registry
        self.poll_seconds = float(
            poll_seconds if poll_seconds is not None else app.config.get("WORKER_POLL_SECONDS", 5)
        )
        self.worker_id = worker_id or new_worker_id()
        self._stopping = threading.Event()
        #: Ctrl-C in `make run` sends SIGINT and then the recipe's SIGTERM: still a graceful
        #: stop. Only the same signal again (Ctrl-C pressed twice) stops at once.
        self._signals_seen: set[int] = set()
        self._node_task_last_run: dict[str, float] = {}

    def stop(self, signum: int = signal.SIGTERM, _frame=None) -> None:
        if signum in self._signals_seen:
            raise SystemExit(1)  # the same signal twice: stop now; leases cover the rest
        self._signals_seen.add(signum)
        if not self._stopping.is_set():
            log.info("Worker %s stopping after the current step", self.worker_id)
        self._stopping.set()

    def run_once(self) -> None:
        """One pass: node tasks, due jobs, then email (including any the jobs just queued)."""
        self._guarded("node tasks", self._run_node_tasks)
        settings = runner.RunnerSettings.from_config(self.app.config)
        for job in self.registry.jobs.values():
            if self._stopping.is_set():
                return
            self._guarded(job.name, lambda job=job: runner.run_due_job(
                job, self.worker_id, now=utcnow(), settings=settings))
        self._guarded("email delivery", lambda: delivery.deliver_due_emails(
            self.worker_id, should_stop=self._stopping.is_set))

    def run_forever(self) -> None:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        log.info("Worker %s started: %s job(s), %s node task(s), every %ss", self.worker_id,
                 len(self.registry.jobs), len(self.registry.node_tasks), self.poll_seconds)
        try:
            while not self._stopping.is_set():
                self.run_once()
                self._stopping.wait(self.poll_seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            db.session.remove()
            log.info("Worker %s stopped", self.worker_id)

    def _run_node_tasks(self) -> None:
        for task in self.registry.node_tasks.values():
            last = self._node_task_last_run.get(task.name)
            if last is not None and time.monotonic() - last < task.every_seconds:
                continue
            self._node_task_last_run[task.name] = time.monotonic()
            self._guarded(task.name, task.function)

    def _guarded(self, what: str, step) -> None:
        try:
            step()
        except Exception:  # noqa: BLE001 - one failing step must not stop the worker
            db.session.rollback()
            log.exception("Worker step %r failed; it runs again next pass", what)

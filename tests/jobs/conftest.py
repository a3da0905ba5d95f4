"""Fixtures for the worker's tests: worker processes (real `flask worker` subprocesses on the
test database), a local SMTP server that can be down and come back, and a small registry of
test jobs for in-process runner tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str, every: float = 0.1):
    """Poll until condition() is truthy (bounded), expiring the session's view each time."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        db.session.expire_all()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(every)


# ---------------------------------------------------------------- a local mail server


class RecordingHandler:
    """Accepts every message and keeps it; refuses recipients listed in refuse (550)."""

    def __init__(self) -> None:
        self.messages = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    @property
    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]).strip() for message in self.messages]


@dataclass
class MailServer:
    """An SMTP server on a fixed loopback port that starts down; up() and down() switch it."""

    port: int = field(default_factory=free_port)
    handler: RecordingHandler = field(default_factory=RecordingHandler)
    _controller: object = None

    def up(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port),
                "SMTP_SECURITY": "none", "SMTP_TIMEOUT_SECONDS": "2"}


@pytest.fixture
def mail_server():
    server = MailServer()
    yield server
    server.down()


# ---------------------------------------------------------------- worker processes


@dataclass
class Workers:
    """Starts `flask --app tests.jobs.worker_app worker` processes on the test database."""

    database_url: str
    tmp_path: Path
    processes: list = field(default_factory=list)

    def start(self, name: str, jobs: str, **settings: str) -> subprocess.Popen:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PYTEST_", "FLASK_"))}
        env.update({
            "DATABASE_URL": self.database_url,
            "PATHWAYS_INSTANCE_DIR": str(self.tmp_path / "instance"),
            "SEARCH_INDEX_DIR": str(self.tmp_path / f"index-{name}"),
            "TEST_WORKER_JOBS": jobs,
            "WORKER_POLL_SECONDS": "0.2",
        })
        env.update(settings)
        with open(self.tmp_path / f"worker-{name}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app",
                 "tests.jobs.worker_app:create_worker_app", "worker"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        process.log_path = self.tmp_path / f"worker-{name}.log"
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> int:
        """SIGTERM, as a deployment stops a worker: it finishes its step and exits 0."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        return process.wait(timeout=30)

    def kill(self, process: subprocess.Popen) -> None:
        process.kill()
        process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text(errors='replace')}"
                         for p in self.processes)


@pytest.fixture
def workers(migrated_database, tmp_path):
    workers = Workers(migrated_database, tmp_path)
    yield workers
    for process in workers.processes:
        if process.poll() is None:
            workers.kill(process)


@pytest.fixture
def due_instalments(app):
    """A direct-payment budget started 8 weeks ago, paid 4-weekly: two instalments are due."""
    commissioner = make_user("commissioner")
    holder = make_user("holder")
    stream = budget_services.create_funding_stream(name="Adult social care", kind="social_care")
    start = date.today() - timedelta(weeks=8)
    allocation = budget_services.allocate_budget(
        holder=holder, stream=stream, total_pence=120_000, period_start=start,
        period_end=start + timedelta(weeks=12), instalment_every_weeks=4, route="direct",
        allocated_by=commissioner, today=start,
    )
    db.session.commit()
    budget = allocation.budgets[0]
    assert ledger.budget_balances(budget.id).allocated_pence == 40_000  # two more are due
    return budget


def job_runs(name: str):
    from marketplace.jobs.models import JobRun

    return list(db.session.scalars(
        sa.select(JobRun).where(JobRun.job_name == name).order_by(JobRun.due_at)
    ))

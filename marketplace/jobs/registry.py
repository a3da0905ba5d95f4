"""What the worker runs: cluster-wide scheduled jobs and per-node tasks.

An area registers a scheduled job with one decorator in its own jobs.py, and lists that module
once in marketplace/jobs/catalogue.py:

    @scheduled_job("pay-instalments", DailyAt(hour=1))
    def pay_instalments(context: JobContext) -> str:
        '''Pays in every instalment due by today. Twice is harmless: each is paid in once.'''
        ...
        return "Paid in 2 instalments."

- A scheduled job runs once per due time across every worker on every node (see runner.py).
  It flushes and lets the runner commit, so its effect and its record commit together. Its
  docstring must say why running it twice is harmless: a crash after a job committed part of
  its work means it runs again.
- A node task runs on every worker process, every so many seconds (keeping this node's search
  index up to date, say). It must be safe to call at any time and commits its own work.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol


class Schedule(Protocol):
    def latest_due(self, now: datetime) -> datetime: ...
    def next_due(self, now: datetime) -> datetime: ...
    def describe(self) -> str: ...


@dataclass(frozen=True)
class JobContext:
    """What a running job may want to know about its run."""

    name: str
    due_at: datetime
    attempt: int
    worker_id: str


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    schedule: Schedule
    function: Callable[[JobContext], str | None]

    @property
    def description(self) -> str:
        return (self.function.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")


@dataclass(frozen=True)
class NodeTask:
    name: str
    every_seconds: float
    function: Callable[[], object]


class Registry:
    def __init__(self) -> None:
        self.jobs: dict[str, ScheduledJob] = {}
        self.node_tasks: dict[str, NodeTask] = {}

    def add_job(self, name: str, schedule: Schedule, function: Callable) -> ScheduledJob:
        if not (function.__doc__ or "").strip():
            raise ValueError(f"The job {name} needs a docstring saying why twice is harmless.")
        job = ScheduledJob(name, schedule, function)
        existing = self.jobs.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"Two different jobs are called {name}.")
        self.jobs[name] = job
        return job

    def add_node_task(self, name: str, every_seconds: float, function: Callable) -> NodeTask:
        if every_seconds <= 0:
            raise ValueError("A node task needs a positive interval.")
        task = NodeTask(name, every_seconds, function)
        existing = self.node_tasks.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"Two different node tasks are called {name}.")
        self.node_tasks[name] = task
        return task

    def scheduled_job(self, name: str, schedule: Schedule):
        def decorator(function):
            self.add_job(name, schedule, function)
            return function

        return decorator

    def node_task(self, name: str, every_seconds: float):
        def decorator(function):
            self.add_node_task(name, every_seconds, function)
            return function

        return decorator


#: The application's jobs and tasks; catalogue.load() fills it from every area's jobs module.
registry = Registry()
scheduled_job = registry.scheduled_job
node_task = registry.node_task

"""A worker killed outright (SIGKILL) in the middle of a job: while it lives, another worker
leaves its run alone; once it is dead and the lease has expired, the other takes the run over,
and the instalments are paid in once, whether the killed worker had committed its work or not."""
from __future__ import annotations

import time

import pytest

from marketplace.ledger import services as ledger
from tests.jobs.conftest import job_runs, wait_for


@pytest.mark.parametrize("hang", ["after-commit", "before-commit"])
def test_a_killed_worker_s_job_is_taken_over_and_pays_each_instalment_once(
        app, workers, due_instalments, tmp_path, hang):
    marker = tmp_path / "job-started"
    lease = {"JOB_LEASE_SECONDS": "2"}
    first = workers.start("first", "hanging-instalments", TEST_HANG=hang,
                          TEST_MARKER=str(marker), **lease)
    wait_for(marker.exists, timeout=60, what="the first worker to start the job")
    second = workers.start("second", "hanging-instalments", **lease)
    wait_for(lambda: "started" in second.log_path.read_text(), timeout=60,
             what="the second worker to start")
    time.sleep(3)  # longer than the lease: the first worker's renewals keep it its run
    [run] = job_runs("hanging-instalments")
    assert run.status == "running" and run.attempts == 1
    assert run.lease_owner == marker.read_text()

    workers.kill(first)
    wait_for(lambda: job_runs("hanging-instalments")[0].status == "succeeded", timeout=30,
             what="the second worker to finish the run")
    assert workers.stop(second) == 0, workers.logs()

    [run] = job_runs("hanging-instalments")
    assert run.attempts == 2 and run.lease_owner != marker.read_text()
    # Committed before the kill: nothing was left to pay. Not committed: it was all undone
    # with the killed worker's transaction, and the second worker paid both.
    assert run.result == ("Paid in 0 instalments." if hang == "after-commit"
                          else "Paid in 2 instalments.")
    assert ledger.budget_balances(due_instalments.id).allocated_pence == 120_000
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []
    assert "taking over a run whose worker" in second.log_path.read_text()


def test_sigterm_mid_job_lets_the_job_finish_then_the_worker_exits(
        app, workers, due_instalments, tmp_path):
    marker = tmp_path / "job-started"
    worker = workers.start("only", "hanging-instalments", TEST_HANG="before-commit",
                           TEST_HANG_SECONDS="3", TEST_MARKER=str(marker))
    wait_for(marker.exists, timeout=60, what="the worker to start the job")
    assert workers.stop(worker) == 0, workers.logs()
    [run] = job_runs("hanging-instalments")
    assert (run.status, run.attempts, run.result) == ("succeeded", 1, "Paid in 2 instalments.")
    assert ledger.budget_balances(due_instalments.id).allocated_pence == 120_000
    assert "stopping after the current step" in worker.log_path.read_text()

"""Recording what a commissioner decided about a service on the "services to review" list, and
reminding them when the date to look again comes (the worker's `service-look-again` job).

Each decision is a new row: the history stays. The reminder is claimed by a compare-and-set
on reminded_at, and the worker commits it with the job's run, so many workers remind once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.commissioning.models import DECISIONS, NOTE_LIMIT, ServiceDecision
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.providers.models import Service
from marketplace.times import format_date, london_today, utcnow


@dataclass(frozen=True)
class DecisionDetails:
    decision: str
    note: str
    look_again_on: date | None


def record_decision(commissioner: User, service_id: int, details: DecisionDetails
                    ) -> ServiceDecision:
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound("We could not find that service.")
    if details.decision not in dict(DECISIONS):
        raise DomainError("Choose what the council will do", field="decision")
    if len(details.note) > NOTE_LIMIT:
        raise DomainError(f"Use {NOTE_LIMIT} characters or fewer", field="note")
    if details.look_again_on is None:
        raise DomainError("Enter the date to look at this service again",
                          field="look_again_on")
    if details.look_again_on <= london_today():
        raise DomainError("The date to look again must be after today", field="look_again_on")
    decision = ServiceDecision(service_id=service.id, decision=details.decision,
                               note=details.note.strip(), look_again_on=details.look_again_on,
                               decided_by_id=commissioner.id)
    db.session.add(decision)
    db.session.flush()
    return decision


def history(service_id: int) -> list[ServiceDecision]:
    return list(db.session.scalars(sa.select(ServiceDecision).where(
        ServiceDecision.service_id == service_id).order_by(ServiceDecision.id.desc())))


def latest_decisions(service_ids: list[int]) -> dict[int, ServiceDecision]:
    newest = (sa.select(sa.func.max(ServiceDecision.id))
              .where(ServiceDecision.service_id.in_(service_ids))
              .group_by(ServiceDecision.service_id))
    return {d.service_id: d for d in db.session.scalars(
        sa.select(ServiceDecision).where(ServiceDecision.id.in_(newest)))}


def remind_due() -> int:
    """Tell each commissioner whose newest decision on a service is due to be looked at again.
    Returns how many were told. Flushes; the worker commits."""
    newest = sa.select(sa.func.max(ServiceDecision.id)).group_by(ServiceDecision.service_id)
    due = db.session.scalars(sa.select(ServiceDecision.id).where(
        ServiceDecision.id.in_(newest), ServiceDecision.reminded_at.is_(None),
        ServiceDecision.look_again_on <= london_today()).order_by(ServiceDecision.id)).all()
    told = 0
    for decision_id in due:
        claimed = db.session.execute(
            sa.update(ServiceDecision).where(ServiceDecision.id == decision_id,
                                             ServiceDecision.reminded_at.is_(None))
            .values(reminded_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
        if claimed != 1:
            continue
        decision = db.session.get(ServiceDecision, decision_id)
        db.session.refresh(decision)
        notify(decision.decided_by,
               f"It is time to look again at “{decision.service.title}”. On "
               f"{format_date(decision.created_at)} you decided: "
               f"{decision.decision_label.lower()}.",
               link=f"/commissioning/quality/services/{decision.service_id}",
               email_subject="A service to look at again")
        told += 1
    db.session.flush()
    return told

""""Download my data": a person asks for a copy of everything held about them; the worker
prepares it part by part and emails them when it is ready; they download it until it expires.

Invariants:
- A person has at most one request in hand (waiting or preparing): asking again says so, and
  the database's partial unique index refuses a second even from two tabs at once.
- A waiting request is prepared by exactly one worker: it is claimed by one conditional
  UPDATE (waiting, or preparing under a lease that ran out, at the attempt the worker saw),
  committed before the work starts. Every later write (progress, the finished copy) is fenced
  on the same lease owner and attempt, so a worker that lost its lease writes nothing more.
- Progress is committed after each part, so the person's page shows it while the work goes on.
  Nothing half-built is kept: the zip is written, marked ready and the email queued in one
  transaction. A worker that stops mid-way leaves the lease to run out; the next try starts
  again from the first part. After DATA_EXPORT_MAX_ATTEMPTS tries the request is failed and
  the person told.
- Only its owner downloads a copy (anyone else, supporters and commissioners included, gets
  the same 404 as for a copy that does not exist), and only until expires_at; the worker then
  deletes the bytes and marks it expired.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.datarights import archive
from marketplace.datarights.models import IN_HAND_STATES, DataExport, DataExportFile
from marketplace.datarights.parts import sections_for
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.times import format_date, format_datetime, utcnow

log = logging.getLogger("marketplace.datarights")

PAGE_PATH = "/account/data"


class ExportInHand(DomainError):
    status = 409
    code = "export_in_hand"


class ExportExpired(DomainError):
    status = 410
    code = "export_expired"


@dataclass(frozen=True)
class ExportSettings:
    keep_days: int = 7
    max_attempts: int = 3
    lease_seconds: float = 600
    batch_size: int = 5

    @classmethod
    def from_config(cls, config) -> "ExportSettings":
        return cls(
            keep_days=int(config.get("DATA_EXPORT_KEEP_DAYS", cls.keep_days)),
            max_attempts=int(config.get("DATA_EXPORT_MAX_ATTEMPTS", cls.max_attempts)),
            lease_seconds=float(config.get("DATA_EXPORT_LEASE_SECONDS", cls.lease_seconds)),
            batch_size=int(config.get("DATA_EXPORT_BATCH_SIZE", cls.batch_size)),
        )


# ---------------------------------------------------------------- the person's side


def in_hand(user: User) -> DataExport | None:
    return db.session.scalar(sa.select(DataExport).where(
        DataExport.user_id == user.id, DataExport.status.in_(IN_HAND_STATES)))


def _already_asked(export: DataExport) -> ExportInHand:
    return ExportInHand(
        f"You already asked for a copy on {format_datetime(export.created_at)}. We are "
        "preparing it now: this page shows how far it has got, and we will email you when it "
        "is ready. You can ask for another once it is ready.")


def request_export(user: User) -> DataExport:
    """Ask for a copy of everything held about `user`. The caller commits."""
    existing = in_hand(user)
    if existing is not None:
        raise _already_asked(existing)
    export = DataExport(user_id=user.id, status="waiting", sections_done=0,
                        sections_total=len(sections_for(user)))
    try:
        with db.session.begin_nested():
            db.session.add(export)
    except sa.exc.IntegrityError:
        # Asked twice at the same moment (two tabs): the other request is the one in hand.
        raise _already_asked(in_hand(user)) from None
    return export


def exports_for(user: User, limit: int = 5) -> list[DataExport]:
    """The person's latest requests, newest first."""
    return list(db.session.scalars(
        sa.select(DataExport).where(DataExport.user_id == user.id)
        .order_by(DataExport.created_at.desc(), DataExport.id.desc()).limit(limit)))


def downloadable(user: User, export_id: int, now: datetime | None = None) -> tuple[DataExport, bytes]:
    """The copy and its bytes, for its owner only, while it lasts. Anyone else: NotFound."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != user.id:
        raise NotFound("We could not find that copy of your data.")
    if export.status == "expired" or (export.status == "ready"
                                      and export.expires_at <= (now or utcnow())):
        raise ExportExpired(
            f"This copy expired on {format_datetime(export.expires_at)}, and has been deleted. "
            "Ask for a new copy on your data page.")
    if export.status != "ready":
        raise NotFound("This copy is not ready yet. Its page says how far it has got.")
    file = db.session.get(DataExportFile, export.id)
    if file is None:  # deleted by the worker between the two reads: it just expired
        raise ExportExpired("This copy has expired and been deleted. Ask for a new copy.")
    return export, file.content


def file_name(export: DataExport) -> str:
    return f"pathways-my-data-{export.finished_at:%Y-%m-%d}-{export.id}.zip"


# ---------------------------------------------------------------- the worker's side


class LostLease(Exception):
    """Another worker took the request over (this one's lease ran out): stop, write nothing."""


@dataclass
class PrepareReport:
    ready: int = 0
    failed: int = 0
    retrying: int = 0


def _candidates(now: datetime, limit: int):
    due = sa.or_(DataExport.status == "waiting",
                 sa.and_(DataExport.status == "preparing", DataExport.lease_expires_at <= now))
    return db.session.execute(
        sa.select(DataExport.id, DataExport.status, DataExport.attempts, DataExport.lease_owner)
        .where(due).order_by(DataExport.created_at, DataExport.id).limit(limit)).all()


def _as_seen(candidate):
    return sa.and_(DataExport.id == candidate.id, DataExport.status == candidate.status,
                   DataExport.attempts == candidate.attempts,
                   DataExport.lease_owner.is_not_distinct_from(candidate.lease_owner))


def claim_next(worker_id: str, settings: ExportSettings, now: datetime | None = None
               ) -> tuple[int, int] | None:
    """Take the oldest request due: waiting, or preparing with a lease that ran out (its worker
    stopped). Returns (export id, attempt), or None. Commits the claim before any work."""
    now = now or utcnow()
    for candidate in _candidates(now, limit=10):
        seen = _as_seen(candidate)
        if candidate.status == "preparing" and candidate.attempts >= settings.max_attempts:
            if _give_up(seen, candidate.id, "The worker preparing it stopped before it "
                        f"finished, {candidate.attempts} times.", now):
                db.session.commit()
            continue
        taken = db.session.execute(sa.update(DataExport).where(seen).values(
            status="preparing", attempts=DataExport.attempts + 1, lease_owner=worker_id,
            lease_expires_at=now + timedelta(seconds=settings.lease_seconds), started_at=now,
            sections_done=0, current_section="",
        ).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if taken == 1:
            return candidate.id, candidate.attempts + 1
    return None


def _mine(export_id: int, worker_id: str, attempt: int):
    return sa.and_(DataExport.id == export_id, DataExport.status == "preparing",
                   DataExport.lease_owner == worker_id, DataExport.attempts == attempt)


def _fenced_update(where, **values) -> None:
    changed = db.session.execute(sa.update(DataExport).where(where).values(**values)
                                 .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise LostLease()


def build_export(export_id: int, worker_id: str, attempt: int, settings: ExportSettings) -> None:
    """Prepare one claimed request, part by part, committing progress after each; then store
    the zip, mark it ready and tell the person, in one transaction."""
    mine = _mine(export_id, worker_id, attempt)
    export = db.session.get(DataExport, export_id)
    user = export.user
    parts = sections_for(user)
    built = []
    for number, section in enumerate(parts):
        _fenced_update(mine, sections_done=number, sections_total=len(parts),
                       current_section=section.title,
                       lease_expires_at=utcnow() + timedelta(seconds=settings.lease_seconds))
        db.session.commit()
        built.append((section, section.rows(user)))
    finished = utcnow()
    content = archive.build_zip(user, built, finished)
    expires = finished + timedelta(days=settings.keep_days)
    _fenced_update(mine, status="ready", sections_done=len(parts), sections_total=len(parts),
                   current_section="", finished_at=finished, expires_at=expires,
                   size_bytes=len(content), lease_owner=None, lease_expires_at=None, error="")
    db.session.add(DataExportFile(export_id=export_id, content=content))
    notify(user, "The copy of your data you asked for is ready. Download it from your data "
           f"page until {format_date(expires)}; after that it is deleted. Only you can "
           "download it, once you have logged in.",
           link=PAGE_PATH, email_subject="Your copy of your data is ready")
    db.session.commit()


def _give_up(where, export_id: int, error: str, now: datetime) -> bool:
    """Mark the request failed and tell its owner; False if someone else moved it first."""
    changed = db.session.execute(sa.update(DataExport).where(where).values(
        status="failed", finished_at=now, lease_owner=None, lease_expires_at=None,
        current_section="", error=error[:500],
    ).execution_options(synchronize_session=False)).rowcount
    if changed == 1:
        export = db.session.get(DataExport, export_id)
        notify(export.user, "We could not prepare the copy of your data you asked for. We are "
               "sorry. Please ask again from your data page; if it fails again, contact us.",
               link=PAGE_PATH, email_subject="We could not prepare your copy of your data")
    return changed == 1


def _record_failure(export_id: int, worker_id: str, attempt: int, error: Exception,
                    settings: ExportSettings) -> str:
    text = f"{type(error).__name__}: {error}"
    mine = _mine(export_id, worker_id, attempt)
    if attempt >= settings.max_attempts:
        outcome = "failed" if _give_up(mine, export_id, text, utcnow()) else "lost"
    else:
        changed = db.session.execute(sa.update(DataExport).where(mine).values(
            status="waiting", lease_owner=None, lease_expires_at=None, sections_done=0,
            current_section="", error=text[:500],
        ).execution_options(synchronize_session=False)).rowcount
        outcome = "retrying" if changed == 1 else "lost"
    db.session.commit()
    return outcome


def prepare_waiting_exports(worker_id: str, settings: ExportSettings | None = None
                            ) -> PrepareReport:
    """Prepare up to batch_size requests, oldest first, one at a time."""
    settings = settings or ExportSettings.from_config(current_app.config)
    report = PrepareReport()
    for _ in range(settings.batch_size):
        claimed = claim_next(worker_id, settings)
        if claimed is None:
            break
        export_id, attempt = claimed
        try:
            build_export(export_id, worker_id, attempt, settings)
        except LostLease:
            log.warning("Data export %s was taken over by another worker", export_id)
            continue
        except Exception as error:  # noqa: BLE001 - recorded on the request, tried again
            db.session.rollback()
            log.exception("Data export %s failed (try %s)", export_id, attempt)
            outcome = _record_failure(export_id, worker_id, attempt, error, settings)
            if outcome == "failed":
                report.failed += 1
            elif outcome == "retrying":
                report.retrying += 1
            continue
        report.ready += 1
    return report


def expire_old_exports(now: datetime | None = None) -> int:
    """Delete the bytes of every ready copy past its expiry and mark it expired. The caller
    commits."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(DataExport.id).where(
        DataExport.status == "ready", DataExport.expires_at <= now)).all()
    if not due:
        return 0
    db.session.execute(sa.delete(DataExportFile).where(DataExportFile.export_id.in_(due))
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(DataExport).where(DataExport.id.in_(due),
                                                   DataExport.status == "ready")
                       .values(status="expired", size_bytes=None)
                       .execution_options(synchronize_session=False))
    return len(due)

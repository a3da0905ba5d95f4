"""The parts of everyone's copy: their account, where they logged in, API tokens,
notifications, the emails sent to them, what they reported, and their earlier requests."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts.models import API_TOKEN_SCOPES, ROLES, ApiToken, User, UserSession
from marketplace.datarights.models import DataExport
from marketplace.datarights.parts import Row, all_of, labels, section, when, yes_no
from marketplace.enquiries.models import EnquiryReport
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.reviews.models import REPORT_REASONS, ReviewReport

EMAIL_STATUS_WORDS = {"queued": "Waiting to be sent", "sending": "Being sent", "sent": "Sent",
                      "captured": "Kept here only (not sent: a test system)",
                      "failed": "Could not be sent"}
EXPORT_STATUS_WORDS = {"waiting": "Waiting", "preparing": "Being prepared", "ready": "Ready",
                       "failed": "Could not be prepared", "expired": "Expired and deleted"}


@section("account", "Your account", "Your account: your name, email address, what kind of "
         "account it is, when you made it, and (for budget holders) your area and the kinds of "
         "support you are interested in. Your password is kept only as a one-way code, so it "
         "is not here.",
         [("account_id", "Account number"), ("email", "Email address"), ("name", "Name"),
          ("role", "Kind of account"), ("created", "Account made (London time)"),
          ("council", "Your council area"), ("postcode_district", "Postcode district"),
          ("interests", "Kinds of support you are interested in"),
          ("account_open", "Account open")])
def account(user: User) -> list[Row]:
    return [{
        "account_id": user.id, "email": user.email, "name": user.display_name,
        "role": vocabulary.label(ROLES, user.role), "created": when(user.created_at),
        "council": areas.authority_name(user.home_authority) if user.home_authority else None,
        "postcode_district": user.home_district or None,
        "interests": labels(vocabulary.CATEGORIES, user.interests),
        "account_open": yes_no(user.is_active_account),
    }]


@section("devices", "Where you have logged in", "Each time you logged in: when, when that "
         "device was last used, when it was logged out, and how the browser described itself.",
         [("logged_in", "Logged in (London time)"), ("last_active", "Last active"),
          ("logged_out", "Logged out"), ("browser", "Browser")])
def devices(user: User) -> list[Row]:
    return [{"logged_in": when(row.created_at), "last_active": when(row.last_seen_at),
             "logged_out": when(row.ended_at), "browser": row.user_agent or None}
            for row in all_of(sa.select(UserSession).where(UserSession.user_id == user.id)
                            .order_by(UserSession.created_at, UserSession.id))]


@section("api_tokens", "Your API access tokens", "The access tokens you made for programs: "
         "their names, first characters and what they may do. The tokens themselves are kept "
         "only as one-way codes, so they are not here.",
         [("name", "Name"), ("starts_with", "Starts with"), ("may", "What it may do"),
          ("created", "Made (London time)"), ("last_used", "Last used"),
          ("revoked", "Stopped")])
def api_tokens(user: User) -> list[Row]:
    return [{"name": token.name, "starts_with": token.prefix,
             "may": labels(API_TOKEN_SCOPES, token.scopes), "created": when(token.created_at),
             "last_used": when(token.last_used_at), "revoked": when(token.revoked_at)}
            for token in all_of(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.created_at, ApiToken.id))]


@section("notifications", "Your notifications", "The messages on your Notifications page.",
         [("when", "When (London time)"), ("message", "Message"), ("link", "Link"),
          ("read", "Read")])
def notifications(user: User) -> list[Row]:
    return [{"when": when(note.created_at), "message": note.message, "link": note.link or None,
             "read": when(note.read_at)}
            for note in all_of(sa.select(Notification).where(Notification.user_id == user.id)
                             .order_by(Notification.created_at, Notification.id))]


@section("emails", "Emails we sent you", "Every email we have kept that was sent to your "
         "email address, with its words.",
         [("queued", "Written (London time)"), ("sent", "Sent"), ("status", "Status"),
          ("subject", "Subject"), ("words", "Words")])
def emails(user: User) -> list[Row]:
    return [{"queued": when(email.created_at), "sent": when(email.sent_at),
             "status": EMAIL_STATUS_WORDS.get(email.status, email.status),
             "subject": email.subject, "words": email.body}
            for email in all_of(sa.select(EmailMessage).where(EmailMessage.to_address == user.email)
                              .order_by(EmailMessage.created_at, EmailMessage.id))]


@section("reports_you_made", "Reviews and messages you reported", "Each review or enquiry "
         "message you reported to the moderators, and why.",
         [("reported", "Reported (London time)"), ("what", "What you reported"),
          ("reason", "Why"), ("words", "Your words"), ("decision", "What happened")])
def reports_you_made(user: User) -> list[Row]:
    reports = [(report.created_at, {
        "reported": when(report.created_at), "what": f"A review of {report.review.service.title}",
        "reason": vocabulary.label(REPORT_REASONS, report.reason), "words": report.words or None,
        "decision": {"open": "Waiting for a moderator", "kept": "The review was kept",
                     "removed": "The review was removed"}[report.state]})
        for report in all_of(sa.select(ReviewReport).where(ReviewReport.reporter_id == user.id))]
    reports += [(report.created_at, {
        "reported": when(report.created_at),
        "what": f"A message in the enquiry about {report.message.enquiry.service.title}",
        "reason": None, "words": report.reason, "decision": None})
        for report in all_of(sa.select(EnquiryReport).where(EnquiryReport.reporter_id == user.id))]
    return [row for _, row in sorted(reports, key=lambda pair: pair[0])]


@section("data_requests", "Your requests for a copy of your data", "Each time you asked for "
         "a copy of your data, including this one, and what became of it.",
         [("asked", "Asked (London time)"), ("status", "Status"), ("finished", "Finished"),
          ("expires", "Downloadable until")])
def data_requests(user: User) -> list[Row]:
    return [{"asked": when(export.created_at),
             "status": EXPORT_STATUS_WORDS[export.status], "finished": when(export.finished_at),
             "expires": when(export.expires_at)}
            for export in all_of(sa.select(DataExport).where(DataExport.user_id == user.id)
                               .order_by(DataExport.created_at, DataExport.id))]

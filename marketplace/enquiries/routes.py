"""Enquiry pages: ask a provider a question from a service page, the conversation page for
both sides, the "Enquiries" list of each side, and the commissioners' page of reported and
flagged messages (/moderation/enquiries).

Access: access.enquiry_for, so a conversation is seen only by its two sides (and supporters
with the holder's 'buy' permission); anyone else gets 404. Only holders and supporters start
one (403 for other roles).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.accounts import consent
from marketplace.accounts.permissions import role_required, verified_email_required
from marketplace.enquiries import access, moderation, reply_times, services
from marketplace.enquiries.forms import ActionForm, MessageForm, QuestionForm, ReportForm
from marketplace.errors import DomainError
from marketplace.extensions import configured_limit, db, limiter
from marketplace.reviews.detectors import SAFEGUARDING_HELP

blueprint = Blueprint("enquiries", __name__)
blueprint.add_app_template_global(services.may_enquire, "may_enquire")
blueprint.add_app_template_global(reply_times.shown_reply_days, "enquiry_reply_days")

SENT = "Your message is sent. We will tell you by email when they reply."


def _thread_page(seen, form=None, *, status: int = 200, safeguarding: bool = False,
                 problem: str = ""):
    return render_template(
        "enquiries/thread.html", enquiry=seen.enquiry, side=seen.side,
        other=services.label_for(seen.enquiry, seen.side), form=form or MessageForm(formdata=None),
        action_form=ActionForm(), is_holder=current_user.id == seen.enquiry.holder_id,
        safeguarding_help=SAFEGUARDING_HELP if safeguarding else "", problem=problem,
    ), status


def _refused(form, refused: DomainError) -> str:
    """Put a refusal beside its field; a refusal of no field is said at the top."""
    db.session.rollback()
    field = getattr(form, refused.field or "", None)
    if field is not None:
        field.errors = [refused.message]
        return ""
    return refused.message


def _question_sent(response) -> bool:
    # Only questions that went out count (they lead to the conversation); a form sent back
    # with a mistake emails nobody.
    return response.status_code == 302 and "/enquiries/" in (response.location or "")


def _person_key() -> str:
    return f"user:{current_user.id}"


# Below login_required, so only a logged-in person's questions are counted; each one emails a
# provider, so the limit keeps anyone from flooding providers' inboxes.
@blueprint.route("/services/<int:service_id>/enquire", methods=["GET", "POST"])
@login_required
@verified_email_required
@limiter.limit(configured_limit("ENQUIRY_RATE_LIMIT"), methods=["POST"], key_func=_person_key,
               deduct_when=_question_sent)
@limiter.limit(configured_limit("ENQUIRY_RATE_LIMIT"), methods=["POST"],
               deduct_when=_question_sent)
def ask(service_id: int):
    service = services.enquirable_service(service_id)
    if current_user.role not in services.BUYER_ROLES:
        abort(403)
    holders = consent.holders_for(current_user, access.SCOPE)
    form = QuestionForm()
    form.holder_id.choices = [(holder.id, "Me" if holder.id == current_user.id
                               else holder.display_name) for holder in holders]
    if len(holders) == 1 and not form.holder_id.data:
        form.holder_id.data = holders[0].id
    status, problem = 200, ""
    if holders and form.validate_on_submit():
        try:
            posted, _ = services.start_enquiry(current_user, service.id, form.holder_id.data,
                                               form.text.data, form.shown_as.data or "")
        except DomainError as refused:
            status, problem = refused.status, _refused(form, refused)
        else:
            db.session.commit()
            seen = access.Seen(posted.message.enquiry, "holder")
            if posted.show_safeguarding_help:
                return _thread_page(seen, safeguarding=True)
            flash(SENT, "success")
            return redirect(url_for(".thread", enquiry_id=seen.enquiry.id))
    elif form.is_submitted():
        status = 400
    return render_template("enquiries/ask.html", service=service, form=form, holders=holders,
                           problem=problem), status if holders else 403


@blueprint.route("/enquiries")
@login_required
def index():
    if current_user.role not in access.ROLES:
        abort(403)
    return render_template("enquiries/index.html", enquiries=access.enquiries_of(current_user),
                           side="provider" if current_user.role == "provider" else "holder",
                           label_for=services.label_for)


@blueprint.route("/enquiries/<int:enquiry_id>")
@login_required
def thread(enquiry_id: int):
    return _thread_page(access.enquiry_for(current_user, enquiry_id))


@blueprint.route("/enquiries/<int:enquiry_id>/messages", methods=["POST"])
@login_required
@verified_email_required
def reply(enquiry_id: int):
    seen = access.enquiry_for(current_user, enquiry_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _thread_page(seen, form, status=400)
    try:
        posted = services.post_message(current_user, enquiry_id, form.text.data)
    except DomainError as refused:
        problem = _refused(form, refused)
        return _thread_page(access.enquiry_for(current_user, enquiry_id), form,
                            status=refused.status, problem=problem)
    db.session.commit()
    if posted.show_safeguarding_help:
        return _thread_page(seen, safeguarding=True)
    flash(SENT, "success")
    return redirect(url_for(".thread", enquiry_id=enquiry_id))


def _action(enquiry_id: int, act, done: str):
    seen = access.enquiry_for(current_user, enquiry_id)
    if not ActionForm().validate_on_submit():
        return _thread_page(seen, status=400, problem="Please try again: the form had expired.")
    try:
        act(current_user, enquiry_id)
    except DomainError as refused:
        db.session.rollback()
        return _thread_page(access.enquiry_for(current_user, enquiry_id),
                            status=refused.status, problem=refused.message)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".thread", enquiry_id=enquiry_id))


@blueprint.route("/enquiries/<int:enquiry_id>/share-contact", methods=["POST"])
@login_required
def share_contact(enquiry_id: int):
    return _action(enquiry_id, services.share_contact,
                   "Your name and email are now in the conversation for the provider.")


@blueprint.route("/enquiries/<int:enquiry_id>/close", methods=["POST"])
@login_required
def close(enquiry_id: int):
    return _action(enquiry_id, services.close_enquiry, "The conversation is closed.")


@blueprint.route("/enquiries/<int:enquiry_id>/messages/<int:message_id>/report",
                 methods=["GET", "POST"])
@login_required
def report(enquiry_id: int, message_id: int):
    seen = access.enquiry_for(current_user, enquiry_id)
    message = next((m for m in seen.enquiry.messages
                    if m.id == message_id and m.side != seen.side), None)
    if message is None:
        abort(404)
    form = ReportForm()
    status, problem = 200, ""
    if form.validate_on_submit():
        try:
            services.report_message(current_user, enquiry_id, message_id, form.reason.data)
        except DomainError as refused:
            status, problem = refused.status, _refused(form, refused)
        else:
            db.session.commit()
            flash("Thank you. A person from our team will read the message and your reason.",
                  "success")
            return redirect(url_for(".thread", enquiry_id=enquiry_id))
    elif form.is_submitted():
        status = 400
    return render_template("enquiries/report.html", enquiry=seen.enquiry, message=message,
                           other=services.label_for(seen.enquiry, seen.side), form=form,
                           problem=problem), status


@blueprint.route("/moderation/enquiries")
@role_required(*moderation.READERS)
def moderation_page():
    return render_template("enquiries/moderation.html", items=moderation.messages_to_read(),
                           label_for=services.label_for)

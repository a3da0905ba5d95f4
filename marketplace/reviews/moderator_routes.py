"""Pages for appointed moderators, on the moderation blueprint:

- /moderation/moderators: commissioners appoint a moderator (name and email; the person is
  emailed a link to choose a password) and remove one (their sessions end at once);
- /moderation/welcome/<token>: the appointed person chooses their password (no login);
- /moderation/reviews/<id>/edit: a moderator edits personal data out of a held review, with
  a note for its author, and publishes it (reviews/redaction.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.reviews import moderators, redaction
from marketplace.reviews.moderation_routes import _queue, blueprint, moderators_only
from marketplace.reviews.moderator_forms import AppointForm, EditForm, FirstPasswordForm, RemoveForm
from marketplace.reviews.models import Review

commissioners_only = role_required("commissioner")


def _edit_form(review_id: int, **kwargs) -> EditForm:
    # A prefix per review, so each card's fields have ids of their own on the one page.
    return EditForm(prefix=f"edit-{review_id}", **kwargs)


@dataclass(frozen=True)
class ModeratorView:
    """What the queue's edit partial shows of one review: the service, and the form."""
    service_title: str
    form: EditForm


@blueprint.app_template_global("moderator_view")
def moderator_view(review: Review) -> ModeratorView:
    failed = getattr(g, "failed_edit", None)
    if failed and failed[0] == review.id:
        form = failed[1]
    else:
        form = _edit_form(review.id, formdata=None)
        form.text.data = redaction.suggested_text(review)
    return ModeratorView(db.session.get(Service, review.service_id).title, form)


@blueprint.app_template_global("moderator_edit_note")
def moderator_edit_note(review: Review) -> str:
    """For the author's review page: what a moderator said they took out, if anything."""
    edit = redaction.edit_note(review)
    return edit.reason if edit else ""


@blueprint.route("/moderation/reviews/<int:review_id>/edit", methods=["POST"])
@moderators_only
def edit(review_id: int):
    form = _edit_form(review_id)
    if form.validate_on_submit():
        try:
            redaction.edit_and_publish(current_user, review_id, form.text.data, form.note.data)
        except DomainError as refused:
            db.session.rollback()
            if refused.field not in ("text", "note"):
                return _queue(refused.status, problem=refused.message)
            form[refused.field].errors = [refused.message]
        else:
            db.session.commit()
            flash(f"Review {review_id} edited and published. Its author reads your note.",
                  "success")
            return redirect(url_for(".queue"))
    g.failed_edit = (review_id, form)
    return _queue(400, failed_id=review_id)


def _moderators_page(form: AppointForm, status: int = 200):
    return render_template("reviews/moderators.html", form=form, remove_form=RemoveForm(),
                           moderators=moderators.moderators(),
                           link_days=moderators.WELCOME_LINK_DAYS), status


@blueprint.route("/moderation/moderators", methods=["GET", "POST"])
@commissioners_only
def appoint():
    form = AppointForm()
    if not form.validate_on_submit():
        return _moderators_page(form, 400 if form.is_submitted() else 200)
    try:
        person = moderators.appoint(current_user, email=form.email.data,
                                    display_name=form.display_name.data)
    except DomainError as refused:
        db.session.rollback()
        form[refused.field if refused.field in form._fields else "email"].errors = [
            refused.message]
        return _moderators_page(form, 400)
    db.session.commit()
    flash(f"{person.display_name} is appointed. We emailed {person.email} a link to choose a "
          "password.", "success")
    return redirect(url_for(".appoint"))


@blueprint.route("/moderation/moderators/<int:user_id>/remove", methods=["POST"])
@commissioners_only
def remove(user_id: int):
    if not RemoveForm().validate_on_submit():
        flash("Please try again: the form had expired.", "error")
        return redirect(url_for(".appoint"))
    person = moderators.remove(user_id)
    db.session.commit()
    flash(f"{person.display_name} is no longer a moderator and has been logged out.", "success")
    return redirect(url_for(".appoint"))


@blueprint.route("/moderation/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    person = moderators.welcomed(token)
    form = FirstPasswordForm()
    if not form.validate_on_submit():
        return render_template("reviews/moderator_welcome.html", form=form, person=person), (
            400 if form.is_submitted() else 200)
    moderators.set_first_password(token, form.password.data)
    db.session.commit()
    flash("Your password is set. Log in with your email address and it.", "success")
    return redirect(url_for("accounts.login"))

"""Supporter pages: a holder's list of supporters (invite, revoke), the acceptance link, and a
supporter's "People I support". The rules live in accounts.supporters; these routes parse,
call one function, commit once and respond. Sending invitations (each emails someone) is
limited by SUPPORTER_INVITE_RATE_LIMIT, per person and per address; only invitations sent count.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Email, Length

from marketplace.accounts import supporters
from marketplace.accounts.models import SUPPORTER_SCOPES
from marketplace.errors import DomainError
from marketplace.extensions import configured_limit, db, limiter
from marketplace.forms import CheckboxesField, Required

blueprint = Blueprint("supporters", __name__)

SCOPE_HINTS = {
    "view": "They can look at your budget, your statement, your plan and your orders. "
    "They cannot change anything.",
    "plan": "They can write and change your support plan and its outcomes with you. "
    "This includes seeing your budget and plan.",
    "buy": "They can order and pay for support from your budget for you. This includes seeing "
    "your budget and plan.",
}


class InviteSupporterForm(FlaskForm):
    email = StringField(
        "Their email address",
        validators=[
            Required("Enter their email address"),
            Email(message="Enter an email address like name@example.org"),
            Length(max=254, message="Use 254 characters or fewer"),
        ],
    )
    relationship = StringField(
        "Who they are to you",
        validators=[Length(max=120, message="Use 120 characters or fewer")],
    )
    scopes = CheckboxesField(
        "What they may do for you",
        choices=SUPPORTER_SCOPES,
        validators=[Required("Choose at least one thing they may do")],
    )


def _holders_only():
    if current_user.role == "supporter":
        return redirect(url_for(".people"))
    if current_user.role != "holder":
        abort(403)
    return None


def _invitation_sent(response) -> bool:
    # Only invitations that went out count (they redirect back to this page); a form sent
    # back with a mistake, or a supporter sent to their own page, emails nobody.
    return response.status_code == 302 and urlsplit(response.location).path == url_for(".manage")


def _person_key() -> str:
    return f"user:{current_user.id}"


# Below login_required, so only a logged-in person's invitations are counted.
@blueprint.route("/supporters", methods=["GET", "POST"])
@login_required
@limiter.limit(configured_limit("SUPPORTER_INVITE_RATE_LIMIT"), methods=["POST"],
               key_func=_person_key, deduct_when=_invitation_sent)
@limiter.limit(configured_limit("SUPPORTER_INVITE_RATE_LIMIT"), methods=["POST"],
               deduct_when=_invitation_sent)
def manage():
    if redirect_to := _holders_only():
        return redirect_to
    form = InviteSupporterForm(data=None if request.method == "POST" else {"scopes": ["view"]})
    if form.validate_on_submit():
        try:
            grant, _ = supporters.invite_supporter(
                current_user,
                email=form.email.data,
                relationship=form.relationship.data or "",
                scopes=form.scopes.data,
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            flash(
                f"We have emailed an invitation to {grant.invite_email}. It works for "
                f"{supporters.INVITATION_DAYS} days.",
                "success",
            )
            return redirect(url_for(".manage"))
    status = 400 if form.is_submitted() and form.errors else 200
    return (
        render_template(
            "supporters/manage.html",
            form=form,
            grants=supporters.grants_for_holder(current_user),
            status_of=supporters.grant_status,
            scope_labels=supporters.scope_labels,
            scope_hints=SCOPE_HINTS,
            invitation_days=supporters.INVITATION_DAYS,
        ),
        status,
    )


@blueprint.route("/supporters/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke(grant_id: int):
    if redirect_to := _holders_only():
        return redirect_to
    grant = supporters.revoke_grant(current_user, grant_id)
    db.session.commit()
    who = grant.supporter.display_name if grant.supporter else grant.invite_email
    flash(f"{who} can no longer see or do anything for you.", "success")
    return redirect(url_for(".manage"))


@blueprint.route("/people")
@login_required
def people():
    if current_user.role == "holder":
        return redirect(url_for(".manage"))
    if current_user.role != "supporter":
        abort(403)
    return render_template(
        "supporters/people.html",
        grants=supporters.grants_for_supporter(current_user),
        scope_labels=supporters.scope_labels,
    )


@blueprint.route("/supporters/accept/<token>", methods=["GET", "POST"])
def accept(token: str):
    try:
        grant = supporters.invitation_for_token(token)
    except DomainError as error:
        return _accept_problem(error)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        try:
            supporters.accept_invitation(token, current_user)
        except DomainError as error:
            return _accept_problem(error)
        db.session.commit()
        flash(f"You are now a supporter of {grant.holder.display_name}.", "success")
        return redirect(url_for(".people"))
    return render_template(
        "supporters/accept.html",
        grant=grant,
        scope_labels=supporters.scope_labels,
        next_path=request.path,
    )


def _accept_problem(error: DomainError):
    return render_template("supporters/accept_problem.html", message=error.message), error.status

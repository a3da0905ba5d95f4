"""/account: a person's own account: change password, change email address (confirmed from
the new address first, accounts.email_verification), a budget holder's home area and
interests (which pools are open to them), see where they are signed in and end those sessions
(one, or every device), and a link to their API tokens.

Only ever the signed-in person's own account; ending a session that is not theirs is a 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from marketplace.accounts import email_verification, home_area, services, sessions
from marketplace.accounts.forms import ChangeEmailForm, ChangePasswordForm, HomeAreaForm
from marketplace.accounts.link_routes import person_key
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import configured_limit, db, limiter

blueprint = Blueprint("account", __name__, url_prefix="/account")


def _area_form() -> HomeAreaForm | None:
    if current_user.role != "holder":
        return None
    form = HomeAreaForm(formdata=None)
    form.local_authority.data = current_user.home_authority
    form.postcode_district.data = current_user.home_district
    form.interests.data = list(current_user.interests or [])
    return form


def _page(password_form: ChangePasswordForm, status: int = 200, area_form=None,
          email_form: ChangeEmailForm | None = None):
    token = session.get(sessions.SESSION_KEY)
    live = sessions.live_sessions(current_user)
    return render_template(
        "accounts/account.html", password_form=password_form, form=FlaskForm(),
        area_form=area_form or _area_form(), home_area=home_area.describe(current_user),
        live_sessions=[(row, sessions.is_current(row, token)) for row in live],
        email_form=email_form or ChangeEmailForm(formdata=None),
        pending_email=email_verification.pending_change(current_user),
    ), status


@blueprint.route("")
@login_required
def account():
    return _page(ChangePasswordForm())


@blueprint.route("/area", methods=["POST"])
@login_required
def change_area():
    if current_user.role != "holder":
        raise NotFound("We could not find that page.")
    form = HomeAreaForm()
    if form.validate_on_submit():
        try:
            home_area.set_home_area(
                current_user, local_authority=form.local_authority.data,
                postcode_district=form.postcode_district.data, interests=form.interests.data)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "local_authority").errors.append(error.message)
        else:
            db.session.commit()
            where = home_area.describe(current_user)
            flash(f"Your area is saved: {where}. Pools near you are on your Pools page."
                  if where else "Your area is cleared.", "success")
            return redirect(url_for(".account"))
    return _page(ChangePasswordForm(formdata=None), 400, area_form=form)


@blueprint.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = services.change_password(
                current_user, current_password=form.current_password.data,
                new_password=form.new_password.data,
                keep_session_token=session.get(sessions.SESSION_KEY),
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "current_password").errors.append(error.message)
        else:
            db.session.commit()
            others = f" You were logged out on {ended} other device{'s' if ended != 1 else ''}." \
                if ended else ""
            flash("Your password is changed." + others, "success")
            return redirect(url_for(".account"))
    return _page(form, 400)


# Each request emails two addresses, so it counts against the same limit as "Send the link
# again", per person and per address (below login_required, so the person is known).
@blueprint.route("/email", methods=["POST"])
@login_required
@limiter.limit(configured_limit("CONFIRMATION_EMAIL_RATE_LIMIT"), key_func=person_key)
@limiter.limit(configured_limit("CONFIRMATION_EMAIL_RATE_LIMIT"))
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            email_verification.request_email_change(
                current_user, current_password=form.email_password.data,
                new_email=form.new_email.data)
        except DomainError as error:
            db.session.rollback()
            field = {"current_password": "email_password"}.get(error.field, error.field)
            getattr(form, field or "new_email").errors.append(error.message)
        else:
            db.session.commit()
            flash(f"We have sent a link to {form.new_email.data.strip().lower()}. Your address "
                  "changes when you open it. Until then your account keeps "
                  f"{current_user.email}.", "success")
            return redirect(url_for(".account"))
    return _page(ChangePasswordForm(formdata=None), 400, email_form=form)


@blueprint.route("/email/cancel", methods=["POST"])
@login_required
def cancel_email_change():
    if not FlaskForm().validate_on_submit():
        flash("This form has expired. Please try again.", "error")
    elif email_verification.cancel_email_change(current_user):
        db.session.commit()
        flash(f"Your account keeps {current_user.email}. The link we sent to the new address "
              "no longer works.", "success")
    return redirect(url_for(".account"))


@blueprint.route("/sessions/end-all", methods=["POST"])
@login_required
def end_all_sessions():
    if not FlaskForm().validate_on_submit():
        flash("This form has expired. Please try again.", "error")
        return redirect(url_for(".account"))
    sessions.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out on every device, including this one.", "success")
    return redirect(url_for("accounts.login"))


@blueprint.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    if not FlaskForm().validate_on_submit():
        flash("This form has expired. Please try again.", "error")
        return redirect(url_for(".account"))
    if not sessions.end_sessions(current_user, session_id=session_id):
        raise NotFound("We could not find that session.")
    db.session.commit()
    if sessions.live_session(current_user.id, session.get(sessions.SESSION_KEY)) is None:
        logout_user()  # they ended the session they are using
        session.clear()
        flash("You are logged out on this device.", "success")
        return redirect(url_for("accounts.login"))
    flash("That device is logged out.", "success")
    return redirect(url_for(".account"))

"""/account: a person's own account: change password, a budget holder's home area and
interests (which pools are open to them), see where they are signed in and end those sessions
(one, or every device), and a link to their API tokens.

Only ever the signed-in person's own account; ending a session that is not theirs is a 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from marketplace.accounts import home_area, services, sessions
from marketplace.accounts.forms import ChangePasswordForm, HomeAreaForm
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db

blueprint = Blueprint("account", __name__, url_prefix="/account")


def _area_form() -> HomeAreaForm | None:
    if current_user.role != "holder":
        return None
    form = HomeAreaForm(formdata=None)
    form.local_authority.data = current_user.home_authority
    form.postcode_district.data = current_user.home_district
    form.interests.data = list(current_user.interests or [])
    return form


def _page(password_form: ChangePasswordForm, status: int = 200, area_form=None):
    token = session.get(sessions.SESSION_KEY)
    live = sessions.live_sessions(current_user)
    return render_template(
        "accounts/account.html", password_form=password_form, form=FlaskForm(),
        area_form=area_form or _area_form(), home_area=home_area.describe(current_user),
        live_sessions=[(row, sessions.is_current(row, token)) for row in live],
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

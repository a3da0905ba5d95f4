"""Pages reached from links sent by email: "Forgotten your password?" and the reset link, and
confirming an email address (with "Send the link again").

The forgot page gives one answer whatever was typed, and both it and "Send the link again" are
rate-limited, as each may send an email. Link pages are never cached, and their secret stays
in the path only (the Referrer-Policy keeps it from other sites).
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.accounts import email_verification, password_reset
from marketplace.accounts.email_links import LinkNotUsable
from marketplace.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from marketplace.accounts.routes import home_for, sign_in
from marketplace.errors import DomainError
from marketplace.extensions import configured_limit, db, limiter
from marketplace.security import safe_redirect_path

blueprint = Blueprint("links", __name__)

#: The one answer to "Forgotten your password?", whether or not the address has an account.
CHECK_YOUR_EMAIL = ("If an account uses {email}, we have sent it a link to choose a new "
                    "password. The link works once, for {lifetime}. If nothing arrives in a few "
                    "minutes, look in your junk or spam folder, or check the address and try "
                    "again.")


def _never_cached(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()


def person_key() -> str:
    """Rate-limit key for a logged-in person, wherever they connect from."""
    return f"user:{current_user.id}"


@blueprint.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(configured_limit("PASSWORD_RESET_RATE_LIMIT"), methods=["POST"])
@limiter.limit(configured_limit("PASSWORD_RESET_RATE_LIMIT"), methods=["POST"],
               key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_password.html", form=form, sent=CHECK_YOUR_EMAIL
                               .format(email=form.email.data.strip(),
                                       lifetime=password_reset.lifetime_words()))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("accounts/forgot_password.html", form=form, sent=None), status


def _link_refused(refused: DomainError, template: str):
    heading = ("This link has expired" if isinstance(refused, LinkNotUsable)
               else "We could not change your email address")
    return _never_cached((render_template(template, refused=refused.message, heading=heading),
                          refused.status))


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        password_reset.reset_link(token)
    except LinkNotUsable as refused:
        return _link_refused(refused, "accounts/reset_password.html")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_reset.reset_password(token, form.new_password.data)
        except LinkNotUsable as refused:  # used by another click a moment ago
            db.session.rollback()
            return _link_refused(refused, "accounts/reset_password.html")
        db.session.commit()
        sign_in(user)  # a fresh session: every earlier one has ended
        flash("Your password is changed. You are logged in here and logged out on every "
              "other device.", "success")
        return redirect(home_for(user))
    status = 400 if form.is_submitted() and form.errors else 200
    return _never_cached((render_template("accounts/reset_password.html", form=form,
                                          refused=None, lifetime=password_reset.lifetime_words()),
                          status))


@blueprint.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """A button, not the link itself, confirms: mail scanners that open every link in a
    message must not use it up."""
    try:
        link = email_verification.confirmation_link(token)
    except LinkNotUsable as refused:
        return _link_refused(refused, "accounts/confirm_email.html")
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            used = email_verification.confirm_email(token)
        except DomainError as refused:
            db.session.rollback()
            return _link_refused(refused, "accounts/confirm_email.html")
        db.session.commit()
        changed = used.purpose == "change_email"
        flash(f"Your email address is now {used.email}." if changed
              else "Thank you: your email address is confirmed.", "success")
        if current_user.is_authenticated and current_user.id == used.user_id:
            return redirect(url_for("account.account"))
        if current_user.is_authenticated:
            return redirect(home_for(current_user))
        flash(f"Log in with {used.email} to carry on.", "success")
        return redirect(url_for("accounts.login"))
    return _never_cached(render_template("accounts/confirm_email.html", form=form, link=link,
                                         refused=None))


# Below login_required, so each person's own sends are counted, as well as each address's.
@blueprint.route("/account/confirm-email", methods=["POST"])
@login_required
@limiter.limit(configured_limit("CONFIRMATION_EMAIL_RATE_LIMIT"), key_func=person_key)
@limiter.limit(configured_limit("CONFIRMATION_EMAIL_RATE_LIMIT"))
def resend():
    back = safe_redirect_path(request.form.get("next")) or url_for("account.account")
    if not FlaskForm().validate_on_submit():
        flash("This form has expired. Please try again.", "error")
        return redirect(back)
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "success")
        return redirect(back)
    email_verification.send_verification_link(current_user)
    db.session.commit()
    flash(f"We have sent a new link to {current_user.email}. It may take a few minutes to "
          "arrive.", "success")
    return redirect(back)

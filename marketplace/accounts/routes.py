from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from marketplace.accounts import services
from marketplace.accounts.forms import LoginForm, RegistrationForm
from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import configured_limit, db, limiter, login_manager

blueprint = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "error"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot send someone elsewhere after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home_for(user: User) -> str:
    homes = {
        "provider": "providers.dashboard",
        "holder": "budgets.my_budget",
        "supporter": "supporters.people",
        "commissioner": "commissioning.overview",
    }
    return url_for(homes.get(user.role, "pages.home"))


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                role=form.role.data,
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)
            flash("Your account is ready.", "success")
            if user.role == "provider":
                return redirect(url_for("providers.edit_profile"))
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("accounts/register.html", form=form), status


def _login_email_key() -> str:
    return (request.form.get("email") or "").strip().lower()


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(
                "The email address or password is not right. Check them and try again."
            )
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template("accounts/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You have logged out.", "success")
    return redirect(url_for("pages.home"))

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from marketplace.accounts import email_verification, services, sessions
from marketplace.accounts.forms import LoginForm, RegistrationForm
from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import configured_limit, db, limiter, login_manager
from marketplace.security import safe_redirect_path

blueprint = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "error"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in person, only while their server-side session is live (see sessions)."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None
    row = sessions.live_session(user.id, session.get(sessions.SESSION_KEY)) if user else None
    if row is None:
        return None
    sessions.touch(row)
    return user


def sign_in(user: User) -> None:
    """Start a server-side session for user and put its id in a fresh cookie session."""
    session.clear()
    session[sessions.SESSION_KEY] = sessions.start_session(user, request.user_agent.string)
    db.session.commit()
    login_user(user)


def home_for(user: User) -> str:
    homes = {
        "provider": "providers.dashboard",
        "holder": "budgets.my_budget",
        "supporter": "supporters.people",
        "commissioner": "commissioning.overview",
        "moderator": "moderation.queue",
    }
    return url_for(homes.get(user.role, "pages.home"))


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
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
            email_verification.send_verification_link(user)
            db.session.commit()
            sign_in(user)
            flash(f"Your account is ready. We have sent a link to {user.email}: open it to "
                  "confirm your email address.", "success")
            if user.role == "provider":
                return redirect(url_for("providers.edit_profile"))
            return redirect(safe_redirect_path(request.args.get("next")) or url_for("pages.home"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("accounts/register.html", form=form), status


def _login_email_key() -> str:
    return (request.form.get("email") or "").strip().lower()


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(
                "The email address or password is not right. Check them and try again."
            )
        else:
            sign_in(user)
            return redirect(safe_redirect_path(request.args.get("next")) or home_for(user))
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template("accounts/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    sessions.end_session(session.get(sessions.SESSION_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have logged out.", "success")
    return redirect(url_for("pages.home"))

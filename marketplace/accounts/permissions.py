"""Role checks for views, and the one check that a person has confirmed their email address.
Object-level checks live beside the objects' services."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, render_template
from flask_login import current_user, login_required

from marketplace.errors import Forbidden, wants_json

#: What waits for a confirmed address, in the words the pages and the API use.
GATED_ACTIONS = "buy, pledge to a pool, list a service, write a review or send messages"


class EmailNotVerified(Forbidden):
    code = "email_not_verified"


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def not_verified_message(user) -> str:
    return (f"Confirm your email address first: open the link we sent to {user.email}. "
            f"Until then you can look around, but not {GATED_ACTIONS}.")


def require_verified_email(user) -> None:
    """EmailNotVerified (403) unless the person has confirmed their address."""
    if user is not None and user.must_confirm_email:
        raise EmailNotVerified(not_verified_message(user))


def verified_email_required(view):
    """Refuse a person who has not confirmed their email address: a page saying so with a
    "Send the link again" button, or (on /api/v1) a 403 whose JSON error says so.

    Pages: put it below login_required (or a role check), so a visitor is asked to log in
    first. API: put it below token_required, which names the person (g.api_user)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if wants_json():
            if "api_user" not in g:  # above token_required it would let everyone through
                raise RuntimeError("verified_email_required must sit below token_required")
            require_verified_email(g.api_user)
        elif current_user.is_authenticated and current_user.must_confirm_email:
            return render_template("accounts/confirm_email_first.html",
                                   message=not_verified_message(current_user)), 403
        return view(*args, **kwargs)

    return wrapped

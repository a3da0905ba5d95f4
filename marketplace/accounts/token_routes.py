"""/account/tokens: a person's personal access tokens for the API: list, create, revoke.

The rules live in marketplace.api.auth. A new token's secret appears once, in the response to
the form that made it (never in a redirect, the session or a flash message), and that response
is never cached. Revoking works at once.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from marketplace.accounts.models import API_TOKEN_SCOPES
from marketplace.api import auth
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import CheckboxesField, Required

blueprint = Blueprint("tokens", __name__)

SCOPE_HINTS = {
    "read": "See your budgets, statements and orders (and those of people you support).",
    "order": "Place orders and approve, accept, cancel or confirm them, as your account "
             "allows. This includes reading.",
}


class CreateTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[Required("Give the token a name, so you know what uses it"),
                    Length(max=auth.MAX_NAME_LENGTH,
                           message=f"Use {auth.MAX_NAME_LENGTH} characters or fewer")],
    )
    scopes = CheckboxesField("What the token may do", choices=API_TOKEN_SCOPES,
                             validators=[Required("Choose what the token may do")])


def _page(form: CreateTokenForm, *, status: int = 200, new_token=None, secret: str | None = None):
    response = make_response(render_template(
        "accounts/tokens.html", form=form, tokens=auth.tokens_for(current_user),
        scope_labels=dict(API_TOKEN_SCOPES), scope_hints=SCOPE_HINTS, new_token=new_token,
        secret=secret, openapi_url=url_for("api.openapi"),
    ), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = CreateTokenForm()
    if form.validate_on_submit():
        try:
            token, secret = auth.create_token(current_user, form.name.data, form.scopes.data)
        except DomainError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            db.session.commit()
            return _page(CreateTokenForm(formdata=None), new_token=token,
                         secret=secret)
    status = 400 if form.is_submitted() and form.errors else 200
    return _page(form, status=status)


@blueprint.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = auth.revoke_token(current_user, token_id)
    db.session.commit()
    flash(f"The token “{token.name}” no longer works. Anything using it will be refused.",
          "success")
    return redirect(url_for(".tokens"))

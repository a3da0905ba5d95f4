"""/account/close: a person closes their own account (accounts/closure.py), and
/account/closed: what they read afterwards.

The page says what is deleted, what the council keeps and why, and lists what is still open
with links to settle each; only when nothing is open does it offer the form (password, and
whether to withdraw published reviews too). Only ever the signed-in person's own account.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from marketplace.accounts import closure
from marketplace.accounts.open_items import open_items
from marketplace.budgets.models import Budget
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.providers.closure import is_sole_trader
from marketplace.reviews.closure import published_count

blueprint = Blueprint("closure", __name__, url_prefix="/account")


class CloseAccountForm(FlaskForm):
    password = PasswordField("Your password",
                             validators=[DataRequired("Enter your password")])
    withdraw_reviews = BooleanField("Withdraw my published reviews too")


def _money_left() -> int:
    budgets = db.session.scalars(sa.select(Budget.id).where(Budget.holder_id == current_user.id))
    return sum(ledger.budget_balances(budget_id).available_pence for budget_id in budgets)


def _page(form: CloseAccountForm, status: int = 200, problem: str | None = None):
    person = current_user
    provider = person.provider if person.role == "provider" else None
    return render_template(
        "accounts/close.html", form=form, problem=problem,
        may_close=closure.may_close(person),
        open_items=open_items(person) if closure.may_close(person) else [],
        published_reviews=published_count(person) if person.role == "holder" else 0,
        money_left=_money_left() if person.role == "holder" else 0,
        provider=provider, sole_trader=provider is not None and is_sole_trader(provider),
    ), status


@blueprint.route("/close", methods=["GET", "POST"])
@login_required
def close():
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    try:
        closure.close_account(current_user._get_current_object(), password=form.password.data,
                                       withdraw_reviews=form.withdraw_reviews.data)
    except closure.AccountHasOpenItems as error:
        db.session.rollback()
        return _page(CloseAccountForm(formdata=None), error.status, problem=error.message)
    except DomainError as error:
        db.session.rollback()
        if error.field != "password":
            return _page(CloseAccountForm(formdata=None), error.status, problem=error.message)
        form.password.errors.append(error.message)
        return _page(form, 400)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Your account is closed.", "success")
    return redirect(url_for(".closed"))


@blueprint.route("/closed")
def closed():
    return render_template("accounts/closed.html")

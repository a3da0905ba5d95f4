"""Pages for staff of a managed-account organisation: /managed (approvals and disputes),
/managed/accounts (the budgets it holds) and /managed/settings. The approve, refuse and settle
buttons post to the order action route (orders.act), which checks membership again.

Only role account_manager (others 403); a member of staff with no organisation gets a 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.managed import services
from marketplace.managed.forms import SettingsForm
from marketplace.orders import queries
from marketplace.orders.action_wording import ACTIONS

blueprint = Blueprint("managed", __name__, url_prefix="/managed")
staff_only = role_required("account_manager")


@blueprint.route("")
@staff_only
def overview():
    organisation = services.organisation_for_staff(current_user)
    return render_template(
        "managed/overview.html", organisation=organisation,
        queue=services.approval_queue(organisation), disputes=services.disputes(organisation),
        recent=services.recent_orders(organisation), state_label=queries.order_state_label,
        actions=ACTIONS,
    )


@blueprint.route("/accounts")
@staff_only
def accounts():
    organisation = services.organisation_for_staff(current_user)
    return render_template("managed/accounts.html", organisation=organisation,
                           accounts=services.held_accounts(organisation))


@blueprint.route("/settings", methods=["GET", "POST"])
@staff_only
def settings():
    organisation = services.organisation_for_staff(current_user)
    initial = SettingsForm.initial(organisation) if request.method == "GET" else None
    form = SettingsForm(data=initial)
    if form.validate_on_submit():
        try:
            services.update_settings(organisation, auto_approve_limit_pence=form.limit_pence,
                                     auto_confirm_days=form.auto_confirm_days.number)
        except DomainError as refused:
            db.session.rollback()
            getattr(form, refused.field).errors.append(refused.message)
        else:
            db.session.commit()
            flash("Your settings are saved.", "success")
            return redirect(url_for(".overview"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("managed/settings.html", organisation=organisation, form=form), status

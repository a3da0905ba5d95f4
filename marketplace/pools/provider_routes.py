"""The provider's side of pools: accept, decline or mark delivered a whole group purchase
from the provider's orders page (templates/pools/_provider_groups.html)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders.forms import OrderActionForm
from marketplace.pools import provider_view

blueprint = Blueprint("pool_provider", __name__)
blueprint.add_app_template_global(provider_view.person_name, "order_person_name")
blueprint.add_app_template_global(provider_view.group_purchases, "group_purchases")
blueprint.add_app_template_global(provider_view.member_of, "pool_member_of")

DONE = {"accept": "You accepted the group purchase {title}.",
        "decline": "You declined the group purchase {title}. Everyone's money is back.",
        "deliver": "The group purchase {title} is marked as delivered. Each member will be "
                   "asked to confirm it."}


@blueprint.route("/provider/pools/<int:pool_id>/<action>", methods=["POST"])
@role_required("provider")
def act(pool_id: int, action: str):
    form = OrderActionForm()
    if not form.validate_on_submit():
        flash("Something went wrong with the form. Please try again.", "error")
        return redirect(url_for("orders.provider_orders"))
    group = provider_view.group_for(current_user, pool_id)
    try:
        provider_view.act_on_group(current_user, pool_id, action, (form.note.data or "").strip())
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("orders.provider_orders"))
    db.session.commit()
    flash(DONE[action].format(title=group.pool.title), "success")
    return redirect(url_for("orders.provider_orders"))

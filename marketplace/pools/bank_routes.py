"""The bank's 3-D Secure check while a pool member's card is saved (docs/pools.md, "Cards"):
the page that sends the person to their bank (real Stripe: a plain link, no JavaScript) or
shows the test bank (local test server), and the page the bank sends them back to.

Only the member, or someone who may buy for them, reaches these pages; others get 404."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.card_forms import AuthenticationForm
from marketplace.pools import access, cards
from marketplace.pools.routes import _my_member, blueprint, buyers_only


def _member():
    pool = access.pool_for(current_user, request.view_args["pool_id"])
    return pool, _my_member(pool, request.values.get("member_id"))


def _after(pool, member, answer):
    """Keep the card if the bank said yes, and say what happened either way."""
    try:
        cards.finish_bank_check(current_user, member.id, test_bank_says=answer)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("pools.card", pool_id=pool.id, member_id=member.id))
    db.session.commit()
    flash("Your bank confirmed the card. " + (
        "Your share is paid." if member.state in ("secured", "paid") else
        "It is saved, and nothing is taken unless the whole group goes ahead."), "success")
    return redirect(url_for("pools.pool_page", pool_id=pool.id))


@blueprint.route("/pools/<int:pool_id>/card/bank", methods=["GET", "POST"])
@login_required
@buyers_only
def bank_check(pool_id: int):
    pool, member = _member()
    if not cards.waiting_for_bank(member):
        return redirect(url_for("pools.pool_page", pool_id=pool.id))
    local = gateway.uses_local_test_server()
    form = AuthenticationForm()
    form.confirm.label.text = "Confirm it is me"
    form.refuse.label.text = "Do not confirm"
    if request.method == "POST" and local and form.validate_on_submit():
        return _after(pool, member, bool(form.confirm.data))
    return render_template("pools/bank_check.html", pool=pool, member=member, form=form,
                           local=local, bank_url=cards.bank_page_url(member))


@blueprint.route("/pools/<int:pool_id>/card/return")
@login_required
@buyers_only
def bank_return(pool_id: int):
    """Where the bank sends the person back (real Stripe)."""
    pool, member = _member()
    if not member.setup_intent_id:
        return redirect(url_for("pools.pool_page", pool_id=pool.id))
    return _after(pool, member, None)

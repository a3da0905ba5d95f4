"""Review pages: writing, editing and withdrawing the review of an order.

Access: reviews.services.reviewable_order, so only the order's holder (or a supporter with the
'plan' scope) reaches the form, and only once the order is confirmed; anyone else gets 404.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.accounts.permissions import verified_email_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders.outcome_privacy import outcome_for
from marketplace.reviews import moderation, services
from marketplace.reviews.detectors import SAFEGUARDING_HELP
from marketplace.reviews.forms import ReviewForm, WithdrawForm
from marketplace.times import format_date

blueprint = Blueprint("reviews", __name__)
blueprint.add_app_template_global(services.may_review, "may_review")


def _form_page(order, form, *, status: int = 200, safeguarding: bool = False, problem: str = ""):
    review = services.review_of(order.id)
    return render_template(
        "reviews/review_form.html", order=order, form=form, review=review,
        outcome=outcome_for(current_user, order),
        few_clients=services.provider_has_few_clients(order.provider_id),
        on_behalf=current_user.id != order.holder_id,
        withdraw_form=WithdrawForm(),
        decision=moderation.last_decision(review) if review else None,
        safeguarding_help=SAFEGUARDING_HELP if safeguarding else "",
        problem=problem,
    ), status


@blueprint.route("/orders/<int:order_id>/review", methods=["GET", "POST"])
@login_required
@verified_email_required
def review_form(order_id: int):
    order = services.reviewable_order(current_user, order_id)
    review = services.review_of(order.id)
    form = ReviewForm(obj=None)
    if not form.is_submitted() and review is not None:
        form.stars.data, form.helped.data = str(review.stars), review.helped
        form.text.data, form.shown_as.data = review.text, review.shown_as
    if not form.validate_on_submit():
        return _form_page(order, form, status=400 if form.is_submitted() else 200)
    try:
        outcome = services.submit_review(current_user, order, form.details())
    except DomainError as refused:
        db.session.rollback()
        return _form_page(order, form, status=refused.status, problem=refused.message)
    db.session.commit()
    if outcome.show_safeguarding_help:
        # Shown on this page at once, not after a redirect the person might not read.
        return _form_page(order, form, safeguarding=True)
    if outcome.review.on_short_hold:
        flash(f"Thank you. Your review will show on the service's page on "
              f"{format_date(outcome.review.hold_until)}. We hold 1 and 2 star reviews for a "
              "few days so the provider can reply first; their reply will show with yours.",
              "success")
    elif outcome.review.state == "held":
        flash("Thank you. Your review is waiting for a person to check it before it shows.",
              "success")
    else:
        flash("Thank you. Your review now shows on the service's page.", "success")
    return redirect(url_for(".review_form", order_id=order.id))


@blueprint.route("/orders/<int:order_id>/review/withdraw", methods=["POST"])
@login_required
def withdraw(order_id: int):
    order = services.reviewable_order(current_user, order_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _form_page(order, ReviewForm(formdata=None), status=400,
                          problem="Please try again: the form had expired.")
    try:
        services.withdraw_review(order)
    except DomainError as refused:
        db.session.rollback()
        return _form_page(order, ReviewForm(formdata=None), status=refused.status,
                          problem=refused.message)
    db.session.commit()
    flash("Your review is withdrawn. It no longer shows or counts in the rating.", "success")
    return redirect(url_for("orders.order_detail", order_id=order.id))


# Replies and reports add their pages to this blueprint (imported last: they use it).
from marketplace.reviews import reply_routes  # noqa: E402,F401

"""The moderators' queue (/moderation): held reviews with the detectors' reasons, published
or rejected by a person. Moderators only (commissioners and appointed moderators); everyone
else 403. The appointed moderators' pages and the edit are in moderator_routes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.reviews import moderation
from marketplace.reviews.forms import ModerationForm

blueprint = Blueprint("moderation", __name__)
moderators_only = role_required(*moderation.MODERATOR_ROLES)


def _queue(status: int = 200, *, failed_id: int | None = None, failed_form=None,
           problem: str = "", **parts):
    """``parts``: what the queue's other sections (queue_routes.py) need after a refusal."""
    return render_template("reviews/moderation.html", reviews=moderation.held_reviews(),
                           form=ModerationForm(formdata=None), failed_id=failed_id,
                           failed_form=failed_form, problem=problem, **parts), status


@blueprint.route("/moderation")
@moderators_only
def queue():
    return _queue()


@blueprint.route("/moderation/reviews/<int:review_id>/<any(publish, reject):decision>",
                 methods=["POST"])
@moderators_only
def decide(review_id: int, decision: str):
    form = ModerationForm()
    if not form.validate_on_submit():
        return _queue(400, failed_id=review_id, failed_form=form)
    try:
        if decision == "publish":
            moderation.publish(current_user, review_id, form.reason.data or "")
        else:
            moderation.reject(current_user, review_id, form.reason.data or "")
    except DomainError as refused:
        db.session.rollback()
        if refused.field == "reason":
            form.reason.errors = [refused.message]
            return _queue(400, failed_id=review_id, failed_form=form)
        return _queue(refused.status, problem=refused.message)
    db.session.commit()
    flash(f"Review {review_id} {'published' if decision == 'publish' else 'rejected'}.",
          "success")
    return redirect(url_for(".queue"))


# Held replies and reported reviews add their decisions to this blueprint.
from marketplace.reviews import queue_routes  # noqa: E402,F401
# Registers the appointed moderators' pages and the edit on this blueprint.
from marketplace.reviews import moderator_routes  # noqa: E402,F401

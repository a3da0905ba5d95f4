"""The moderators' queue, its other sections: providers' replies held by the detectors
(publish or reject) and published reviews someone reported (keep or remove). Moderators only;
the rules are in replies.py and reports.py."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.reviews import replies, reports
from marketplace.reviews.forms import ModerationForm
from marketplace.reviews.moderation_routes import _queue, blueprint, moderators_only

blueprint.add_app_template_global(replies.held_replies, "held_replies")
blueprint.add_app_template_global(reports.reported_reviews, "reported_reviews")
blueprint.add_app_template_global(reports.REASON_LABELS, "report_reason_labels")


def _decide(decide, item_id: int, decision: str, failed: str, done: str):
    form = ModerationForm()
    if not form.validate_on_submit():
        return _queue(400, failed_form=form, **{failed: item_id})
    try:
        decide(current_user, item_id, decision, form.reason.data or "")
    except DomainError as refused:
        db.session.rollback()
        if refused.field == "reason":
            form.reason.errors = [refused.message]
            return _queue(400, failed_form=form, **{failed: item_id})
        return _queue(refused.status, problem=refused.message)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".queue"))


@blueprint.route("/moderation/replies/<int:reply_id>/<any(publish, reject):decision>",
                 methods=["POST"])
@moderators_only
def decide_reply(reply_id: int, decision: str):
    return _decide(replies.decide_reply, reply_id, decision, "failed_reply_id",
                   f"Reply {reply_id} {'published' if decision == 'publish' else 'rejected'}.")


@blueprint.route("/moderation/reported/<int:review_id>/<any(keep, remove):decision>",
                 methods=["POST"])
@moderators_only
def decide_report(review_id: int, decision: str):
    return _decide(reports.decide, review_id, decision, "failed_report_id",
                   f"Review {review_id} {'kept' if decision == 'keep' else 'removed'}.")

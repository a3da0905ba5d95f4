"""Provider replies and reports, as pages: /provider/reviews (a provider's reviews, its reply
rate, the reports on them and a reply form under each) and /reviews/<id>/report (anyone logged
in). The rules live in replies.py and reports.py, shared with the API."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.reviews import replies, reports
from marketplace.reviews.forms import ReplyForm, ReportForm
from marketplace.reviews.routes import blueprint

blueprint.add_app_template_global(replies.shown_reply, "shown_reply")
blueprint.add_app_template_global(reports.has_reported, "has_reported_review")
provider_only = role_required("provider")


def reply_form(review_id: int, **options) -> ReplyForm:
    """One form per review on the page, so each field has its own id."""
    return ReplyForm(prefix=f"reply{review_id}", **options)


def _reviews_page(status: int = 200, *, failed_id: int | None = None, failed_form=None):
    found = replies.reviews_to_answer(current_user)
    forms = {}
    for review in found:
        if review.id == failed_id:
            forms[review.id] = failed_form
        else:
            forms[review.id] = reply_form(review.id, formdata=None,
                                          text=review.reply.text if review.reply else "")
    provider = replies.provider_of(current_user)
    return render_template(
        "reviews/provider_reviews.html", reviews=found, forms=forms,
        rate=replies.reply_rate(provider.id) if provider else None,
        reports=reports.reports_by_review(review.id for review in found),
        reason_labels=reports.REASON_LABELS, decision_of=replies.last_reply_decision,
        failed=failed_id is not None,
    ), status


@blueprint.route("/provider/reviews")
@provider_only
def provider_reviews():
    return _reviews_page()


@blueprint.route("/provider/reviews/<int:review_id>/reply", methods=["POST"])
@provider_only
def reply(review_id: int):
    replies.answerable_review(current_user, review_id)
    form = reply_form(review_id)
    if not form.validate_on_submit():
        return _reviews_page(400, failed_id=review_id, failed_form=form)
    try:
        written = replies.reply_to(current_user, review_id, form.text.data)
    except DomainError as refused:
        db.session.rollback()
        form.text.errors = [refused.message]
        return _reviews_page(refused.status, failed_id=review_id, failed_form=form)
    db.session.commit()
    if written.state == "held":
        flash("Thank you. Your reply is waiting for a person to check it before it shows.",
              "success")
    else:
        flash("Your reply now shows under the review.", "success")
    return redirect(url_for(".provider_reviews") + f"#review-{review_id}")


@blueprint.route("/reviews/<int:review_id>/report", methods=["GET", "POST"])
@login_required
def report(review_id: int):
    review = reports.reportable_review(review_id)
    form = ReportForm()
    already = reports.has_reported(current_user, review.id)
    if already or not form.validate_on_submit():
        status = 400 if form.is_submitted() and not already else 200
        return render_template("reviews/report_form.html", review=review, form=form,
                               already=already), (409 if already and form.is_submitted()
                                                  else status)
    try:
        reports.report(current_user, review.id, form.reason.data, form.words.data or "")
    except DomainError as refused:
        db.session.rollback()
        getattr(form, refused.field or "words").errors = [refused.message]
        return render_template("reviews/report_form.html", review=review, form=form,
                               already=False), refused.status
    db.session.commit()
    flash("Thank you. A moderator will look at this review. It keeps showing until they "
          "decide.", "success")
    return redirect(url_for("providers.service_detail", service_id=review.service_id)
                    + "#reviews")

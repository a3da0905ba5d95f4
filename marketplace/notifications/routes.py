"""The notifications page: what happened to a person's orders and account, newest first, with
the unread ones marked, and "mark all as read". Every signed-in person has one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.extensions import db
from marketplace.notifications import inbox
from marketplace.notifications.services import unread_count

blueprint = Blueprint("notifications", __name__)


@blueprint.route("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html",
        notifications=inbox.notifications_for(current_user),
        unread=unread_count(current_user),
        form=FlaskForm(),
    )


@blueprint.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("This form has expired. Please try again.", "error")
        return redirect(url_for(".index"))
    inbox.mark_all_read(current_user)
    db.session.commit()
    flash("All your notifications are marked as read.", "success")
    return redirect(url_for(".index"))

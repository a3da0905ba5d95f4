"""/account/data: ask for a copy of everything held about you, see how far it has got, and
download it while it lasts; /account/who-has-seen: a budget holder's list of when each
supporter (or staff of the organisation holding their managed account) looked at their plan,
budget or orders.

Only ever the signed-in person's own: a copy belongs to the person who asked for it, and any
other person (their supporters and commissioners included) gets a 404, the same as for a copy
that does not exist. The progress page never refreshes itself (a page that moves while it is
read fails WCAG 2.2.1): it has a "Check again" link, and the person is emailed when the copy
is ready.
"""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.datarights import exports, views_log
from marketplace.datarights.exports import ExportInHand
from marketplace.extensions import db
from marketplace.ids import query_int
from marketplace.times import utcnow

blueprint = Blueprint("datarights", __name__, url_prefix="/account")


def _data_page(problem: str = "", status: int = 200):
    latest = exports.exports_for(current_user)
    return render_template(
        "datarights/data.html", form=FlaskForm(), latest=latest,
        current=latest[0] if latest else None, problem=problem, now=utcnow(),
        size_words=size_words,
        keep_days=exports.ExportSettings.from_config(current_app.config).keep_days,
    ), status


def size_words(size: int | None) -> str:
    """2_300 -> '3 KB', 4_200_000 -> '4.2 MB': how big the download is, rounded up."""
    size = size or 0
    if size < 1_000_000:
        return f"{max(1, -(-size // 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


@blueprint.route("/data")
@login_required
def data():
    return _data_page()


@blueprint.route("/data", methods=["POST"])
@login_required
def ask_for_data():
    if not FlaskForm().validate_on_submit():
        return _data_page("This form has expired. Please press the button again.", 400)
    try:
        exports.request_export(current_user)
    except ExportInHand as already:
        db.session.rollback()
        return _data_page(already.message, already.status)
    db.session.commit()
    flash("We are preparing a copy of your data. It usually takes a few minutes; we will "
          "email you when it is ready.", "success")
    return redirect(url_for(".data"))


@blueprint.route("/data/<int:export_id>/download")
@login_required
def download(export_id: int):
    export, content = exports.downloadable(current_user, export_id)
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{exports.file_name(export)}"',
        # It holds the person's plan and money: no shared cache may keep a copy.
        "Cache-Control": "no-store, private",
    })


@blueprint.route("/who-has-seen")
@login_required
def who_has_seen():
    if current_user.role != "holder":
        abort(403)
    page = max(query_int("page", default=1), 1)
    total = views_log.count_views(current_user.id)
    return render_template(
        "datarights/who_has_seen.html", rows=views_log.views_for_holder(current_user.id, page=page),
        total=total, page=page, pages=max(1, -(-total // views_log.PER_PAGE)))

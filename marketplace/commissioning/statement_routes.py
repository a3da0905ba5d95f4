"""Market position statements: commissioners draft one for a period, edit and publish it
(/commissioning/statements); anyone reads the published ones (/market-position-statements),
also printed. Drafts are for commissioners only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning import statements
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.statement_forms import DraftForm, PublishForm, StatementForm
from marketplace.commissioning.statement_models import SECTIONS
from marketplace.errors import DomainError
from marketplace.extensions import db

public = Blueprint("statements", __name__)
#: How often the page of a draft being written looks again.
PROGRESS_REFRESH_SECONDS = 5


def _list_page(form, status: int = 200):
    return render_template("commissioning/statements/list.html", form=form,
                           drafts=statements.drafts(),
                           published=statements.published_statements()), status


@blueprint.route("/statements", methods=["GET", "POST"])
@commissioner_only
def statement_list():
    form = DraftForm()
    if not form.validate_on_submit():
        return _list_page(form, 400 if form.is_submitted() else 200)
    draft = statements.request_draft(current_user, form.start.data, form.end.data)
    db.session.commit()
    return redirect(url_for(".statement_progress", statement_id=draft.id))


@blueprint.route("/statements/<int:statement_id>/progress")
@commissioner_only
def statement_progress(statement_id: int):
    """While the worker writes the draft: says so, with a link to check again (or, if asked,
    looks again every few seconds by a meta refresh, so no JavaScript); once written, opens
    the editor; if it failed, says so with a button to ask again."""
    found = statements.statement(statement_id)
    if found.state not in ("preparing", "failed"):
        if found.state == "draft":
            flash("A draft is ready. Read it, change what you need, then publish it.",
                  "success")
        return redirect(url_for(".statement_edit", statement_id=found.id))
    # Still unless the person asks (?again=1) for it to look again by itself: a page that
    # reloads under a screen reader's user is a time limit (WCAG 2.2.1), and the data-export
    # page keeps still the same way.
    refreshing = found.state == "preparing" and bool(request.args.get("again"))
    return render_template("commissioning/statements/progress.html", statement=found,
                           form=PublishForm(), refreshing=refreshing,
                           refresh_seconds=PROGRESS_REFRESH_SECONDS)


@blueprint.route("/statements/<int:statement_id>/try-again", methods=["POST"])
@commissioner_only
def statement_try_again(statement_id: int):
    found = statements.statement(statement_id)
    if not PublishForm().validate_on_submit():
        flash("Please try again: the form had expired.", "error")
    elif found.state == "failed":
        statements.try_again(found)
        db.session.commit()
    return redirect(url_for(".statement_progress", statement_id=found.id))


@blueprint.route("/statements/<int:statement_id>", methods=["GET", "POST"])
@commissioner_only
def statement_edit(statement_id: int):
    found = statements.statement(statement_id)
    if found.state in ("preparing", "failed"):
        return redirect(url_for(".statement_progress", statement_id=found.id))
    form = StatementForm(obj=None)
    if not form.is_submitted():
        form.title.data = found.title
        for name, _ in SECTIONS:
            form[name].data = found.section(name)
    status = 200
    if form.validate_on_submit():
        try:
            statements.edit(found, form.title.data,
                            {name: form[name].data or "" for name, _ in SECTIONS})
        except DomainError as refused:
            db.session.rollback()
            if refused.field in form:
                form[refused.field].errors = [refused.message]
            else:
                flash(refused.message, "error")
            status = refused.status
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for(".statement_edit", statement_id=found.id))
    elif form.is_submitted():
        status = 400
    return render_template("commissioning/statements/edit.html", statement=found, form=form,
                           sections=SECTIONS, publish_form=PublishForm()), status


@blueprint.route("/statements/<int:statement_id>/publish", methods=["POST"])
@commissioner_only
def statement_publish(statement_id: int):
    found = statements.statement(statement_id)
    if not PublishForm().validate_on_submit():
        flash("Please try again: the form had expired.", "error")
        return redirect(url_for(".statement_edit", statement_id=found.id))
    try:
        statements.publish(found)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".statement_edit", statement_id=found.id))
    db.session.commit()
    flash("Published: anyone can now read it.", "success")
    return redirect(url_for("statements.public_statement", statement_id=found.id))


@public.route("/market-position-statements")
def public_list():
    return render_template("commissioning/statements/public_list.html",
                           published=statements.published_statements())


@public.route("/market-position-statements/<int:statement_id>")
def public_statement(statement_id: int):
    return render_template("commissioning/statements/public.html",
                           statement=statements.published(statement_id), sections=SECTIONS)

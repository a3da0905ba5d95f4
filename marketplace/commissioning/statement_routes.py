"""Market position statements: commissioners draft one for a period, edit and publish it
(/commissioning/statements); anyone reads the published ones (/market-position-statements),
also printed. Drafts are for commissioners only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.commissioning import statements
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.statement_forms import DraftForm, PublishForm, StatementForm
from marketplace.commissioning.statement_models import SECTIONS
from marketplace.errors import DomainError
from marketplace.extensions import db

public = Blueprint("statements", __name__)


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
    draft = statements.create_draft(current_user, form.start.data, form.end.data,
                                    current_rule())
    db.session.commit()
    flash("A draft is ready. Read it, change what you need, then publish it.", "success")
    return redirect(url_for(".statement_edit", statement_id=draft.id))


@blueprint.route("/statements/<int:statement_id>", methods=["GET", "POST"])
@commissioner_only
def statement_edit(statement_id: int):
    found = statements.statement(statement_id)
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

"""Pages for commissioners under /commissioning. Routes parse, call one domain function, commit
once and respond; an invalid form is shown again with status 400 and nothing is saved.

Every page is for the 'commissioner' role only: others get 403, anonymous people are sent to
log in.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from marketplace.accounts.permissions import role_required
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import ORGANISATION_KINDS, STREAM_KINDS
from marketplace.commissioning import services
from marketplace.commissioning.forms import (
    AccountForm,
    AllocationForm,
    FundingStreamForm,
    OrganisationForm,
    SpendingRuleForm,
)
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ids import query_int
from marketplace.jobs import status as job_status
from marketplace.notifications import delivery
from marketplace.times import london_today

blueprint = Blueprint("commissioning", __name__, url_prefix="/commissioning")
commissioner_only = role_required("commissioner")


@blueprint.context_processor
def kind_labels() -> dict:
    return {"stream_kinds": dict(STREAM_KINDS), "organisation_kinds": dict(ORGANISATION_KINDS)}


def _status_for(form) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


def _show_domain_error(form, error: DomainError, default_field: str) -> None:
    db.session.rollback()
    field = error.field if error.field in form._fields else default_field
    form[field].errors = [error.message]


@blueprint.route("")
@commissioner_only
def overview():
    return render_template("commissioning/overview.html")


# --- funding streams and spending rules -------------------------------------------------------


@blueprint.route("/streams")
@commissioner_only
def streams():
    return render_template("commissioning/streams.html", streams=services.funding_streams())


@blueprint.route("/streams/new", methods=["GET", "POST"])
@commissioner_only
def new_stream():
    form = FundingStreamForm()
    if form.validate_on_submit():
        try:
            stream = budget_services.create_funding_stream(
                name=form.name.data, kind=form.kind.data, description=form.description.data or ""
            )
        except DomainError as error:
            _show_domain_error(form, error, "name")
        else:
            db.session.commit()
            flash(
                f"The funding stream “{stream.name}” is set up. Now add its spending rules.",
                "success",
            )
            return redirect(url_for(".stream_detail", stream_id=stream.id))
    return render_template("commissioning/stream_form.html", form=form), _status_for(form)


def _render_stream(stream, form, status: int = 200):
    return (
        render_template("commissioning/stream_detail.html", stream=stream, form=form),
        status,
    )


@blueprint.route("/streams/<int:stream_id>")
@commissioner_only
def stream_detail(stream_id: int):
    return _render_stream(services.get_funding_stream(stream_id), SpendingRuleForm(formdata=None))


@blueprint.route("/streams/<int:stream_id>/rules", methods=["POST"])
@commissioner_only
def set_rule(stream_id: int):
    stream = services.get_funding_stream(stream_id)
    form = SpendingRuleForm()
    if form.validate_on_submit():
        replacing = budget_services.blocked_reason(stream, form.category.data) is not None
        try:
            budget_services.set_spending_rule(
                stream, category=form.category.data, reason=form.reason.data
            )
        except DomainError as error:
            _show_domain_error(form, error, "reason")
        else:
            db.session.commit()
            flash("The rule is changed." if replacing else "The rule is added.", "success")
            return redirect(url_for(".stream_detail", stream_id=stream.id))
    return _render_stream(stream, form, 400)


@blueprint.route("/streams/<int:stream_id>/rules/<int:rule_id>/remove", methods=["POST"])
@commissioner_only
def remove_rule(stream_id: int, rule_id: int):
    stream = services.get_funding_stream(stream_id)
    budget_services.remove_spending_rule(stream, rule_id)
    db.session.commit()
    flash("The rule is removed: this budget can now be used for that category.", "success")
    return redirect(url_for(".stream_detail", stream_id=stream.id))


# --- managed-account organisations and their staff --------------------------------------------


@blueprint.route("/organisations")
@commissioner_only
def organisations():
    return render_template(
        "commissioning/organisations.html", organisations=services.organisations()
    )


@blueprint.route("/organisations/new", methods=["GET", "POST"])
@commissioner_only
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                name=form.name.data,
                kind=form.kind.data,
                auto_approve_limit_pence=form.auto_approve_limit.pence,
                auto_confirm_days=form.auto_confirm_days.number,
                contact_email=(form.contact_email.data or "").lower(),
            )
        except DomainError as error:
            _show_domain_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"“{organisation.name}” is set up. Now add its staff.", "success")
            return redirect(url_for(".organisation_detail", organisation_id=organisation.id))
    return render_template("commissioning/organisation_form.html", form=form), _status_for(form)


def _render_organisation(organisation, form, status: int = 200):
    return (
        render_template(
            "commissioning/organisation_detail.html",
            organisation=organisation,
            staff=services.staff_of(organisation),
            form=form,
        ),
        status,
    )


@blueprint.route("/organisations/<int:organisation_id>")
@commissioner_only
def organisation_detail(organisation_id: int):
    organisation = services.get_organisation(organisation_id)
    return _render_organisation(organisation, AccountForm(formdata=None))


@blueprint.route("/organisations/<int:organisation_id>/staff", methods=["POST"])
@commissioner_only
def add_staff(organisation_id: int):
    organisation = services.get_organisation(organisation_id)
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = services.create_staff_account(
                organisation, email=form.email.data, password=form.password.data,
                display_name=form.display_name.data,
            )
        except DomainError as error:
            _show_domain_error(form, error, "email")
        else:
            db.session.commit()
            flash(
                f"{user.display_name} can now log in as {user.email} with the temporary "
                "password you chose. Give it to them in a safe way.",
                "success",
            )
            return redirect(url_for(".organisation_detail", organisation_id=organisation.id))
    return _render_organisation(organisation, form, 400)


@blueprint.route("/commissioners", methods=["GET", "POST"])
@commissioner_only
def commissioners():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = services.create_commissioner_account(
                email=form.email.data, password=form.password.data,
                display_name=form.display_name.data,
            )
        except DomainError as error:
            _show_domain_error(form, error, "email")
        else:
            db.session.commit()
            flash(
                f"{user.display_name} is now a commissioner and can log in as {user.email}.",
                "success",
            )
            return redirect(url_for(".commissioners"))
    return (
        render_template(
            "commissioning/commissioners.html", form=form, commissioners=services.commissioners()
        ),
        _status_for(form),
    )


# --- allocations ------------------------------------------------------------------------------


@blueprint.route("/allocations")
@commissioner_only
def allocations():
    page = query_int("page", default=1)
    return render_template(
        "commissioning/allocations.html", pagination=services.allocations_page(max(page, 1))
    )


@blueprint.route("/allocations/new", methods=["GET", "POST"])
@commissioner_only
def new_allocation():
    form = AllocationForm(
        streams=services.funding_streams(), organisations=services.organisations()
    )
    if form.validate_on_submit():
        try:
            allocation = services.allocate(
                holder_email=form.holder_email.data,
                stream_id=int(form.stream.data),
                total_pence=form.amount.pence,
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                instalment_every_weeks=form.instalment_every_weeks.number,
                route=form.route.data,
                organisation_id=int(form.managed_by.data) if form.managed_by.data else None,
                direct_pence=form.direct_amount.pence,
                allocated_by=current_user._get_current_object(),
                today=london_today(),
            )
        except DomainError as error:
            db.session.rollback()
            form.add_domain_error(error.field, error.message)
        else:
            db.session.commit()
            flash(f"The budget is allocated to {allocation.holder.display_name}.", "success")
            return redirect(url_for(".allocation_detail", allocation_id=allocation.id))
    return render_template("commissioning/allocation_form.html", form=form), _status_for(form)


@blueprint.route("/allocations/<int:allocation_id>")
@commissioner_only
def allocation_detail(allocation_id: int):
    allocation = services.get_allocation(allocation_id)
    return render_template(
        "commissioning/allocation_detail.html",
        allocation=allocation,
        schedules=services.allocation_schedules(allocation),
        today=london_today(),
    )


# --- the worker's jobs and email ---------------------------------------------------------------


@blueprint.route("/operations")
@commissioner_only
def operations():
    return render_template("commissioning/operations.html", report=job_status.operations_report(),
                           london_text=job_status.london_text)


@blueprint.route("/operations/emails/<bigint:email_id>/retry", methods=["POST"])
@commissioner_only
def retry_email(email_id: int):
    if not FlaskForm().validate_on_submit():
        flash("This form has expired. Please try again.", "error")
        return redirect(url_for(".operations"))
    try:
        message = delivery.retry_failed_email(email_id)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for(".operations"))
    db.session.commit()
    flash(f"The email “{message.subject}” to {message.to_address} will be tried again "
          "shortly.", "success")
    return redirect(url_for(".operations"))

# The market views register their routes on this blueprint.
from marketplace.commissioning import market_routes  # noqa: E402,F401
from marketplace.commissioning import quality_routes  # noqa: E402,F401
from marketplace.commissioning import statement_routes  # noqa: E402,F401
from marketplace.commissioning import equality_routes, spend_routes  # noqa: E402,F401

"""Pages for commissioners under /commissioning. Routes parse, call one domain function, commit
once and respond; an invalid form is shown again with status 400 and nothing is saved.

Every page is for the 'commissioner' role only: others get 403, anonymous people are sent to
log in.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from marketplace.accounts.permissions import role_required
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import ORGANISATION_KINDS, STREAM_KINDS
from marketplace.budgets.csv_cells import csv_document, safe_text
from marketplace.commissioning import audit, editing, invitations, services
from marketplace.commissioning.forms import (
    AccountForm,
    AllocationForm,
    AuditFilterForm,
    ChoosePasswordForm,
    FundingStreamForm,
    InvitationForm,
    OrganisationForm,
    RuleReasonForm,
    SpendingRuleForm,
    organisation_form_for,
)
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ids import query_int
from marketplace.jobs import status as job_status
from marketplace.notifications import delivery
from marketplace.times import london_day_bounds, london_today, utcnow

blueprint = Blueprint("commissioning", __name__, url_prefix="/commissioning")
commissioner_only = role_required("commissioner")


def _me():
    return current_user._get_current_object()


def _save_edit(form, default_field: str, edit, what: str, target: str):
    """Run one of commissioning.editing's edits for a valid form: commit and go to `target`,
    or show the refusal beside its field (None, so the caller shows the form again)."""
    try:
        change = edit()
    except DomainError as error:
        _show_domain_error(form, error, default_field)
        return None
    db.session.commit()
    flash(f"{what} saved." if change is not None else "Nothing was changed.", "success")
    return redirect(target)


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
        render_template("commissioning/stream_detail.html", stream=stream, form=form,
                        history=editing.history(stream=stream), change_text=audit.change_text),
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
            editing.set_rule(stream, category=form.category.data, reason=form.reason.data,
                             actor=_me())
        except DomainError as error:
            _show_domain_error(form, error, "reason")
        else:
            db.session.commit()
            flash("The rule is changed." if replacing else "The rule is added.", "success")
            return redirect(url_for(".stream_detail", stream_id=stream.id))
    return _render_stream(stream, form, 400)


@blueprint.route("/streams/<int:stream_id>/edit", methods=["GET", "POST"])
@commissioner_only
def edit_stream(stream_id: int):
    stream = services.get_funding_stream(stream_id)
    form = FundingStreamForm(obj=stream)
    if form.validate_on_submit() and (saved := _save_edit(
            form, "name", lambda: editing.edit_funding_stream(
                stream, name=form.name.data, kind=form.kind.data,
                description=form.description.data or "", actor=_me()),
            "The funding stream’s details are", url_for(".stream_detail", stream_id=stream.id))):
        return saved
    return render_template("commissioning/stream_form.html", form=form, stream=stream,
                           kind_locked=editing.stream_in_use(stream)), _status_for(form)


@blueprint.route("/streams/<int:stream_id>/rules/<int:rule_id>", methods=["GET", "POST"])
@commissioner_only
def edit_rule(stream_id: int, rule_id: int):
    stream = services.get_funding_stream(stream_id)
    rule = services.get_spending_rule(stream, rule_id)
    form = RuleReasonForm(obj=rule)
    if form.validate_on_submit() and (saved := _save_edit(
            form, "reason", lambda: editing.change_rule_reason(
                stream, rule.id, reason=form.reason.data, actor=_me()),
            "The new reason is", url_for(".stream_detail", stream_id=stream.id))):
        return saved
    return render_template("commissioning/rule_edit.html", form=form, stream=stream,
                           rule=rule), _status_for(form)


@blueprint.route("/streams/<int:stream_id>/rules/<int:rule_id>/remove", methods=["POST"])
@commissioner_only
def remove_rule(stream_id: int, rule_id: int):
    stream = services.get_funding_stream(stream_id)
    editing.remove_rule(stream, rule_id, actor=_me())
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
            history=editing.history(organisation=organisation),
            change_text=audit.change_text,
        ),
        status,
    )


@blueprint.route("/organisations/<int:organisation_id>")
@commissioner_only
def organisation_detail(organisation_id: int):
    organisation = services.get_organisation(organisation_id)
    return _render_organisation(organisation, AccountForm(formdata=None))


@blueprint.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@commissioner_only
def edit_organisation(organisation_id: int):
    organisation = services.get_organisation(organisation_id)
    form = organisation_form_for(organisation)
    if form.validate_on_submit() and (saved := _save_edit(
            form, "name", lambda: editing.edit_organisation(
                organisation, name=form.name.data, kind=form.kind.data,
                auto_approve_limit_pence=form.auto_approve_limit.pence,
                auto_confirm_days=form.auto_confirm_days.number,
                contact_email=form.contact_email.data or "", actor=_me()),
            "The organisation’s details are",
            url_for(".organisation_detail", organisation_id=organisation.id))):
        return saved
    return render_template("commissioning/organisation_form.html", form=form,
                           organisation=organisation), _status_for(form)


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
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            invitation, _ = invitations.invite_commissioner(
                _me(), email=form.email.data, display_name=form.display_name.data)
        except DomainError as error:
            _show_domain_error(form, error, "email")
        else:
            db.session.commit()
            flash(f"An invitation is on its way to {invitation.email}. {invitation.display_name} "
                  "chooses their own password with the link in it, which works once, for "
                  f"{invitations.INVITATION_DAYS} days.", "success")
            return redirect(url_for(".commissioners"))
    return (
        render_template(
            "commissioning/commissioners.html", form=form, commissioners=services.commissioners(),
            waiting=invitations.invitations_waiting(), now=utcnow(),
            days=invitations.INVITATION_DAYS,
        ),
        _status_for(form),
    )


@blueprint.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Open to anyone holding the link: the invited person has no account yet."""
    if current_user.is_authenticated:
        return render_template("commissioning/invitation_logged_in.html"), 409
    invitation = invitations.invitation_for_token(token)  # 404 or 410 with a plain message
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, password=form.password.data)
        except DomainError as error:
            _show_domain_error(form, error, "password")
        else:
            db.session.commit()
            flash(f"Welcome, {user.display_name}. Your commissioner account is ready: log in "
                  "with your email address and the password you chose.", "success")
            return redirect(url_for("accounts.login"))
    response = render_template("commissioning/invitation_accept.html", form=form,
                               invitation=invitation), _status_for(form)
    return response


# --- the audit log ----------------------------------------------------------------------------


def _audit_filters() -> tuple[AuditFilterForm, bool]:
    form = AuditFilterForm(request.args, kinds=audit.KINDS)
    return form, form.validate()


def _audit_query(form: AuditFilterForm) -> audit.AuditQuery:
    since, until = london_day_bounds(*form.period())
    return audit.AuditQuery(since=since, until=until, kind=form.kind.data or None)


@blueprint.route("/audit")
@commissioner_only
def audit_log():
    form, valid = _audit_filters()
    if not valid:
        return render_template("commissioning/audit.html", form=form, rows=None), 400
    query = _audit_query(form)
    page = max(query_int("page", default=1), 1)
    total = audit.count_entries(query)
    return render_template(
        "commissioning/audit.html", form=form, rows=audit.entries(query, page=page),
        total=total, page=page, pages=max(1, -(-total // audit.PER_PAGE)),
        period=form.period(), kinds=dict(audit.KINDS),
        args={name: value for name, value in request.args.items() if name != "page"})


@blueprint.route("/audit.csv")
@commissioner_only
def audit_csv():
    form, valid = _audit_filters()
    if not valid:
        abort(400)
    start, end = form.period()
    cells = [[safe_text(cell) for cell in row]
             for row in audit.csv_rows(audit.entries(_audit_query(form)))]
    return Response(csv_document(cells), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="audit-{start.isoformat()}-to-{end.isoformat()}.csv"'})


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

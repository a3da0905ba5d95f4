"""The budget holder's money and plan pages: "My budget", statements (page, CSV, printable),
the direct-payment spending return, and the support plan.

A holder reaches their own pages at /budget, /budget/<id>/..., /plan. A supporter reaches the
same pages for a person who chose them under /people/<holder_id>/..., within the scopes granted
('view' to read, 'plan' to change the plan). Every page goes through accounts.consent and a
refusal is a 404, so nobody can tell whose budgets exist. Providers, commissioners and other
staff get 403 on the holder-only addresses.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.budgets import plans, statements
from marketplace.budgets import spending_return as returns
from marketplace.budgets.forms import DateRangeForm, OutcomeForm, PlanForm
from marketplace.datarights.views_log import note_view
from marketplace.errors import DomainError, InvalidParameter
from marketplace.extensions import db
from marketplace.ids import MAX_BIG_ID, query_int
from marketplace.times import london_today

blueprint = Blueprint("budgets", __name__)

SELF = {"holder_id": None}


def _holder(holder_id: int | None, scope: str) -> User:
    """The person whose pages these are: the logged-in holder, or (under /people/<id>/) someone
    the logged-in user may act for with `scope`."""
    if holder_id is None:
        if current_user.role != "holder":
            abort(403)
        return current_user
    return consent.holder_for(current_user, holder_id, scope)


def _supporter_home():
    """Supporters have no budget of their own: send them to the people they support."""
    if current_user.role == "supporter":
        return redirect(url_for("supporters.people"))
    return None


def _statement_budget(budget_id: int, holder_id: int | None):
    """The budget whose statement this is (page, CSV or print), its view noted."""
    budget = statements.budget_for(current_user, budget_id, holder_id=holder_id)
    note_view(current_user, budget.holder_id, "statement", budget.id)
    return budget


def _date_range() -> DateRangeForm:
    return DateRangeForm(formdata=request.args)


def _checked_range(form: DateRangeForm) -> tuple[date | None, date | None]:
    """The dates of a valid range form; for downloads, an invalid one is a plain 400."""
    if not form.validate():
        field, messages = next(iter(form.errors.items()))
        raise InvalidParameter(field, messages[0])
    return form.start.data, form.end.data


# ---------------------------------------------------------------- My budget


@blueprint.route("/budget", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget")
@login_required
def my_budget(holder_id: int | None):
    if holder_id is None and (redirect_to := _supporter_home()):
        return redirect_to
    holder = _holder(holder_id, "view")
    note_view(current_user, holder.id, "budget")
    return render_template(
        "budgets/my_budget.html",
        holder=holder,
        holder_id=holder_id,
        groups=statements.budget_cards(holder),
        can_buy=consent.may_act_for(current_user, holder.id, "buy"),
    )


# ---------------------------------------------------------------- statement


@blueprint.route("/budget/<int:budget_id>/statement", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget/<int:budget_id>/statement")
@login_required
def statement(budget_id: int, holder_id: int | None):
    budget = _statement_budget(budget_id, holder_id)
    form = _date_range()
    page = None
    if form.validate():
        page = statements.statement_page(
            budget,
            before=query_int("before", maximum=MAX_BIG_ID),
            start=form.start.data,
            end=form.end.data,
        )
    return (
        render_template(
            "budgets/statement.html",
            budget=budget,
            holder_id=holder_id,
            form=form,
            page=page,
            route_label=statements.route_label(budget),
            is_first_page=request.args.get("before") is None,
        ),
        200 if page is not None else 400,
    )


@blueprint.route("/budget/<int:budget_id>/statement.csv", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget/<int:budget_id>/statement.csv")
@login_required
def statement_csv(budget_id: int, holder_id: int | None):
    budget = _statement_budget(budget_id, holder_id)
    start, end = _checked_range(_date_range())
    rows, _ = statements.all_statement_rows(budget, start=start, end=end)
    return _csv_response(
        statements.statement_csv(rows), f"statement-budget-{budget.id}", start, end
    )


@blueprint.route("/budget/<int:budget_id>/statement/print", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget/<int:budget_id>/statement/print")
@login_required
def statement_print(budget_id: int, holder_id: int | None):
    budget = _statement_budget(budget_id, holder_id)
    start, end = _checked_range(_date_range())
    rows, cut_short = statements.all_statement_rows(
        budget, start=start, end=end, limit=statements.PRINT_LIMIT
    )
    return render_template(
        "budgets/statement_print.html",
        budget=budget,
        holder_id=holder_id,
        rows=rows,
        cut_short=cut_short,
        start=start,
        end=end,
        route_label=statements.route_label(budget),
        print_limit=statements.PRINT_LIMIT,
        today=london_today(),
    )


def _csv_response(text: str, name: str, start: date | None, end: date | None) -> Response:
    if start or end:
        name += f"-{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'now'}"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# ---------------------------------------------------------------- spending return


def _return_report(budget_id: int, holder_id: int | None, form: DateRangeForm):
    budget = statements.budget_for(current_user, budget_id, holder_id=holder_id)
    note_view(current_user, budget.holder_id, "spending_return", budget.id)
    start, end = returns.default_return_period(budget, london_today())
    start, end = form.start.data or start, form.end.data or end
    if end < start:
        raise InvalidParameter("end", "The 'to' date must be the same as or after the 'from' date")
    return budget, returns.spending_return(budget, start, end)


@blueprint.route("/budget/<int:budget_id>/spending-return", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget/<int:budget_id>/spending-return")
@login_required
def spending_return(budget_id: int, holder_id: int | None):
    form = _date_range()
    valid = form.validate()
    budget, report = _return_report(
        budget_id, holder_id, form if valid else DateRangeForm(formdata=None)
    )
    if valid:
        form.start.data, form.end.data = report.start, report.end
    return (
        render_template(
            "budgets/spending_return.html",
            budget=budget,
            holder_id=holder_id,
            form=form,
            report=report,
            route_label=statements.route_label(budget),
        ),
        200 if valid else 400,
    )


@blueprint.route("/budget/<int:budget_id>/spending-return.csv", defaults=SELF)
@blueprint.route("/people/<int:holder_id>/budget/<int:budget_id>/spending-return.csv")
@login_required
def spending_return_csv(budget_id: int, holder_id: int | None):
    form = _date_range()
    _checked_range(form)
    budget, report = _return_report(budget_id, holder_id, form)
    return _csv_response(
        returns.spending_return_csv(report),
        f"spending-return-budget-{budget.id}",
        report.start,
        report.end,
    )


# ---------------------------------------------------------------- support plan


def _plan_holder(holder_id: int | None) -> tuple[User, bool]:
    """The plan's holder and whether the current user may change it."""
    if holder_id is not None and not consent.may_act_for(current_user, holder_id, "view"):
        holder = _holder(holder_id, "plan")  # a 'plan'-only grant may still read the plan
    else:
        holder = _holder(holder_id, "view")
    return holder, consent.may_act_for(current_user, holder.id, "plan")


def _plan_page(
    holder: User,
    holder_id: int | None,
    can_edit: bool,
    *,
    plan_form=None,
    outcome_form=None,
    status: int = 200,
):
    plan = plans.get_plan(holder)
    if plan_form is None:
        plan_form = PlanForm(
            formdata=None,
            data={
                "about_me": plan.about_me if plan else "",
                "review_on": plan.review_on if plan else None,
            },
        )
    return (
        render_template(
            "budgets/plan.html",
            holder=holder,
            holder_id=holder_id,
            plan=plan,
            can_edit=can_edit,
            plan_form=plan_form,
            outcome_form=outcome_form or OutcomeForm(formdata=None, prefix="new"),
            orders_by_outcome=plans.orders_by_outcome(plan),
            last_changed=plans.last_changed_text(plan),
            plan_test=plans.PLAN_TEST,
            today=london_today(),
        ),
        status,
    )


def _plan_url(holder_id: int | None, anchor: str = "") -> str:
    return url_for("budgets.plan", holder_id=holder_id) + anchor


@blueprint.route("/plan", defaults=SELF, methods=["GET", "POST"])
@blueprint.route("/people/<int:holder_id>/plan", methods=["GET", "POST"])
@login_required
def plan(holder_id: int | None):
    if holder_id is None and (redirect_to := _supporter_home()):
        return redirect_to
    if request.method == "GET":
        holder, can_edit = _plan_holder(holder_id)
        note_view(current_user, holder.id, "plan")
        return _plan_page(holder, holder_id, can_edit)
    holder = _holder(holder_id, "plan")
    saved = plans.get_plan(holder)
    form = PlanForm(saved_review_on=saved.review_on if saved else None)
    if form.validate_on_submit():
        try:
            plans.save_plan(
                holder,
                about_me=form.about_me.data,
                review_on=form.review_on.data,
                actor=current_user,
            )
        except DomainError as error:
            getattr(form, error.field or "about_me").errors.append(error.message)
        else:
            db.session.commit()
            flash("The plan is saved.", "success")
            return redirect(_plan_url(holder_id))
    return _plan_page(holder, holder_id, True, plan_form=form, status=400)


@blueprint.route("/plan/outcomes", defaults=SELF, methods=["POST"])
@blueprint.route("/people/<int:holder_id>/plan/outcomes", methods=["POST"])
@login_required
def add_outcome(holder_id: int | None):
    holder = _holder(holder_id, "plan")
    form = OutcomeForm(prefix="new")
    if form.validate_on_submit():
        try:
            plans.add_outcome(holder, form.text.data, actor=current_user,
                              theme=form.theme.data or "")
        except DomainError as error:
            getattr(form, error.field or "text", form.text).errors.append(error.message)
        else:
            db.session.commit()
            flash("The outcome is added to the plan.", "success")
            return redirect(_plan_url(holder_id, "#outcomes"))
    return _plan_page(holder, holder_id, True, outcome_form=form, status=400)


@blueprint.route("/plan/outcomes/<int:outcome_id>/edit", defaults=SELF, methods=["GET", "POST"])
@blueprint.route(
    "/people/<int:holder_id>/plan/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"]
)
@login_required
def edit_outcome(outcome_id: int, holder_id: int | None):
    holder = _holder(holder_id, "plan")
    outcome = plans.outcome_for(holder, outcome_id)
    form = OutcomeForm(data={"text": outcome.text, "theme": outcome.theme}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            plans.edit_outcome(holder, outcome_id, form.text.data, actor=current_user,
                               theme=form.theme.data or "")
        except DomainError as error:
            getattr(form, error.field or "text", form.text).errors.append(error.message)
        else:
            db.session.commit()
            flash("The outcome is changed.", "success")
            return redirect(_plan_url(holder_id, "#outcomes"))
    status = 400 if form.is_submitted() and form.errors else 200
    return (
        render_template(
            "budgets/outcome_form.html",
            holder=holder,
            holder_id=holder_id,
            outcome=outcome,
            form=form,
        ),
        status,
    )


@blueprint.route("/plan/outcomes/<int:outcome_id>/retire", defaults=SELF, methods=["POST"])
@blueprint.route("/people/<int:holder_id>/plan/outcomes/<int:outcome_id>/retire", methods=["POST"])
@login_required
def retire_outcome(outcome_id: int, holder_id: int | None):
    return _set_retired(outcome_id, holder_id, True)


@blueprint.route("/plan/outcomes/<int:outcome_id>/restore", defaults=SELF, methods=["POST"])
@blueprint.route("/people/<int:holder_id>/plan/outcomes/<int:outcome_id>/restore", methods=["POST"])
@login_required
def restore_outcome(outcome_id: int, holder_id: int | None):
    return _set_retired(outcome_id, holder_id, False)


def _set_retired(outcome_id: int, holder_id: int | None, retired: bool):
    holder = _holder(holder_id, "plan")
    outcome = plans.set_outcome_retired(holder, outcome_id, retired, actor=current_user)
    db.session.commit()
    flash(f'"{outcome.text}" is {"retired" if retired else "back in the plan"}.', "success")
    return redirect(_plan_url(holder_id, "#outcomes"))

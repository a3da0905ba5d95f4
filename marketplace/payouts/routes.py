"""Pages for paying providers. Routes parse, call one function of the payouts services, commit once
and respond.

- /managed/payouts/...        staff of a managed-account organisation (role account_manager):
                              runs paying for managed orders from the budgets it holds
- /commissioning/payouts/...  commissioners: runs paying for direct-payment (card) orders
- /managed/reconciliation     the organisation's accounts and runs, checked against the ledger
- /provider/payout-details    a provider's own bank details (or Stripe connected account)
- /provider/payments          what a provider is owed, is being paid, and has been paid

Refusals: the wrong role gets 403; another payer's run, or another provider's payment, is a 404.
The backend for new runs comes from config PAYOUT_BACKEND ("bacs_file" or "stripe_connect").
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from marketplace.payouts.forms import RunActionForm, details_form_for
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.permissions import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.payouts import backends
from marketplace.payouts import details as payout_details_service
from marketplace.payouts import provider_payments as provider_payments_service
from marketplace.payouts import reconciliation as reconciliation_service
from marketplace.payouts import runs as payouts
from marketplace.providers.services import get_provider_for_owner

blueprint = Blueprint("payouts", __name__)
provider_only = role_required("provider")

RACE_MESSAGE = ("Someone else changed this payment run at the same moment. "
                "Look at it again before trying again.")


@dataclass(frozen=True)
class Area:
    prefix: str
    role: str
    title: str


AREAS = {
    "managed": Area("/managed/payouts", "account_manager", "Pay providers"),
    "commissioning": Area("/commissioning/payouts", "commissioner", "Pay providers for direct payments"),
}


def configured_backend() -> str:
    name = current_app.config.get("PAYOUT_BACKEND", backends.DEFAULT_BACKEND)
    if name not in backends.BACKEND_NAMES:
        raise RuntimeError(f"PAYOUT_BACKEND must be one of {backends.BACKEND_NAMES}, not {name!r}")
    return name


def _payer(area: str) -> payouts.Payer:
    if current_user.role != AREAS[area].role:
        abort(403)
    return payouts.payer_for(current_user)


def _run_url(area: str, run_id: int) -> str:
    return url_for(f".{area}_run", run_id=run_id)


def _refused(error: DomainError, area: str, run_id: int | None = None):
    db.session.rollback()
    flash(error.message, "error")
    return redirect(_run_url(area, run_id) if run_id else url_for(f".{area}_runs"))


def _raced(area: str, run_id: int | None = None):
    db.session.rollback()
    current_app.logger.warning("Payout run %s changed concurrently", run_id)
    flash(RACE_MESSAGE, "error")
    return redirect(_run_url(area, run_id) if run_id else url_for(f".{area}_runs"))


# ---------------------------------------------------------------- runs (both payer areas)


def runs(area: str):
    payer = _payer(area)
    backend_name = configured_backend()
    return render_template(
        "payouts/runs.html", area=area, area_title=AREAS[area].title, payer=payer,
        owed=payouts.owed_to_providers(payer, backend_name), runs=payouts.runs_for(payer),
        backend=backends.backend_for(backend_name), form=RunActionForm(),
        status_labels=payouts.RUN_STATUS_LABELS, run_total=payouts.run_total_pence,
    )


def create(area: str):
    payer = _payer(area)
    form = RunActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        created = payouts.create_payout_run(current_user, payer, configured_backend())
    except DomainError as error:
        return _refused(error, area)
    except IntegrityError:
        return _raced(area)
    run_id = created.run.id
    db.session.commit()
    flash(f"Payment run {run_id} is ready to check.", "success")
    for line in created.left_out:
        flash(f"{line.provider.name} cannot be paid yet: {line.problem}. "
              f"They are owed {format_pence(line.total_pence)} and stay on the list "
              "for the next run.", "error")
    return redirect(_run_url(area, run_id))


def _render_run(area: str, run, failures: dict[int, str] | None = None, status: int = 200):
    return render_template(
        "payouts/run.html", area=area, area_title=AREAS[area].title, run=run,
        status_label=payouts.RUN_STATUS_LABELS[run.status],
        backend=backends.backend_for(run.backend), form=RunActionForm(),
        orders_of=payouts.item_orders, provider_name=_provider_name,
        total=payouts.run_total_pence(run), failures=failures or {},
    ), status


def run_detail(area: str, run_id: int):
    return _render_run(area, payouts.get_run_for(_payer(area), run_id))


def send(area: str, run_id: int):
    payer = _payer(area)
    payouts.get_run_for(payer, run_id)  # another payer's run is a 404, not a message
    if not RunActionForm().validate_on_submit():
        abort(400)
    try:
        result = payouts.send_payout_run(current_user, payer, run_id)
    except DomainError as error:
        return _refused(error, area, run_id)
    except IntegrityError:
        return _raced(area, run_id)
    db.session.commit()
    if result.failures:
        run = payouts.get_run_for(payer, run_id)
        return _render_run(area, run, result.failures)
    if result.run.backend == "bacs_file":
        flash("The payment file is ready. Download it and upload it to your bank, then mark "
              "the run paid when the bank has paid it.", "success")
    else:
        flash("Every transfer was made. Mark the run paid when you have checked them.", "success")
    return redirect(_run_url(area, run_id))


def _run_step(area: str, run_id: int, step, done_message: str):
    """Take one step on a run (mark paid, cancel) for this payer, then say what happened."""
    payer = _payer(area)
    payouts.get_run_for(payer, run_id)  # another payer's run is a 404, not a message
    if not RunActionForm().validate_on_submit():
        abort(400)
    try:
        step(current_user, payer, run_id)
    except DomainError as error:
        return _refused(error, area, run_id)
    except IntegrityError:
        return _raced(area, run_id)
    db.session.commit()
    flash(done_message, "success")
    return redirect(_run_url(area, run_id))


def mark_paid(area: str, run_id: int):
    return _run_step(area, run_id, payouts.mark_payout_run_paid,
                     "The run is marked paid. Each provider has been told.")


def cancel(area: str, run_id: int):
    return _run_step(area, run_id, payouts.cancel_payout_run,
                     "The run is cancelled. Its orders can be paid in a new run.")


def payment_file(area: str, run_id: int):
    run = payouts.get_run_for(_payer(area), run_id)
    return _csv(payouts.payment_file(run), f"payment-run-{run.id}-bank-file.csv")


def orders_file(area: str, run_id: int):
    run = payouts.get_run_for(_payer(area), run_id)
    return _csv(payouts.remittance_file(run), f"payment-run-{run.id}-orders.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def _provider_name(provider_id: int) -> str:
    from marketplace.providers.models import Provider

    return db.session.get(Provider, provider_id).name


_VIEWS = [
    ("", "runs", runs, ["GET"]),
    ("/new", "create", create, ["POST"]),
    ("/<int:run_id>", "run", run_detail, ["GET"]),
    ("/<int:run_id>/send", "send", send, ["POST"]),
    ("/<int:run_id>/paid", "paid", mark_paid, ["POST"]),
    ("/<int:run_id>/cancel", "cancel", cancel, ["POST"]),
    ("/<int:run_id>/payment-file.csv", "payment_file", payment_file, ["GET"]),
    ("/<int:run_id>/orders.csv", "orders_file", orders_file, ["GET"]),
]
for _area_name, _area in AREAS.items():
    for _suffix, _name, _view, _methods in _VIEWS:
        blueprint.add_url_rule(
            _area.prefix + _suffix, endpoint=f"{_area_name}_{_name}",
            view_func=login_required(_view), methods=_methods, defaults={"area": _area_name},
        )


# ---------------------------------------------------------------- reconciliation


@blueprint.route("/managed/reconciliation")
@role_required("account_manager")
def reconciliation():
    payer = payouts.payer_for(current_user)
    return render_template("payouts/reconciliation.html", payer=payer,
                           report=reconciliation_service.reconciliation_for(payer),
                           status_labels=payouts.RUN_STATUS_LABELS)


# ---------------------------------------------------------------- the provider's pages


def _own_provider():
    provider = get_provider_for_owner(current_user)
    if provider is None:
        flash("Describe your organisation first. Then you can say where to pay it.", "error")
    return provider


@blueprint.route("/provider/payout-details", methods=["GET", "POST"])
@provider_only
def payout_details():
    provider = _own_provider()
    if provider is None:
        return redirect(url_for("providers.edit_profile"))
    backend_name = configured_backend()
    details = payout_details_service.payout_details_for(provider)
    form = details_form_for(backend_name, details, submitted=request.method == "POST")
    if form.validate_on_submit():
        try:
            payout_details_service.save_payout_details(provider, backend_name, **form.values())
        except DomainError as error:
            db.session.rollback()
            form[error.field if error.field in form._fields else next(iter(form._fields))].errors = [error.message]
        else:
            db.session.commit()
            flash("Your payout details are saved.", "success")
            return redirect(url_for(".provider_payments"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("payouts/payout_details.html", form=form, backend_name=backend_name,
                           details=details, masked=payout_details_service.masked_account_number(details)), status


@blueprint.route("/provider/payments")
@provider_only
def provider_payments():
    provider = _own_provider()
    if provider is None:
        return redirect(url_for("providers.edit_profile"))
    backend_name = configured_backend()
    details = payout_details_service.payout_details_for(provider)
    return render_template(
        "payouts/provider_payments.html", provider=provider,
        summary=provider_payments_service.provider_payments(provider),
        problem=backends.backend_for(backend_name).missing_details(details),
        status_labels=payouts.RUN_STATUS_LABELS,
    )


@blueprint.route("/provider/payments/<int:item_id>")
@provider_only
def provider_payment(item_id: int):
    provider = get_provider_for_owner(current_user)
    if provider is None:
        abort(404)
    item = provider_payments_service.provider_payment_line(provider, item_id)
    return render_template(
        "payouts/provider_payment.html", item=item, run=item.run,
        orders=payouts.item_orders(item), payer_name=payouts.payer_name(item.run),
        status_labels=payouts.RUN_STATUS_LABELS,
    )

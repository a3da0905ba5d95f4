"""Pages for providers: their own area under /provider, and the public service and provider
pages. Routes parse, call one domain function, commit once and respond.

The provider area is for the 'provider' role only (others get 403, anonymous people are sent
to log in); a provider reaches only its own services (anyone else's is a 404).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts.permissions import role_required, verified_email_required
from marketplace.extensions import db
from marketplace.reviews.rating import rating_of
from marketplace.reviews.services import provider_reviews, service_reviews
from marketplace.providers import services
from marketplace.providers.forms import PROVIDER_TYPE_HINTS, ProviderProfileForm, ServiceForm
from marketplace.providers.services import (
    ListingInvalid,
    ServiceHasOpenOrders,
    ServiceStatusError,
)

blueprint = Blueprint("providers", __name__)
provider_only = role_required("provider")


def _status_for(form) -> int:
    return 400 if form.is_submitted() and form.errors else 200


# --- the provider's own area ----------------------------------------------------------------


@blueprint.route("/provider")
@provider_only
def dashboard():
    provider = services.get_provider_for_owner(current_user)
    listed = services.list_own_services(provider) if provider is not None else []
    return render_template("providers/dashboard.html", provider=provider, listed=listed)


@blueprint.route("/provider/profile", methods=["GET", "POST"])
@provider_only
def edit_profile():
    provider = services.get_provider_for_owner(current_user)
    initial = ProviderProfileForm.initial_data(provider, current_user)
    form = ProviderProfileForm(data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_provider_profile(current_user, form.details())
        except ListingInvalid as error:
            form.add_problems(error.problems)
        else:
            db.session.commit()
            flash("Your organisation profile is saved.", "success")
            return redirect(url_for(".dashboard"))
    return (
        render_template(
            "providers/profile_form.html",
            form=form,
            provider=provider,
            provider_type_hints=PROVIDER_TYPE_HINTS,
        ),
        _status_for(form),
    )


@blueprint.route("/provider/services/new", methods=["GET", "POST"])
@provider_only
@verified_email_required
def new_service():
    provider = services.get_provider_for_owner(current_user)
    if provider is None:
        flash("Describe your organisation first. Then you can list its services.", "error")
        return redirect(url_for(".edit_profile"))
    form = ServiceForm(data=ServiceForm.initial_data(None) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service = services.create_service(provider, form.details())
        except ListingInvalid as error:
            form.add_problems(error.problems)
        else:
            db.session.commit()
            flash(f"“{service.title}” is listed and shows in search.", "success")
            return redirect(url_for(".dashboard"))
    return render_template("providers/service_form.html", form=form, service=None), _status_for(
        form
    )


@blueprint.route("/provider/services/<int:service_id>/edit", methods=["GET", "POST"])
@provider_only
def edit_service(service_id: int):
    service = services.get_own_service(current_user, service_id)
    initial = ServiceForm.initial_data(service)
    form = ServiceForm(data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_service(service, form.details())
        except ListingInvalid as error:
            form.add_problems(error.problems)
        else:
            db.session.commit()
            flash(f"Your changes to “{service.title}” are saved.", "success")
            return redirect(url_for(".dashboard"))
    return (
        render_template("providers/service_form.html", form=form, service=service),
        _status_for(form),
    )


@blueprint.route("/provider/services/<int:service_id>/pause", methods=["POST"])
@provider_only
def pause_service(service_id: int):
    service = services.get_own_service(current_user, service_id)
    try:
        services.pause_service(service)
    except ServiceStatusError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"“{service.title}” is paused: it no longer shows in search.", "success")
    return redirect(url_for(".dashboard"))


@blueprint.route("/provider/services/<int:service_id>/resume", methods=["POST"])
@provider_only
@verified_email_required
def resume_service(service_id: int):
    service = services.get_own_service(current_user, service_id)
    try:
        services.resume_service(service)
    except ServiceStatusError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"“{service.title}” shows in search again.", "success")
    return redirect(url_for(".dashboard"))


@blueprint.route("/provider/services/<int:service_id>/delete", methods=["GET", "POST"])
@provider_only
def delete_service(service_id: int):
    """GET asks for confirmation (or says why it cannot be deleted yet); POST deletes, or
    removes from listings a service whose orders are all finished."""
    service = services.get_own_service(current_user, service_id)
    if request.method == "GET":
        return render_template(
            "providers/confirm_delete.html",
            service=service,
            open_orders=services.count_open_orders(service),
        )
    title = service.title
    try:
        outcome = services.delete_service(service)
    except ServiceHasOpenOrders as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".dashboard"))
    db.session.commit()
    if outcome == "removed":
        flash(f"“{title}” is deleted from your listings and from search. People who ordered "
              "it can still see those orders.", "success")
    else:
        flash(f"“{title}” is deleted.", "success")
    return redirect(url_for(".dashboard"))


# --- public pages ---------------------------------------------------------------------------


@blueprint.route("/services/<int:service_id>")
def service_detail(service_id: int):
    service = services.get_public_service(service_id, viewer=current_user)
    is_owner = service.provider.owner_id == getattr(current_user, "id", None)
    return render_template("providers/service_detail.html", service=service, is_owner=is_owner,
                           reviews=service_reviews(service.id))


@blueprint.route("/providers/<int:provider_id>")
def provider_detail(provider_id: int):
    provider = services.get_public_provider(provider_id)
    reviews = provider_reviews(provider.id)
    return render_template(
        "providers/provider_detail.html",
        provider=provider,
        active_services=services.list_active_services(provider),
        reviews=reviews, rating_centi=rating_of(reviews.stars_total, reviews.count),
    )

"""Deleting a service people have ordered: refused while an order is open (the provider is told
why and offered pausing), "removed" once every order is finished, and never a 500. With
foreign keys on, the database itself refuses to orphan an order, on SQLite as on PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.providers.models import Service
from tests.factories import make_funded_budget, make_service, make_user


def _order(service, holder=None):
    holder = holder or make_user("holder")
    budget = make_funded_budget(holder, route="direct")
    order = orders.place_order(
        holder, holder.id, orders.OrderRequest(budget_id=budget.id, service_id=service.id, quantity=1)
    )
    db.session.commit()
    return holder, order


def test_a_service_with_an_open_order_cannot_be_deleted_and_pausing_is_offered(
        client, logged_in_provider):
    service = make_service(logged_in_provider, title="Canal walks")
    _order(service)

    confirm = client.get(f"/provider/services/{service.id}/delete")
    page = confirm.get_data(as_text=True)
    assert "“Canal walks” cannot be deleted yet" in page
    assert "1 order for it is still open" in page
    assert f'action="/provider/services/{service.id}/pause"' in page
    assert "Yes, delete this service" not in page

    refused = client.post(f"/provider/services/{service.id}/delete", follow_redirects=True)
    assert refused.status_code == 200
    words = refused.get_data(as_text=True)
    assert "cannot be deleted yet: 1 order for it is still open" in words
    assert "Pause it instead" in words
    db.session.expire_all()
    assert db.session.get(Service, service.id).status == "active"


def test_a_service_whose_orders_are_finished_is_removed_from_listings_but_kept(
        client, logged_in_provider):
    service = make_service(logged_in_provider, title="Canal walks")
    holder, order = _order(service)
    orders.act_on_order(holder, order.id, "cancel")
    db.session.commit()

    removed = client.post(f"/provider/services/{service.id}/delete", follow_redirects=True)
    words = removed.get_data(as_text=True)
    assert "“Canal walks” is deleted from your listings and from search." in words
    assert "You have not listed any services yet." in words
    db.session.expire_all()
    kept = db.session.get(Service, service.id)
    assert kept.status == "removed"
    assert db.session.get(type(order), order.id).service_id == service.id
    assert client.get(f"/services/{service.id}").status_code == 404
    assert client.get(f"/provider/services/{service.id}/edit").status_code == 404
    assert client.post(f"/provider/services/{service.id}/resume").status_code == 404


def test_the_database_refuses_to_delete_a_service_that_orders_refer_to(app):
    service = make_service(title="Canal walks")
    _order(service)
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM services WHERE id = :id"), {"id": service.id})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1

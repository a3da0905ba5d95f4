"""Twenty people pressing "order" at the same moment on one budget: exactly three fit."""
import threading

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.services import InsufficientFunds
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from tests.factories import make_funded_budget, make_service, make_user


def test_twenty_simultaneous_orders_for_30_percent_each_give_exactly_three(app):
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=100_000)
    service = make_service(price_pence=30_000, price_unit="item")
    holder_id, budget_id, service_id = holder.id, budget.id, service.id
    db.session.remove()

    barrier = threading.Barrier(20, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def place():
        with app.app_context():
            actor = db.session.get(type(holder), holder_id)
            barrier.wait()
            try:
                orders.place_order(actor, holder_id, OrderRequest(budget_id, service_id, 1))
                db.session.commit()
                result = "ok"
            except InsufficientFunds as refused:
                db.session.rollback()
                result = refused.message
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=place) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 3
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == 17
    assert all(r.startswith("There is not enough left in this budget") for r in refusals)
    balances = ledger.budget_balances(budget_id)
    assert balances.committed_pence == 90_000 and balances.available_pence == 10_000
    assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 3
    assert ledger.drifted_accounts() == []

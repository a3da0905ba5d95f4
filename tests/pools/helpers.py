"""Builders for pool tests: a poolable group service and holders with managed budgets."""
from __future__ import annotations

from datetime import timedelta

from marketplace.accounts import home_area
from marketplace.budgets import services as budgets
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.pools import services as pools
from marketplace.times import london_today
from tests.factories import make_account_manager, make_funded_budget, make_provider, make_service, make_user


def group_service(price_pence: int = 1_000, capacity: int | None = 8, **fields):
    provider = make_provider(name="Salford Arts")
    return make_service(provider, title="Photography walks", category="arts", poolable=True,
                        price_pence=price_pence, capacity=capacity, **fields)


def organisation(auto_approve_limit_pence: int = 100_000):
    found = budgets.create_managed_account_organisation(
        name=f"Independent Living {auto_approve_limit_pence}",
        auto_approve_limit_pence=auto_approve_limit_pence)
    db.session.commit()
    return found


def holder_with_budget(name: str, amount_pence: int = 20_000, *, organisation=None,
                       area: str = "salford", district: str = "", interests=("arts",)):
    """A holder living in `area` (Salford, where group_service is), interested in arts."""
    holder = make_user("holder", name=name)
    live_in(holder, area, district, interests)
    budget = make_funded_budget(holder, amount_pence=amount_pence, organisation=organisation)
    return holder, budget


def live_in(holder, area: str = "salford", district: str = "", interests=("arts",)):
    home_area.set_home_area(holder, local_authority=area, postcode_district=district,
                            interests=list(interests))
    db.session.commit()
    return holder


def request(service, *, sessions: int = 6, min_members: int = 3, max_members: int = 4,
            days: int = 14, **fields) -> pools.PoolRequest:
    return pools.PoolRequest(service_id=service.id, sessions=sessions, min_members=min_members,
                             max_members=max_members,
                             deadline_on=london_today() + timedelta(days=days), **fields)


def balances(budget):
    return ledger.budget_balances(budget.id)


def assert_ledger_sound():
    assert ledger.unbalanced_transactions() == []
    assert ledger.drifted_accounts() == []


__all__ = ["group_service", "organisation", "holder_with_budget", "live_in", "request",
           "balances",
           "assert_ledger_sound", "make_account_manager"]

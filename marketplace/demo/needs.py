"""The demo's needs board, written after its pools (demo/pools.py), through the real needs
services: a need the demo provider can quote for (with two quotes already in), a group need
accepted into a pool from one of its two quotes (the other declined kindly), and an open need
with two quotes to compare. Deterministic: providers are taken in id order."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget
from marketplace.extensions import db
from marketplace.needs import answers, services
from marketplace.needs.models import Need
from marketplace.needs.services import NeedDetails, QuoteDetails
from marketplace.pools.services import Pledge, PoolRequest
from marketplace.providers.models import Provider, Service
from marketplace.times import london_today

#: Each need: who posts it, the NeedDetails fields (an empty area means the first one two
#: providers serve), and whether it is accepted into a pool.
DEMO_NEEDS = [
    {"email": "demo-holder@example.org", "category": "support-planning",
     "local_authority": "trafford", "timing": "evenings", "budget": (60, 200), "group": 1,
     "pool": False, "language": "",
     "words": "Someone to help me write my support plan and work out what my budget can pay "
              "for. Evenings are best."},
    {"email": "demo-holder-2@example.org", "category": "arts", "local_authority": "",
     "timing": "weekends", "budget": (40, 160), "group": 4, "pool": True, "language": "",
     "words": "A weekly creative group for 4 of us who met on the ward: painting or "
              "photography."},
    {"email": "demo-holder-4@example.org", "category": "personal-assistance",
     "local_authority": "", "timing": "evenings", "budget": (100, 400), "group": 1,
     "pool": False, "language": "pa",
     "words": "A Punjabi-speaking personal assistant for two evenings a week, to help with "
              "shopping and appointments."},
]


def _holder(email: str) -> tuple[User, Budget]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    budget = db.session.scalar(sa.select(Budget).where(Budget.holder_id == user.id,
                                                       Budget.route == "managed"))
    return user, budget


def _two_providers(category: str, authority: str) -> tuple[str, list[Service]]:
    """An area (the one given, or the first one two providers serve) and one service from
    each of two providers, the demo provider first when it serves it."""
    services_in = db.session.scalars(
        sa.select(Service).where(Service.category == category, Service.status == "active",
                                 Service.price_pence > 0)
        .join(Provider).order_by(sa.case((Provider.owner.has(
            User.email == "demo-provider@example.org"), 0), else_=1), Service.id)).all()
    areas = [authority] if authority else sorted({
        slug for service in services_in for slug in service.local_authorities or []})
    for area in areas:
        probe = Need(category=category, local_authority=area, postcode_district="")
        chosen: dict[int, Service] = {}
        for service in services_in:
            if service.provider_id not in chosen and services.serves(service, probe):
                chosen[service.provider_id] = service
        if len(chosen) >= 2:
            return area, list(chosen.values())[:2]
    return "", []


def load_demo_needs() -> int:
    """Write the demo needs and their quotes; flushes, the caller commits. Returns how many."""
    made = 0
    today = london_today()
    for wanted in DEMO_NEEDS:
        area, quoting = _two_providers(wanted["category"], wanted["local_authority"])
        if not quoting:
            continue
        holder, budget_row = _holder(wanted["email"])
        low, high = wanted["budget"]
        pool_it, group = wanted["pool"], wanted["group"]
        need = services.post_need(holder, holder.id, NeedDetails(
            words=wanted["words"], category=wanted["category"], local_authority=area,
            timing=wanted["timing"], budget_low_pence=low * 100, budget_high_pence=high * 100,
            language=wanted["language"], would_pool=pool_it, group_size=group,
            peers_consent=True))
        quotes = []
        for number, service in enumerate(quoting):
            sessions = 4 if pool_it else 6
            quotes.append(services.give_quote(service.provider.owner, need.id, QuoteDetails(
                service_id=service.id, price_pence=max(100, service.price_pence - 100 * number),
                price_unit=service.price_unit, sessions=sessions,
                expires_on=today + timedelta(days=21 + 7 * number),
                message=("We can start next month and keep the same worker each time."
                         if number == 0 else "Happy to meet first, at no cost."))))
        if pool_it:
            answers.accept_quote_into_pool(holder, need.id, quotes[0].id, PoolRequest(
                service_id=quotes[0].service_id, sessions=quotes[0].sessions,
                min_members=2, max_members=group, deadline_on=today + timedelta(days=21),
                open_to="area", title="Our creative group",
                what_it_buys="Four weekly sessions for the four of us."),
                Pledge(budget_row.id, "Priya"))
            answers.decline_live_quotes(need)
        made += 1
    db.session.flush()
    return made

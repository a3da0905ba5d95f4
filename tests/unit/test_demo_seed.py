"""`flask seed-demo` loads a varied, valid, repeatable demo market with working demo logins;
bench.generate_market writes a market of the size asked for."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import fields

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, FundingStream, SupportPlan
from marketplace.demo.commands import DEMO_PASSWORD
from marketplace.ledger import services as ledger
from marketplace.money import format_pence
from marketplace.orders.models import ORDER_STATES, Order, OrderEvent
from marketplace.orders.queries import SHOWN_STATES, shown_state
from marketplace.payments.models import CardPayment
from marketplace.pools.models import PoolMember
from marketplace.payouts.runs import HOLDING_STATES
from marketplace.extensions import db
from marketplace.providers import services as listing_services
from marketplace.providers.models import Provider, Service
from marketplace.vocabulary import CATEGORIES, PROVIDER_TYPES, values
from tests.database import empty_tables


def _seed(runner, *args):
    return runner.invoke(args=["seed-demo", *args])


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _digest() -> str:
    """Everything a visitor sees of the market, in insertion order, without database ids."""
    lines = [
        "|".join(map(str, row))
        for row in db.session.execute(
            sa.select(Provider.name, Provider.provider_type, Provider.staff_count,
                      Provider.is_user_led, Provider.postcode_district).order_by(Provider.id)
        )
    ]
    lines += [
        "|".join(map(str, row))
        for row in db.session.execute(
            sa.select(Service.title, Service.description, Service.category, Service.price_pence,
                      Service.price_unit, Service.status, Service.languages, Service.schedule)
            .order_by(Service.id)
        )
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _order_digest() -> str:
    rows = db.session.execute(
        sa.select(Order.state, Order.route, Order.service_title, Order.quantity, Order.total_pence,
                  User.email).join(User, User.id == Order.holder_id).order_by(Order.id))
    return "\n".join("|".join(map(str, row)) for row in rows)


def test_seed_demo_loads_a_varied_greater_manchester_market(runner):
    result = _seed(runner)

    assert result.exit_code == 0, result.output
    providers = db.session.scalars(sa.select(Provider)).all()
    services = db.session.scalars(sa.select(Service)).all()
    assert len(providers) >= 150 and len(services) >= 400
    assert f"{len(providers)} providers" in result.output
    assert f"{len(services)} services" in result.output

    per_category = Counter(service.category for service in services)
    assert set(per_category) == set(values(CATEGORIES))
    assert min(per_category.values()) >= 10, per_category
    assert {provider.provider_type for provider in providers} == set(values(PROVIDER_TYPES))

    user_led = sum(provider.is_user_led for provider in providers) / len(providers)
    micro = sum(provider.is_micro for provider in providers) / len(providers)
    assert 0.22 <= user_led <= 0.32, user_led
    assert 0.5 <= micro <= 0.7, micro
    assert all(p.user_led_statement for p in providers if p.is_user_led)
    assert all(p.dbs_checked_on for p in providers if p.provider_type == "personal-assistant")
    assert any(p.cqc_registration_number for p in providers if p.provider_type == "larger-provider")

    languages = Counter(language for service in services for language in service.languages)
    assert languages["en"] == len(services)
    assert {"ur", "pa", "pl", "bsl", "so", "ar"} <= set(languages)
    other_languages = sum(count for language, count in languages.items() if language != "en")
    assert other_languages < len(services) / 2  # minority shares, as in the region

    assert sum(service.evenings for service in services) >= 20
    assert sum(service.weekends for service in services) >= 20
    poolable = [service for service in services if service.poolable]
    assert len(poolable) >= 20 and all(s.is_group and s.capacity for s in poolable)
    assert 1 <= sum(service.status == "paused" for service in services) <= 30
    tags = {tag for service in services for tag in service.tags}
    assert {"personal assistant", "peer support", "advocacy", "photography", "gym", "bike",
            "computer", "gardening", "childcare", "pet care", "respite", "transport"} <= tags
    pa_prices = [s.price_pence for s in services if s.category == "personal-assistance"
                 and s.provider.provider_type == "personal-assistant"]
    assert pa_prices and all(1300 <= price <= 1800 for price in pa_prices)


def test_every_demo_listing_passes_the_rules_a_provider_filling_in_the_form_must_pass(runner):
    _seed(runner)

    provider_fields = [f.name for f in fields(listing_services.ProviderDetails)]
    for provider in db.session.scalars(sa.select(Provider)):
        details = listing_services.ProviderDetails(
            **{name: getattr(provider, name) for name in provider_fields})
        assert listing_services.find_provider_problems(details) == [], provider
    service_fields = [f.name for f in fields(listing_services.ServiceDetails)]
    for service in db.session.scalars(sa.select(Service)):
        details = listing_services.ServiceDetails(
            **{name: getattr(service, name) for name in service_fields})
        assert listing_services.find_service_problems(details) == [], service


def test_the_printed_demo_logins_work_for_every_role(runner, client):
    result = _seed(runner)

    password = re.search(r"password for every demo account: (\S+)\)", result.output).group(1)
    logins = dict(re.findall(
        r"^\s+(Budget holder|Supporter|Provider|Commissioner|Account manager)\s+(\S+@\S+)",
        result.output, flags=re.MULTILINE))
    roles = {"Budget holder": "holder", "Supporter": "supporter", "Provider": "provider",
             "Commissioner": "commissioner", "Account manager": "account_manager"}
    assert set(logins) == set(roles)
    for label, email in logins.items():
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, (label, response.get_data(as_text=True))
        assert "Log out" in client.get("/").get_data(as_text=True)
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user.role == roles[label]
        client.post("/logout")

    demo_provider = db.session.scalar(
        sa.select(Provider).join(User).where(User.email == logins["Provider"]))
    assert demo_provider.is_user_led and demo_provider.provider_type == "ulo"
    assert demo_provider.name in result.output

    refused = client.post("/login", data={"email": logins["Budget holder"], "password": "wrong"})
    assert refused.status_code == 400


def test_the_demo_market_is_searchable_straight_after_seeding_without_a_reindex(runner, client):
    _seed(runner)

    service = db.session.scalar(
        sa.select(Service).where(Service.status == "active").order_by(Service.id))
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert service.title.replace("'", "&#39;") in page
    found = client.get("/api/v1/services", query_string={"q": "hearing voices"}).get_json()
    assert found["total"] >= 1
    assert found["total"] <= _count(Service)


def test_seeding_again_refuses_and_changes_nothing(runner):
    _seed(runner)
    before = (_count(User), _count(Provider), _count(Service), _digest())

    again = _seed(runner)

    assert again.exit_code != 0
    assert "Providers already exist" in again.output and "nothing was changed" in again.output
    assert (_count(User), _count(Provider), _count(Service), _digest()) == before


def test_if_empty_skips_quietly_when_there_is_data_and_loads_when_there_is_none(runner):
    first = _seed(runner, "--if-empty")
    assert first.exit_code == 0 and "Demo logins" in first.output
    before = (_count(User), _count(Provider), _count(Service), _digest())

    second = _seed(runner, "--if-empty")

    assert second.exit_code == 0
    assert "not loaded" in second.output and "Demo logins" not in second.output
    assert (_count(User), _count(Provider), _count(Service), _digest()) == before


def test_seed_refuses_when_a_demo_login_email_is_already_taken(runner):
    from tests.factories import make_user

    make_user("holder", email="demo-holder@example.org")

    result = _seed(runner)

    assert result.exit_code != 0 and "demo-holder@example.org" in result.output
    assert _count(Provider) == 0 and _count(User) == 1


def test_two_runs_on_an_empty_database_give_the_same_market_and_orders(runner):
    _seed(runner)
    first = _digest(), _order_digest()
    empty_tables(db.session.connection())
    db.session.commit()
    assert _count(Service) == 0

    _seed(runner)

    assert (_digest(), _order_digest()) == first and first[1]


def test_generate_market_writes_exactly_the_services_asked_for(tmp_path):
    from bench.generate_market import generate_market

    url = f"sqlite:///{tmp_path / 'market.db'}"
    result = generate_market(url, services=200, seed=7)

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        services = connection.execute(
            sa.text("SELECT description, provider_id FROM services")).all()
        provider_count = connection.scalar(sa.text("SELECT count(*) FROM providers"))
        owners = connection.scalar(sa.text("SELECT count(*) FROM users WHERE role = 'provider'"))
    engine.dispose()
    assert result["services"] == len(services) == 200
    assert result["providers"] == provider_count == owners == 30
    assert len({description for description, _ in services}) == 200  # no two the same
    assert len({provider_id for _, provider_id in services}) == 30  # everyone lists something

    with pytest.raises(RuntimeError, match="already holds providers"):
        generate_market(url, services=10, seed=7)


# ---------------------------------------------------------------- the money side


def test_demo_orders_cover_every_state_and_leave_the_ledger_consistent(runner):
    result = _seed(runner)
    assert result.exit_code == 0, result.output

    orders = db.session.scalars(sa.select(Order).order_by(Order.id)).all()
    assert {order.state for order in orders} == set(ORDER_STATES)
    # ...and every way an order ends, each shown in its own words.
    assert {shown_state(order) for order in orders} == set(SHOWN_STATES)
    holder = db.session.scalar(sa.select(User).where(User.email == "demo-holder@example.org"))
    mine = [order for order in orders if order.holder_id == holder.id]
    assert len(mine) >= 6 and {"direct", "managed"} == {order.route for order in mine}
    assert any(order.provider.owner.email == "demo-provider@example.org" for order in mine)

    assert ledger.unbalanced_transactions() == []
    assert ledger.drifted_accounts() == []
    budgets = db.session.scalars(sa.select(Budget).order_by(Budget.id)).all()
    assert len(budgets) >= 5
    for budget in budgets:
        balances = ledger.budget_balances(budget.id)
        assert balances.allocated_pence == (
            balances.spent_pence + balances.committed_pence + balances.available_pence)
        assert balances.allocated_pence == sum(
            i.amount_pence for i in budget.instalments if i.transaction_id is not None) > 0
        held = [o for o in orders if o.budget_id == budget.id and o.state in HOLDING_STATES]
        pledged = db.session.scalars(sa.select(PoolMember.pledged_pence).where(
            PoolMember.budget_id == budget.id,
            PoolMember.state.in_(("pledged", "secured", "failed")))).all()
        assert balances.committed_pence == sum(order.total_pence for order in held) + sum(
            pledged)
        settled = [o for o in orders if o.budget_id == budget.id
                   and o.state in ("confirmed", "paid_out")]
        assert balances.spent_pence == sum(order.total_pence for order in settled)

    holder_budgets = [budget for budget in budgets if budget.holder_id == holder.id]
    assert sorted(budget.route for budget in holder_budgets) == ["direct", "managed"]
    assert all(len(b.instalments) >= 13 for b in holder_budgets)  # 4-weekly over a year
    health = db.session.scalar(sa.select(FundingStream).where(FundingStream.kind == "health"))
    assert "talking therapies" in health.rules[0].reason


def test_demo_logins_see_their_part_of_the_money(runner, client):
    _seed(runner)

    def log_in(email):
        client.post("/logout")
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)

    waiting = db.session.scalar(
        sa.select(Order).where(Order.state == "awaiting_approval").order_by(Order.id))
    log_in("demo-manager@example.org")
    page = client.get("/managed").get_data(as_text=True)
    assert "Salford Independent Living Support" in page
    assert f"Order {waiting.id}: {waiting.service_title}".replace("'", "&#39;") in page
    assert re.search(r"Waiting for approval \([1-9]", page)

    log_in("demo-provider@example.org")
    inbox = client.get("/provider/orders")
    assert inbox.status_code == 200
    awaiting = db.session.scalar(sa.select(Order).join(Provider).join(User)
                                 .where(User.email == "demo-provider@example.org",
                                        Order.state == "awaiting_provider"))
    assert awaiting is not None and awaiting.service_title.replace("'", "&#39;") in (
        inbox.get_data(as_text=True))

    holder = db.session.scalar(sa.select(User).where(User.email == "demo-holder@example.org"))
    log_in("demo-supporter@example.org")
    assert client.get(f"/people/{holder.id}/orders").status_code == 200
    plan = db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == holder.id))
    assert 2 <= len(plan.outcomes) <= 3

    other = db.session.scalar(sa.select(User).where(User.email == "demo-holder-2@example.org"))
    log_in(other.email)  # a holder the summary lists only by email
    assert client.get("/orders").status_code == 200
    log_in("demo-holder@example.org")
    assert client.get(f"/people/{other.id}/orders").status_code == 404  # not theirs



def test_every_card_paid_demo_order_has_its_card_payment_and_is_on_the_spending_return(
        runner, client):
    _seed(runner)

    paid_by_card = db.session.scalars(
        sa.select(Order).join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(Order.route == "direct", OrderEvent.from_state == "awaiting_payment",
               OrderEvent.to_state == "awaiting_provider").order_by(Order.id)).all()
    assert len(paid_by_card) >= 4
    for order in paid_by_card:
        [payment] = db.session.scalars(
            sa.select(CardPayment).where(CardPayment.order_id == order.id)).all()
        assert (payment.status, payment.amount_pence, payment.card_last4) == (
            "succeeded", order.total_pence, "4242"), order.id
        assert payment.receipt_number == f"PW-CARD-{payment.id:06d}"
        assert payment.succeeded_at is not None
    waiting = db.session.scalars(
        sa.select(Order).where(Order.route == "direct", Order.state == "awaiting_payment")).all()
    assert waiting and not db.session.scalars(sa.select(CardPayment).where(
        CardPayment.order_id.in_([order.id for order in waiting]))).all()

    # The demo holder's spending return: the confirmed card-paid order, with its receipt.
    holder = db.session.scalar(sa.select(User).where(User.email == "demo-holder@example.org"))
    direct = db.session.scalar(sa.select(Budget).where(Budget.holder_id == holder.id,
                                                       Budget.route == "direct"))
    [confirmed] = [o for o in paid_by_card if o.budget_id == direct.id and o.state == "confirmed"]
    receipt = db.session.scalar(sa.select(CardPayment.receipt_number)
                                .where(CardPayment.order_id == confirmed.id))
    client.post("/login", data={"email": holder.email, "password": DEMO_PASSWORD})
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(
        f"/budget/{direct.id}/spending-return").get_data(as_text=True)))
    spent = format_pence(confirmed.total_pence)
    assert f"Spent, less refunds {spent}" in page
    assert f"All categories {spent}" in page
    assert f"{receipt} ending 4242 {spent}" in page
    assert f"Total spent, less refunds {spent}" in page


def test_no_provider_lists_two_services_with_one_title(runner):
    assert _seed(runner).exit_code == 0
    repeated = db.session.execute(
        sa.select(Provider.name, Service.title, sa.func.count())
        .join(Service, Service.provider_id == Provider.id)
        .group_by(Provider.name, Service.title).having(sa.func.count() > 1)
    ).all()
    assert repeated == []

"""`flask --app wsgi seed-demo`: load the demo market and one demo login per role.

Invariants:
- The market is marketplace.demo.market.generate_demo_market(): the same rows on every run
  (only DBS and insurance dates move with the day it is loaded, so they never look lapsed).
- Nothing is written if any provider already exists (with --if-empty it says so and exits
  cleanly, for `make run`; without it, it refuses with an error) or a demo login's email is taken.
- Everything is written in one transaction, and every service gets an index outbox entry in
  that transaction, so the search index catches up after commit even without `flask reindex`.
- After the market, marketplace.demo.money writes funding streams, budgets, a managed-account
  organisation (with the account manager login), a support plan, a supporter's grant and
  orders in every state, through the real services, in the same transaction.
- Every generated account, provider owners included, has the password DEMO_PASSWORD. It is
  hashed once and the hash reused, because hashing is deliberately slow.
"""
from __future__ import annotations

from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.demo.market import Market, generate_demo_market
from marketplace.demo.money import EXTRA_HOLDERS, MoneySummary, load_demo_money
from marketplace.demo.needs import load_demo_needs
from marketplace.demo.pools import load_demo_pools
from marketplace.demo.demand import load_demo_demand
from marketplace.demo.reviews import REVIEWERS, ReviewsSummary, load_demo_reviews, reviews_summary
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from marketplace.search.outbox import queue_reindex
from marketplace.times import utcnow

DEMO_PASSWORD = "pathways-demo"

#: (role, email, display name); the provider login owns the first user-led organisation.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("holder", "demo-holder@example.org", "Dani Ahmed (demo budget holder)"),
    ("supporter", "demo-supporter@example.org", "Chris Walsh (demo supporter)"),
    ("provider", "demo-provider@example.org", ""),
    ("commissioner", "demo-commissioner@example.org", "Jo Okafor (demo commissioner)"),
    ("account_manager", "demo-manager@example.org", "Sam Lee (demo account manager)"),
    ("moderator", "demo-moderator@example.org",
     "Alex Rowe (demo moderator, from a user-led organisation)"),
]


class DemoDataExists(DomainError):
    status = 409
    code = "demo_data_exists"


class ProvidersExist(DemoDataExists):
    """The database already has a market; the demo would mix with it."""


class DemoAccountTaken(DemoDataExists):
    """A demo login's email belongs to someone already."""


@dataclass(frozen=True)
class DemoSummary:
    providers: int
    services: int
    paused: int
    user_led: int
    micro: int
    categories: int
    demo_provider_name: str
    money: MoneySummary
    reviews: ReviewsSummary


def load_demo_market() -> DemoSummary:
    """Write the demo market and demo logins to the session and flush. The caller commits."""
    if db.session.scalar(sa.select(Provider.id).limit(1)) is not None:
        raise ProvidersExist("Providers already exist")
    emails = [email for _, email, _ in DEMO_LOGINS] + [
        email for email, _ in (*EXTRA_HOLDERS, *REVIEWERS)]
    taken = db.session.scalars(sa.select(User.email).where(User.email.in_(emails))).all()
    if taken:
        raise DemoAccountTaken(
            f"These demo accounts already exist: {', '.join(sorted(taken))}")

    users_before = db.session.scalar(sa.select(sa.func.max(User.id))) or 0
    market = generate_demo_market()
    password_hash = generate_password_hash(DEMO_PASSWORD)
    demo_provider = next(p for p in market.providers if p["provider_type"] == "ulo")
    providers = _write_market(market, password_hash, demo_provider["number"])
    logins: dict[str, User] = {}
    for role, email, name in DEMO_LOGINS:
        if role != "provider":
            logins[role] = User(email=email, display_name=name, role=role,
                                password_hash=password_hash)
    extra_holders = [User(email=email, display_name=name, role="holder",
                          password_hash=password_hash) for email, name in EXTRA_HOLDERS]
    db.session.add_all([*logins.values(), *extra_holders])
    db.session.flush()
    money = load_demo_money(logins)
    load_demo_pools(logins["account_manager"])
    load_demo_needs()
    load_demo_reviews(logins["commissioner"], password_hash)
    load_demo_demand()
    # The demo people stand for people already using the site, so their addresses count as
    # confirmed, as migration 0023 counted every account that existed then.
    db.session.execute(sa.update(User).where(User.id > users_before)
                       .values(email_verified_at=utcnow()))

    services = market.services
    return DemoSummary(
        providers=len(providers),
        services=len(services),
        paused=sum(service["status"] == "paused" for service in services),
        user_led=sum(provider.is_user_led for provider in providers),
        micro=sum(provider.is_micro for provider in providers),
        categories=len({service["category"] for service in services}),
        demo_provider_name=demo_provider["name"],
        money=money,
        reviews=reviews_summary(),
    )


def _write_market(market: Market, password_hash: str, demo_provider_number: int) -> list[Provider]:
    by_number: dict[int, Provider] = {}
    for fields in market.providers:
        fields = dict(fields)
        number = fields.pop("number")
        email, name = fields.pop("owner_email"), fields.pop("owner_name")
        if number == demo_provider_number:
            email = "demo-provider@example.org"
        owner = User(email=email, display_name=name, role="provider", password_hash=password_hash)
        by_number[number] = Provider(owner=owner, **fields)
    db.session.add_all(by_number.values())
    rows = []
    for fields in market.services:
        fields = dict(fields)
        rows.append(Service(provider=by_number[fields.pop("provider_number")], **fields))
    db.session.add_all(rows)
    db.session.flush()
    for service in rows:
        queue_reindex(service.id)
    return list(by_number.values())


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (successfully) if any provider already exists. Used by `make run`.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo Greater Manchester market and print the demo logins.

    The data is the same on every run. It refuses if any provider already exists.
    """
    try:
        summary = load_demo_market()
    except DemoDataExists as error:
        db.session.rollback()
        if if_empty and isinstance(error, ProvidersExist):
            click.echo("Providers already exist, so the demo market was not loaded.")
            return
        raise click.ClickException(
            f"{error.message}, so the demo market was not loaded and nothing was changed. "
            "Use an empty database (or --if-empty to skip quietly when there is data)."
        ) from error
    db.session.commit()
    _print_summary(summary)


def _print_summary(summary: DemoSummary) -> None:
    role_labels = {"holder": "Budget holder", "supporter": "Supporter", "provider": "Provider",
                   "commissioner": "Commissioner", "account_manager": "Account manager",
                   "moderator": "Moderator"}
    click.echo("Loaded the demo market for Greater Manchester:")
    click.echo(f"  {summary.providers} providers: {summary.user_led} user-led organisations, "
               f"{summary.micro} micro-providers ({vocabulary.MICRO_PROVIDER_SIZE})")
    click.echo(f"  {summary.services} services in {summary.categories} categories "
               f"({summary.paused} paused)")
    click.echo("  Every service is queued for the search index; `flask --app wsgi reindex` "
               "rebuilds it in one go.")
    money = summary.money
    click.echo(f"  {money.streams} funding streams, {money.budgets} budgets and {money.orders} "
               f"orders in all {money.states} order states; one payment run paid")
    reviews = summary.reviews
    click.echo(f"  {reviews.reviews} reviews of {reviews.services} services: {reviews.published} "
               f"published, {reviews.held} waiting for a moderator, {reviews.on_hold} on the "
               "short hold for 1 and 2 stars")
    click.echo("")
    click.echo(f"Demo logins (password for every demo account: {DEMO_PASSWORD}):")
    for role, email, _ in DEMO_LOGINS:
        note = {"provider": f" (owner of {summary.demo_provider_name})",
                "account_manager": f" (staff of {money.organisation_name})"}.get(role, "")
        click.echo(f"  {role_labels[role]:<16} {email}{note}")
    click.echo(f"  More holders     {', '.join(email for email, _ in EXTRA_HOLDERS)}")
    click.echo(f"  Reviewers        demo-reviewer-1@example.org to "
               f"demo-reviewer-{len(REVIEWERS)}@example.org")

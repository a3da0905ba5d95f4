"""Pieces of ordering that other areas' pages show: the spending-rule notice (search results,
service page) and the "Order this" box on the service page. Registered as Jinja globals by the
orders blueprint, so imported macros (which see no request context) can call them too.

They read only; a refusal here is advice, and place_order refuses again on the server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import g
from flask_login import current_user

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.needs.models import Quote
from marketplace.orders.checkout import BudgetOption, budget_options, outcome_choices
from marketplace.orders.quoted_price import Price, quote_for_order
from marketplace.orders.forms import ChooseHolderForm, OrderDetailsForm, new_token
from marketplace.orders.services import budgets_for_holder, spending_rule_problem
from marketplace.providers.models import Service


def _signed_in_holder() -> User | None:
    if not getattr(current_user, "is_authenticated", False) or current_user.role != "holder":
        return None
    return current_user


def spending_notices(category: str) -> list[str]:
    """ "Your Health budget can't be used for this because ..." for each of the logged-in
    holder's funding streams that blocks this category (empty for everyone else)."""
    holder = _signed_in_holder()
    if holder is None or not category:
        return []
    cache = g.setdefault("_spending_notices", {})
    key = (holder.id, category)
    if key not in cache:
        notices: list[str] = []
        for budget in budgets_for_holder(holder.id):
            problem = spending_rule_problem(budget, SimpleNamespace(category=category))
            if problem and problem not in notices:
                notices.append(problem)
        cache[key] = notices
    return cache[key]


@dataclass
class OrderBox:
    #: "form" (a holder, or a supporter who chose someone), "choose" (a supporter picks a
    #: person first), "no_budget", "login", "free" (join by contacting the provider), or ""
    #: (nothing to show: providers, staff...).
    kind: str
    form: OrderDetailsForm | None = None
    holder: User | None = None
    #: What the form orders at: the service's price, or a quote's for the holder's need.
    price: Price | None = None
    #: Why a quote cannot be ordered now (kind "quote_problem"), with the need to go back to.
    problem: str = ""
    need_id: int | None = None
    options: list[BudgetOption] = field(default_factory=list)
    choose_form: ChooseHolderForm | None = None

    @property
    def usable(self) -> bool:
        return any(option.problem is None for option in self.options)

    @property
    def sharing_hint(self) -> str:
        """Beside "Tell the provider what this is for": who sees the outcome otherwise."""
        who = ("you and your supporters" if self.holder.id == current_user.id
               else f"{self.holder.display_name} and their supporters")
        return f"Otherwise only {who} see which outcome in the plan this order is for."


def order_form_for(holder: User, service: Service,
                   form: OrderDetailsForm | None = None) -> OrderBox:
    """The order form for this holder, with their budgets and outcomes as choices, at the
    service's price or at the price of the quote the form names."""
    price = Price(service.price_pence, service.price_unit)
    if form is not None and form.quote_number() is not None:
        try:
            quote = quote_for_order(current_user, holder.id, service, form.quote_number())
        except NotFound:
            raise
        except DomainError as refused:
            quote = db.session.get(Quote, form.quote_number())
            return OrderBox("quote_problem", holder=holder, problem=refused.message,
                            need_id=quote.need_id)
        price = Price(quote.price_pence, quote.price_unit, quote)
        if not (form.quantity.data or "").strip():
            form.quantity.process_data(quote.sessions)
            form.quantity.data = str(quote.sessions)
    if price.unit_price_pence == 0:
        return OrderBox("free", holder=holder)
    options = budget_options(holder, service)
    if not options:
        return OrderBox("no_budget", holder=holder)
    form = form or OrderDetailsForm(
        formdata=None, data={"holder_id": holder.id, "token": new_token()}
    )
    form.set_choices([option.budget.id for option in options], outcome_choices(holder))
    form.quantity.label.text = f"How many {price.price_unit}s"
    if form.budget_id.data is None:
        usable = [option for option in options if option.problem is None]
        if len(usable) == 1:
            form.budget_id.data = usable[0].budget.id
    return OrderBox("form", form=form, holder=holder, options=options, price=price)


def order_box(service: Service) -> OrderBox:
    if not service.is_active:
        return OrderBox("")
    if service.price_pence == 0:
        return OrderBox("free")
    if not getattr(current_user, "is_authenticated", False):
        return OrderBox("login")
    if current_user.role == "holder":
        return order_form_for(current_user, service)
    if current_user.role == "supporter":
        people = consent.holders_for(current_user, "buy")
        if not people:
            return OrderBox("")
        choose = ChooseHolderForm(formdata=None)
        choose.holder_id.choices = [(person.id, person.display_name) for person in people]
        return OrderBox("choose", choose_form=choose)
    return OrderBox("")

"""The holder's answers to quotes: accept one (by ordering it at the quoted price, or by
starting a pool from it), and decline the others in one step with a kind standard message.

Accepting is the only moment a provider learns who the holder is: by the order, which names
the holder as every order does, or, for a pool, only by the display names members choose.
Every answer is a compare-and-set on the quote's state, so two tabs (or two supporters)
cannot both answer."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.needs.models import Need, Quote
from marketplace.needs.services import need_to_change, short_words
from marketplace.notifications.services import notify
from marketplace.pools import services as pools
from marketplace.times import format_date, utcnow

#: Sent to every provider whose quote was not taken: thanks, no reasons asked for.
KIND_DECLINE = ("Thank you for your quote for “{words}”. The person has chosen not to go "
                "ahead with it this time. Thank you for taking the time: we will keep "
                "showing you needs like this one.")


class QuoteAnswered(DomainError):
    status = 409
    code = "already_answered"


class QuoteExpired(DomainError):
    status = 409
    code = "quote_expired"


def _answer(quote: Quote, to_state: str) -> bool:
    changed = db.session.execute(
        sa.update(Quote).where(Quote.id == quote.id, Quote.state == "live")
        .values(state=to_state, answered_at=utcnow(), updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.expire(quote)
    return changed == 1


def quote_to_answer(actor: User, need_id: int, quote_id: int) -> Quote:
    """A live, unexpired quote on the actor's open need, or why not."""
    need = need_to_change(actor, need_id)
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.need_id != need.id or quote.state == "withdrawn":
        raise NotFound("We could not find that quote.")
    if not need.is_open or quote.state != "live":
        raise QuoteAnswered("This need has already been answered.", field="quote_id")
    if quote.is_expired:
        raise QuoteExpired(f"This quote ran out on {format_date(quote.expires_on)}, so it "
                           "cannot be accepted. Ask "
                           f"{quote.provider.name} for a new one, or choose another.",
                           field="quote_id")
    return quote


def _accept(quote: Quote, need: Need, *, pool_id: int | None = None,
            order_id: int | None = None) -> None:
    if not _answer(quote, "accepted"):
        raise QuoteAnswered("This need has already been answered.", field="quote_id")
    quote.pool_id = pool_id
    quote.order_id = order_id
    need.state = "accepted"
    need.ended_at = utcnow()
    if pool_id:
        how = ("They have started a group pool from it: you will see it under Group "
               "purchases on your orders page when every share is in.")
        link = f"/provider/needs/{need.id}"
    else:
        how = f"They have ordered it: see order {order_id}."
        link = f"/orders/{order_id}"
    notify(quote.provider.owner,
           f"Your quote of {quote.sessions} × {format_pence(quote.price_pence)} for "
           f"“{short_words(need.words)}” was accepted. {how}",
           link=link, email_subject="Your quote was accepted")


def accept_by_order(quote: Quote, order) -> None:
    """Placing an order at the quote's price accepts it (orders.services.place_order)."""
    _accept(quote, quote.need, order_id=order.id)


def accept_quote_into_pool(actor: User, need_id: int, quote_id: int,
                           request: pools.PoolRequest, pledge: pools.Pledge) -> pools.StartedPool:
    """Start a pool from the quote at its price and sessions, the holder its first member."""
    quote = quote_to_answer(actor, need_id, quote_id)
    need = quote.need
    if not need.would_pool:
        raise DomainError("This need is not to be pooled.")
    started = pools.start_pool(actor, need.holder_id, pools.PoolRequest(
        service_id=quote.service_id, sessions=quote.sessions, quote_id=quote.id,
        min_members=request.min_members, max_members=request.max_members,
        deadline_on=request.deadline_on, open_to=request.open_to, title=request.title,
        what_it_buys=request.what_it_buys), pledge)
    _accept(quote, need, pool_id=started.pool.id)
    if started.pool.open_to != "invite":
        from marketplace.needs.peers import tell_peers_about_pool

        tell_peers_about_pool(need, started.pool)
    db.session.flush()
    return started


def decline_live_quotes(need: Need) -> int:
    """Decline every quote still waiting, each provider told kindly. Returns how many."""
    declined = 0
    for quote in list(need.quotes):
        if quote.state == "live" and _answer(quote, "declined"):
            declined += 1
            notify(quote.provider.owner, KIND_DECLINE.format(words=short_words(need.words)),
                   email_subject="About your quote")
    return declined


def decline_other_quotes(actor: User, need_id: int) -> int:
    """Decline, in one step, every quote not accepted."""
    need = need_to_change(actor, need_id)
    declined = decline_live_quotes(need)
    if not declined:
        raise DomainError("There are no quotes waiting for an answer.")
    db.session.flush()
    return declined

"""Each payout page has one h1, headings that do not skip a level, unique ids and a label for
every form field (what axe-core checks first), in every state a run can be in."""
from html.parser import HTMLParser

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutItem
from tests.payouts.conftest import login


class Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.fields: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id", ""))


def check(page: str) -> None:
    parsed = Structure()
    parsed.feed(page)
    assert parsed.headings.count(1) == 1
    level = 1
    for heading in parsed.headings[parsed.headings.index(1):]:
        assert heading <= level + 1, parsed.headings
        level = heading
    assert len(parsed.ids) == len(set(parsed.ids))
    assert all(field and field in parsed.labels for field in parsed.fields)


def test_every_payout_page_is_well_formed(app, market):
    market.order(market.sam, market.art)
    market.order(market.sam, market.listen)
    manager = login(app, market.manager)
    check(manager.get("/managed/payouts").get_data(as_text=True))
    payer = payouts.payer_for(market.manager)
    run = payouts.create_payout_run(market.manager, payer, "bacs_file").run
    db.session.commit()
    for step in (None, payouts.send_payout_run, payouts.mark_payout_run_paid):
        if step:
            step(market.manager, payer, run.id)
            db.session.commit()
        check(manager.get(f"/managed/payouts/{run.id}").get_data(as_text=True))
    check(manager.get("/managed/payouts").get_data(as_text=True))
    check(manager.get("/managed/reconciliation").get_data(as_text=True))

    provider = login(app, market.bright.owner)
    item = db.session.scalars(sa.select(PayoutItem)).one()
    for url in ("/provider/payments", f"/provider/payments/{item.id}", "/provider/payout-details"):
        check(provider.get(url).get_data(as_text=True))
    check(provider.post("/provider/payout-details", data={"sort_code": "1"}).get_data(as_text=True))

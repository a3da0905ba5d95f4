"""Who may NOT see or write in an enquiry: a conversation is for its two sides (and
supporters with the holder's 'buy' permission); everyone else gets 404, and only holders and
supporters start one."""
from __future__ import annotations

import pytest

from tests.enquiries.helpers import QUESTION, asked, enquiries, messages
from tests.factories import make_user
from tests.orders.pages import anonymous, browser, grant, text


def thread_urls(enquiry, message_id):
    return [("get", f"/enquiries/{enquiry.id}"),
            ("post", f"/enquiries/{enquiry.id}/messages"),
            ("post", f"/enquiries/{enquiry.id}/close"),
            ("post", f"/enquiries/{enquiry.id}/share-contact"),
            ("get", f"/enquiries/{enquiry.id}/messages/{message_id}/report")]


@pytest.mark.parametrize("who", ["other_holder", "other_provider_owner", "commissioner",
                                 "staff"])
def test_nobody_else_reads_or_writes_in_a_conversation(app, market, who):
    enquiry = asked(market)
    outsider = browser(app, getattr(market, who))
    for method, url in thread_urls(enquiry, messages()[0].id):
        response = getattr(outsider, method)(url, data={"text": "Hi", "reason": "x"})
        assert response.status_code == 404, (who, url)
    assert QUESTION not in text(outsider.get("/enquiries"))
    assert len(messages()) == 1 and enquiries()[0].is_open


def test_logged_out_people_are_sent_to_log_in(app, market):
    enquiry = asked(market)
    visitor = anonymous(app)
    for method, url in [("get", f"/services/{market.service.id}/enquire"), ("get", "/enquiries"),
                        *thread_urls(enquiry, messages()[0].id)]:
        response = getattr(visitor, method)(url, data={"text": "Hi"})
        assert response.status_code == 302 and "/login" in response.location, url
    assert "Ask the provider a question" in text(visitor.get(f"/services/{market.service.id}"))


def test_a_provider_does_not_start_an_enquiry(app, market):
    bea = browser(app, market.provider_owner)
    assert "Ask the provider a question" not in text(bea.get(f"/services/{market.service.id}"))
    for method in ("get", "post"):
        response = getattr(bea, method)(f"/services/{market.service.id}/enquire",
                                        data={"holder_id": market.sam.id, "text": "Hi"})
        assert response.status_code == 403
    assert enquiries() == []
    assert browser(app, market.commissioner).get("/enquiries").status_code == 403


def test_a_supporter_with_buy_asks_for_the_holder_and_one_without_cannot(app, market):
    helper, nosy = make_user("supporter", name="Kim Helper"), make_user("supporter")
    grant(market.sam, helper, ["view", "buy"])
    grant(market.sam, nosy, ["view", "plan"])
    kim = browser(app, helper)
    sent = kim.post(f"/services/{market.service.id}/enquire",
                    data={"holder_id": market.sam.id, "text": QUESTION})
    assert sent.status_code == 302
    enquiry = enquiries()[0]
    assert enquiry.holder_id == market.sam.id and enquiry.started_by_id == helper.id
    assert QUESTION in text(kim.get(f"/enquiries/{enquiry.id}"))
    assert "for Sam Patel" in text(kim.get("/enquiries"))
    # Only the holder shares the holder's own contact details.
    assert kim.post(f"/enquiries/{enquiry.id}/share-contact").status_code == 403
    assert QUESTION in text(browser(app, market.sam).get(f"/enquiries/{enquiry.id}"))

    other = browser(app, nosy)
    refused = other.get(f"/services/{market.service.id}/enquire")
    assert refused.status_code == 403 and "‘buy’ permission" in text(refused)
    assert other.post(f"/services/{market.service.id}/enquire",
                      data={"holder_id": market.sam.id, "text": "Hi"}).status_code == 403
    for method, url in thread_urls(enquiry, messages()[0].id):
        assert getattr(other, method)(url, data={"text": "Hi"}).status_code == 404, url
    assert len(enquiries()) == 1 and len(messages()) == 1


def test_a_supporter_cannot_ask_for_someone_who_did_not_invite_them(app, market):
    helper = make_user("supporter")
    grant(market.sam, helper, ["view", "buy"])
    kim = browser(app, helper)
    response = kim.post(f"/services/{market.service.id}/enquire",
                        data={"holder_id": market.other_holder.id, "text": "Hi"})
    assert response.status_code == 400 and enquiries() == []

"""Asking a provider a question through the pages: the conversation both sides see, the
emails and notifications each message sends, the holder's privacy until they share their
details, closing, and the words that must be escaped."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.enquiries.helpers import QUESTION, answered, asked, enquiries, messages
from tests.mail import emails_to
from tests.orders.pages import anonymous, browser, text


def test_a_holder_asks_from_the_service_page_and_the_provider_answers(app, market):
    sam, bea = browser(app, market.sam), browser(app, market.provider_owner)
    service_page = text(sam.get(f"/services/{market.service.id}"))
    assert "Ask the provider a question" in service_page

    form = sam.get(f"/services/{market.service.id}/enquire")
    assert form.status_code == 200 and "does not see your name or email" in text(form)
    sent = sam.post(f"/services/{market.service.id}/enquire",
                    data={"holder_id": market.sam.id, "text": QUESTION, "shown_as": ""})
    assert sent.status_code == 302
    thread = text(sam.get(sent.location))
    assert QUESTION in thread and "Your message is sent" in thread
    assert "Bright Days sees you as “A budget holder”" in thread

    enquiry = enquiries()[0]
    mail = emails_to(market.provider_owner.email)
    assert len(mail) == 1 and f"http://127.0.0.1:5000/enquiries/{enquiry.id}" in mail[0].body
    assert "Sam" not in mail[0].body and market.sam.email not in mail[0].body

    listed = text(bea.get("/enquiries"))
    assert "Photography group" in listed and "A budget holder" in listed
    provider_view = text(bea.get(f"/enquiries/{enquiry.id}"))
    assert QUESTION in provider_view
    assert "Sam" not in provider_view and market.sam.email not in provider_view
    assert "Share my name and email" not in provider_view

    bea.post(f"/enquiries/{enquiry.id}/messages", data={"text": "Yes, the hall is step-free."})
    assert "Yes, the hall is step-free." in text(sam.get(f"/enquiries/{enquiry.id}"))
    assert "Photography group" in text(sam.get("/enquiries"))
    notes = db.session.query(Notification).filter_by(user_id=market.sam.id).all()
    assert [note.link for note in notes] == [f"/enquiries/{enquiry.id}"]
    assert "Bright Days sent you a message" in emails_to(market.sam.email)[0].body


def test_a_second_question_joins_the_open_conversation(app, market):
    sam = browser(app, market.sam)
    for words in (QUESTION, "And is there parking?"):
        sam.post(f"/services/{market.service.id}/enquire",
                 data={"holder_id": market.sam.id, "text": words})
    assert len(enquiries()) == 1 and len(messages()) == 2


def test_the_holder_chooses_a_name_and_later_shares_contact_details(app, market):
    sam, bea = browser(app, market.sam), browser(app, market.provider_owner)
    sam.post(f"/services/{market.service.id}/enquire",
             data={"holder_id": market.sam.id, "text": QUESTION, "shown_as": "S."})
    enquiry = enquiries()[0]
    assert "With S." in text(bea.get(f"/enquiries/{enquiry.id}"))
    assert "Share my name and email" in text(sam.get(f"/enquiries/{enquiry.id}"))

    shared = sam.post(f"/enquiries/{enquiry.id}/share-contact")
    assert shared.status_code == 302
    seen = text(bea.get(f"/enquiries/{enquiry.id}"))
    assert "Sam Patel" in seen and market.sam.email in seen
    assert "shared contact details" in seen
    db.session.expire_all()
    assert enquiries()[0].contact_shared_at is not None
    assert "Share my name and email" not in text(sam.get(f"/enquiries/{enquiry.id}"))


def test_the_area_label_when_the_holder_gave_an_area(app, market):
    market.sam.home_authority = "salford"
    db.session.commit()
    enquiry = asked(market)
    assert enquiry.holder_label == "A budget holder in Salford"


def test_messages_are_plain_text_escaped_required_and_limited(app, market):
    sam = browser(app, market.sam)
    url = f"/services/{market.service.id}/enquire"
    empty = sam.post(url, data={"holder_id": market.sam.id, "text": "   "})
    assert empty.status_code == 400 and "Write your question" in text(empty)
    long = sam.post(url, data={"holder_id": market.sam.id, "text": "x" * 2001})
    assert long.status_code == 400 and "Use 2000 characters or fewer" in text(long)
    assert enquiries() == []

    script = "<script>alert(1)</script> <b>bold</b>"
    sam.post(url, data={"holder_id": market.sam.id, "text": script})
    enquiry = enquiries()[0]
    bea = browser(app, market.provider_owner)
    for page in (bea.get(f"/enquiries/{enquiry.id}"), sam.get(f"/enquiries/{enquiry.id}")):
        html = page.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    reply = bea.post(f"/enquiries/{enquiry.id}/messages", data={"text": ""})
    assert reply.status_code == 400 and "Write your message" in text(reply)


def test_safeguarding_words_show_help_at_once_and_flag_the_message(app, market):
    sam = browser(app, market.sam)
    page = sam.post(f"/services/{market.service.id}/enquire", data={
        "holder_id": market.sam.id, "text": "Some days I think about ending my life."})
    assert page.status_code == 200
    words = text(page)
    assert "Samaritans on 116 123" in words and "NHS 111 and choose option 2" in words
    assert "Your message was sent to the provider" in words
    assert messages()[0].safeguarding is True

    commissioner = browser(app, market.commissioner)
    queue = text(commissioner.get("/moderation/enquiries"))
    assert "Some days I think about ending my life." in queue
    assert "Safeguarding words" in queue

    # A provider's message is not read for the holder's safeguarding.
    answered(market, enquiries()[0], "We can talk about ending the group early.")
    assert messages()[1].safeguarding is False


def test_either_side_reports_a_message_and_a_commissioner_reads_it(app, market):
    enquiry = asked(market)
    answered(market, enquiry, "Stop asking questions.")
    sam = browser(app, market.sam)
    provider_message = messages()[1]
    url = f"/enquiries/{enquiry.id}/messages/{provider_message.id}/report"
    assert "Report this message" in text(sam.get(f"/enquiries/{enquiry.id}"))
    missing = sam.post(url, data={"reason": ""})
    assert missing.status_code == 400 and "Say what is wrong with the message" in text(missing)
    assert sam.post(url, data={"reason": "Rude to me."}).status_code == 302
    again = sam.post(url, data={"reason": "Rude to me."})
    assert again.status_code == 409 and "already reported" in text(again)
    # One's own message is not reported.
    own = f"/enquiries/{enquiry.id}/messages/{messages()[0].id}/report"
    assert sam.post(own, data={"reason": "x"}).status_code == 404

    bea = browser(app, market.provider_owner)
    holder_url = f"/enquiries/{enquiry.id}/messages/{messages()[0].id}/report"
    assert bea.post(holder_url, data={"reason": "Not a real question."}).status_code == 302

    queue = text(browser(app, market.commissioner).get("/moderation/enquiries"))
    assert "Rude to me." in queue and "Not a real question." in queue
    for person in (market.sam, market.provider_owner):
        assert browser(app, person).get("/moderation/enquiries").status_code == 403
    assert anonymous(app).get("/moderation/enquiries").status_code == 302


def test_either_side_closes_and_then_nobody_writes(app, market):
    enquiry = asked(market)
    bea, sam = browser(app, market.provider_owner), browser(app, market.sam)
    assert bea.post(f"/enquiries/{enquiry.id}/close").status_code == 302
    page = text(sam.get(f"/enquiries/{enquiry.id}"))
    assert "Closed by Bright Days on" in page and "Send my message" not in page
    refused = sam.post(f"/enquiries/{enquiry.id}/messages", data={"text": "Hello?"})
    assert refused.status_code == 409 and "conversation is closed" in text(refused)
    assert bea.post(f"/enquiries/{enquiry.id}/close").status_code == 409
    assert len(messages()) == 1
    assert "was closed" in emails_to(market.sam.email)[-1].body

    # A new question after a closed conversation starts a new one.
    asked(market, text="One more question, please.")
    assert [e.state for e in enquiries()] == ["closed", "open"]
    assert "Closed by you on" in text(bea.get(f"/enquiries/{enquiry.id}"))

"""A moderator edits personal data out of a held review, starting from the detectors'
suggestion, with a note its author reads, and publishes it; the edit is recorded with who and
the note, the removed details are kept nowhere, and nobody else can edit."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewAction
from tests.factories import make_user
from tests.orders.pages import anonymous, browser, text
from tests.reviews.moderators import appoint, held_review

PHONE = "07700 900123"
WORDS = f"Lovely group. Ring Bea on {PHONE} to join."
NOTE = "We removed a phone number"


def _edit(review, **fields) -> dict:
    return {f"edit-{review.id}-{name}": value for name, value in fields.items()}


def test_the_moderator_edits_out_a_phone_number_with_a_note_and_publishes(app, market):
    order, review = held_review(app, market, text=WORDS)
    rae = appoint(app, market)
    moderator = browser(app, rae)
    queue = moderator.get("/moderation").get_data(as_text=True)
    # The suggestion is already in the box: the number replaced, everything else kept.
    assert "Lovely group. Ring Bea on [phone number removed] to join.</textarea>" in queue
    done = moderator.post(f"/moderation/reviews/{review.id}/edit", data=_edit(
        review, text="Lovely group. Ring the provider to join.", note=NOTE))
    assert done.status_code == 302
    assert f"Review {review.id} edited and published" in text(moderator.get(done.location))

    db.session.expire_all()
    published = db.session.get(Review, review.id)
    assert published.state == "published"
    assert published.text == "Lovely group. Ring the provider to join."
    actions = db.session.scalars(sa.select(ReviewAction).order_by(ReviewAction.id)).all()
    assert [(a.action, a.actor_id, a.reason) for a in actions] == [
        ("edit", rae.id, NOTE), ("publish", rae.id, "")]
    # The removed number is kept nowhere: not in the review, its reasons, or the edit's record.
    assert published.held_reasons == []
    for table, column in (("reviews", "text"), ("reviews", "held_reasons"),
                          ("review_actions", "reason")):
        assert db.session.execute(sa.text(
            f"SELECT count(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE '%900123%'")
        ).scalar() == 0

    service = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Ring the provider to join." in service and PHONE not in service
    mine = text(browser(app, market.sam).get(f"/orders/{order.id}/review"))
    assert "Your review shows on the service's page." in mine
    assert f"A moderator changed your review before it showed, to keep people's details " \
           f"private. They said: “{NOTE}”" in mine


def test_the_edit_needs_a_note_and_a_change_and_says_so_beside_the_field(app, market):
    _order, review = held_review(app, market, text=WORDS)
    moderator = browser(app, market.commissioner)
    no_note = moderator.post(f"/moderation/reviews/{review.id}/edit",
                             data=_edit(review, text="Lovely group.", note=" "))
    assert no_note.status_code == 400
    page = no_note.get_data(as_text=True)
    assert "Tell the author what you took out" in text(no_note)
    assert 'id="edit-%d-note-error"' % review.id in page or "field-has-error" in page
    assert "<details class=\"moderator-edit\" open>" in page
    unchanged = moderator.post(f"/moderation/reviews/{review.id}/edit",
                               data=_edit(review, text=WORDS, note=NOTE))
    assert unchanged.status_code == 400
    assert "Nothing was changed" in text(unchanged)
    emptied = moderator.post(f"/moderation/reviews/{review.id}/edit",
                             data=_edit(review, text="", note=NOTE))
    assert emptied.status_code == 400 and "reject it instead" in text(emptied)
    db.session.expire_all()
    assert db.session.get(Review, review.id).text == WORDS
    assert db.session.scalars(sa.select(ReviewAction)).all() == []


def test_an_edit_is_escaped_and_only_for_a_review_still_waiting(app, market):
    _order, review = held_review(app, market, text=WORDS)
    moderator = browser(app, market.commissioner)
    script = "<script>alert(1)</script> Lovely."
    moderator.post(f"/moderation/reviews/{review.id}/edit",
                   data=_edit(review, text=script, note=NOTE))
    page = anonymous(app).get(f"/services/{market.service.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Lovely." in page and script not in page
    again = moderator.post(f"/moderation/reviews/{review.id}/edit",
                           data=_edit(review, text="Other words.", note=NOTE))
    assert again.status_code == 409 and "no longer waiting" in text(again)
    missing = moderator.post("/moderation/reviews/99999/edit",
                             data={"edit-99999-text": "x", "edit-99999-note": NOTE})
    assert missing.status_code == 404


def test_nobody_but_a_moderator_can_edit(app, market):
    _order, review = held_review(app, market, text=WORDS)
    rae = appoint(app, market)
    removed = browser(app, rae)
    browser(app, market.commissioner).post(f"/moderation/moderators/{rae.id}/remove")
    assert removed.post(f"/moderation/reviews/{review.id}/edit", data=_edit(
        review, text="Hacked.", note=NOTE)).status_code == 302  # logged out: to log in
    for person in (market.sam, market.provider_owner, market.staff, make_user("supporter")):
        refused = browser(app, person).post(f"/moderation/reviews/{review.id}/edit",
                                            data=_edit(review, text="Hacked.", note=NOTE))
        assert refused.status_code == 403, person.role
    assert anonymous(app).post(f"/moderation/reviews/{review.id}/edit",
                               data=_edit(review, text="Hacked.", note=NOTE)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, review.id).text == WORDS
    assert db.session.scalars(sa.select(ReviewAction)).all() == []

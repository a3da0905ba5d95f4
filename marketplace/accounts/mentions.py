"""Finding and removing a person who closed their account from what other people were told.

Other people's notifications, emails and notes name the person ("Order 12 was cancelled by
Sam Patel"), give their email ("Jo Reed (jo@example.org) accepted your invitation") or quote
their words (an outcome, a need). Closing the account (accounts/closure.py) gathers every name
and text the person had into one Mentions, and each area rewrites its own free-text columns
with it: names become the pseudonym, email addresses a marker, and a text that quotes their
words is replaced whole, since a quote may be cut short anywhere (notifications keep 500
characters, needs are shortened to 120).

`rows_mentioning` is how an area finds the few rows to rewrite: one case-insensitive pattern of
their names and words per column, in groups so that a person with many messages never makes
one enormous statement.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from marketplace.extensions import db

#: Words shorter than this are not looked for: "Yes" or "Thanks" would match everyone's mail.
SHORTEST_WORDS = 12
#: The start of a text that is looked for: enough to be theirs, short enough to survive a cut.
QUOTE_PREFIX = 40
EMAIL_REMOVED = "[email address removed]"
#: Needles per statement in rows_mentioning.
BATCH = 50


@dataclass(frozen=True)
class Mentions:
    #: Names the person was known by (their name, names chosen for pools and enquiries, a sole
    #: trader's business name), each replaced by the pseudonym as a whole word.
    names: tuple[str, ...]
    #: The first word of each name ("Sam" of "Sam Patel"): replaced only in what was written
    #: about the person's own things (replies to their reviews, notes on their orders), as
    #: elsewhere it is as likely to be someone else's.
    given_names: tuple[str, ...]
    #: Email addresses they had, each replaced by EMAIL_REMOVED.
    emails: tuple[str, ...]
    #: The start of each line they wrote (plan, outcomes, messages, needs, notes): a text
    #: holding one is removed whole.
    words: tuple[str, ...]
    pseudonym: str

    @classmethod
    def of(cls, *, names: Iterable[str], emails: Iterable[str], words: Iterable[str],
           pseudonym: str) -> Mentions:
        def cleaned(values: Iterable[str], shortest: int = 1) -> tuple[str, ...]:
            kept = {" ".join((value or "").split()) for value in values}
            return tuple(sorted((value for value in kept if len(value) >= shortest),
                                key=len, reverse=True))

        # Each line of their words on its own: a quote keeps the line breaks, and a LIKE
        # cannot see past them.
        lines = (line.strip()[:QUOTE_PREFIX] for text in words
                 for line in (text or "").splitlines())
        names = cleaned(names, 2)
        given = (name.split()[0] for name in names if " " in name)
        return cls(names=names, given_names=cleaned(given, 3), emails=cleaned(emails, 3),
                   words=cleaned(lines, SHORTEST_WORDS), pseudonym=pseudonym)

    @property
    def needles(self) -> tuple[str, ...]:
        return self.names + self.emails + self.words

    def quotes_words(self, text: str | None) -> bool:
        text = (text or "").lower()
        return any(words.lower() in text for words in self.words)

    def replace_names(self, text: str | None, *, given_names: bool = False) -> str:
        """The text with their emails and names replaced (and their first names too, for
        text about the person's own things)."""
        text = text or ""
        for email in self.emails:
            text = re.sub(re.escape(email), EMAIL_REMOVED, text, flags=re.IGNORECASE)
        for name in self.names:
            text = re.sub(_whole_words(name), self.pseudonym, text, flags=re.IGNORECASE)
        # A first name only as written: "Will" is a name, "will" is not.
        for name in self.given_names if given_names else ():
            text = re.sub(_whole_words(name), self.pseudonym, text)
        return text

    def scrub(self, text: str | None, removed: str, *, given_names: bool = False) -> str:
        """The text without the person: `removed` if it quotes their words, else with their
        names and emails replaced."""
        if self.quotes_words(text):
            return removed
        return self.replace_names(text, given_names=given_names)


def _whole_words(name: str) -> str:
    # Any run of spaces in the name matches any run in the text ("Sam  Patel" is "Sam Patel");
    # the ends must not run on into a longer word ("Sam" is not in "Samira").
    parts = [re.escape(part) for part in name.split()]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def rows_mentioning(model, columns: list, mentions: Mentions, *where) -> Iterator:
    """Each row of `model` (with `where`) whose `columns` contain any needle, once."""
    needles = list(mentions.needles)
    seen: set = set()
    for start in range(0, len(needles), BATCH):
        batch = needles[start:start + BATCH]
        found = sa.or_(*(_contains_any(column, batch) for column in columns))
        for row in db.session.scalars(sa.select(model).where(found, *where)):
            if row.id not in seen:
                seen.add(row.id)
                yield row


def _contains_any(column, needles: list[str]):
    """Case-insensitive "contains any of these", reading each value once (a LIKE per needle
    reads it once per needle: five times slower over 50,000 emails, docs/account-closure.md).
    PostgreSQL: lower(column) LIKE ANY (patterns). SQLite: SQLAlchemy's REGEXP function."""
    if db.session.get_bind().dialect.name == "postgresql":
        patterns = [f"%{_like_escaped(needle.lower())}%" for needle in needles]
        return sa.func.lower(column).like(sa.any_(sa.literal(patterns, ARRAY(sa.Text))))
    return column.regexp_match("|".join(re.escape(needle) for needle in needles), flags="i")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

"""Plain-language synonyms: reads synonyms.txt (format documented at its top) and expands the
words of a query into units, each with the alternatives that should also match.

Invariants: a unit's own text is always one of the texts it matches; multi-word entries match
as phrases and the longest entry starting at a word wins ("peer support group" prefers the
entry "peer support" over "peer"); the file is re-read when its modification time changes,
so editors need not restart the site. No whoosh here: index.py turns units into queries.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """'Carer's  Support!' -> ['carers', 'support']: lower case, apostrophes dropped."""
    return _WORD.findall((text or "").lower().replace("'", "").replace("\u2019", ""))


@dataclass(frozen=True)
class QueryUnit:
    #: The words the person typed for this unit, joined by spaces.
    text: str
    #: Other texts (words or phrases) that also match, best first; never includes text.
    alternatives: tuple[str, ...] = ()
    #: True when the unit came from a synonym entry (so it is not a candidate misspelling).
    known: bool = False


class Synonyms:
    """A parsed synonyms file: phrase (tuple of words) -> alternative phrases."""

    def __init__(self, rules: dict[tuple[str, ...], list[str]]):
        self.rules = rules
        self.longest = max((len(key) for key in rules), default=1)

    @classmethod
    def parse(cls, text: str) -> "Synonyms":
        rules: dict[tuple[str, ...], list[str]] = {}

        def add(source: str, targets: list[str]) -> None:
            key = tuple(words_of(source))
            if not key:
                return
            found = rules.setdefault(key, [])
            for target in targets:
                target_text = " ".join(words_of(target))
                if target_text and target_text != " ".join(key) and target_text not in found:
                    found.append(target_text)

        for raw_line in text.splitlines():
            line = raw_line.strip()
            if not line or line.startswith("#"):
                continue
            if "->" in line:
                left, _, right = line.partition("->")
                targets = [part for part in right.split(",") if words_of(part)]
                for source in left.split(","):
                    add(source, targets)
            else:
                members = [part for part in line.split(",") if words_of(part)]
                for member in members:
                    add(member, members)
        return cls(rules)

    def expand(self, query_text: str) -> list[QueryUnit]:
        words = words_of(query_text)
        units: list[QueryUnit] = []
        position = 0
        while position < len(words):
            for length in range(min(self.longest, len(words) - position), 0, -1):
                key = tuple(words[position:position + length])
                if key in self.rules:
                    units.append(QueryUnit(" ".join(key), tuple(self.rules[key]), known=True))
                    position += length
                    break
            else:
                units.append(QueryUnit(words[position]))
                position += 1
        return units


_cache: dict[str, tuple[tuple[int, int], Synonyms]] = {}
_cache_lock = threading.Lock()


def load(path: str | os.PathLike | None) -> Synonyms:
    """The synonyms in the file at path, re-read only when the file changes. A missing file
    means no synonyms (search still works)."""
    if not path:
        return Synonyms({})
    key = os.fspath(path)
    try:
        status = os.stat(key)
    except OSError:
        return Synonyms({})
    stamp = (status.st_mtime_ns, status.st_size)
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        with open(key, encoding="utf-8") as handle:
            synonyms = Synonyms.parse(handle.read())
        _cache[key] = (stamp, synonyms)
        return synonyms

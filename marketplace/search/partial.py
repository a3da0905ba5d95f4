"""Ranking the services that match most, but not all, of a query's words.

A search first looks for services matching every word (index.search). Those always come
first; after them come services matching at least half of the words, or words that
together carry at least half of the query's importance. A word's importance is its rarity in the whole index (an inverse
document frequency, as an integer): "hospital" counts for more than "help". Words found in
no document at all count for nothing here (they cannot be matched; a misspelling is the
spelling correction's job). Within that group services rank by the importance they match,
then by the weight of the fields they match in (the same weights as full matches).

Only bitmask arithmetic: index.py hands over each word's levels (field weight, mask of
documents whose best field for the word has that weight), as Snapshot.query gives them.
"""
from __future__ import annotations

import math

#: Partial matching is tried for queries of 2 to this many searchable words (a synonym
#: phrase counts as one): the number of score tiers can grow with every word.
MAX_UNITS = 6
#: Scores are importance * _IMPORTANCE_SCALE + field weights, so importance decides first.
_IMPORTANCE_SCALE = 10_000


def importance(documents_with_word: int, documents: int) -> int:
    """How much matching a word tells: 0 for a word in no document, otherwise at least 1."""
    if not documents_with_word:
        return 0
    return max(1, round(10 * math.log((documents + 1) / (documents_with_word + 1))))


def tiers(levels_per_unit: list[list[tuple[int, int]]], candidates: int,
          documents: int) -> list[tuple[int, int]]:
    """(score, mask) tiers, best first, of the candidates (documents under the filters that
    do not match every word) that match enough of the query's importance."""
    if not 2 <= len(levels_per_unit) <= MAX_UNITS or not candidates:
        return []
    weights = []
    for levels in levels_per_unit:
        covered = 0
        for _, mask in levels:
            covered |= mask
        weights.append((importance(covered.bit_count(), documents), covered))
    needed = sum(weight for weight, _ in weights)
    findable = sum(1 for weight, _ in weights if weight)
    if not needed:
        return []
    # (importance matched, field weights, words matched) -> documents
    states: dict[tuple[int, int, int], int] = {(0, 0, 0): candidates}
    for levels, (weight, covered) in zip(levels_per_unit, weights):
        if not weight:
            continue
        combined: dict[tuple[int, int, int], int] = {}
        for (found, fields, count), mask in states.items():
            for field_weight, level in levels:
                both = mask & level
                if both:
                    key = (found + weight, fields + field_weight, count + 1)
                    combined[key] = combined.get(key, 0) | both
            missed = mask & ~covered
            if missed:
                key = (found, fields, count)
                combined[key] = combined.get(key, 0) | missed
        states = combined
    scored: dict[int, int] = {}
    for (found, fields, count), mask in states.items():
        if count and (2 * count >= findable or 2 * found >= needed):
            score = found * _IMPORTANCE_SCALE + fields
            scored[score] = scored.get(score, 0) | mask
    return sorted(scored.items(), reverse=True)

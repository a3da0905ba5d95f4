"""Rendered search answers kept per index generation: a search page body or an API response
depends only on its query string (and, for absolute links, the site address) while the index
is unchanged, so each is rendered once per generation and served from memory after that.
Every change to what a search shows goes through the index log, whose application makes a
new generation, which empties the cache. One per kind of answer, per process; thread-safe
enough for CPython (a lost race renders the same answer twice)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class GenerationCache(Generic[T]):
    def __init__(self, size: int = 256):
        self.size = size
        self._generation: Hashable = None
        self._answers: dict[Hashable, T] = {}

    def get(self, generation: Hashable, key: Hashable, render: Callable[[], T]) -> T:
        answers = self._answers
        if self._generation != generation or len(answers) >= self.size:
            answers = {}
            self._generation, self._answers = generation, answers
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = render()
        return answer

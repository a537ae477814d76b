"""A bounded memo: the few values that fill most of a large file's cells, worked out once each."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """``memo[key]`` is ``make(key)``, remembered; past ``limit`` keys it forgets them all, so texts
    that never repeat (summaries, addresses) only pass through. With ``longest``, keys longer
    than that (texts) are worked out each time and never remembered. A key whose ``make`` raises
    is not remembered. Reading a remembered key costs a dict look-up (safe across threads: a
    value is only ever replaced by an equal one)."""

    def __init__(self, make: Callable[[K], V], limit: int = 50_000, *, longest: int | None = None) -> None:
        super().__init__()
        self.make = make
        self.limit = limit
        self.longest = longest

    def __missing__(self, key: K) -> V:
        value = self.make(key)
        if self.longest is not None and len(key) > self.longest:  # type: ignore[arg-type]
            return value
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

"""Walking the registry's links (parent, successor): the one loop check the API, the pages
and the import ask."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def follow_link(start: K, follow: Callable[[K], K | None]) -> tuple[list[K], list[K]]:
    """Walk a link (parent, successor) from ``start`` until it ends (``follow`` answers
    None or an empty key) or comes back to a key already walked.

    Returns the keys walked in order and the loop it ran into, from the repeated key around
    to it again (``[a, b, a]``), or an empty list when the chain ends. The one loop check of
    the registry: the API and the import (parents and successors) all ask it."""
    position: dict[K, int] = {}
    chain: list[K] = []
    key: K | None = start
    while key and key not in position:
        position[key] = len(chain)
        chain.append(key)
        key = follow(key)
    if not key:
        return chain, []
    return chain, [*chain[position[key] :], key]


def loop_through(start: K, follow: Callable[[K], Iterable[K]]) -> list[K]:
    """The shortest loop from ``start`` back to it along a link with several targets per key
    (the successors: ``successor`` and, after a split, the other successors), as
    ``[start, …, start]``; an empty list when no path leads back.

    With one target per key it answers what ``follow_link`` answers for a loop through
    ``start``; loops that do not pass ``start`` are not its concern (each key is checked
    when it is written)."""
    came_from: dict[K, K] = {}
    queue: deque[K] = deque([start])
    while queue:
        key = queue.popleft()
        for target in follow(key):
            if not target:
                continue
            if target == start:
                path = [key]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if target not in came_from:
                came_from[target] = key
                queue.append(target)
    return []

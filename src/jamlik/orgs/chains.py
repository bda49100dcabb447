"""Walking the registry's links (parent, successor): the one loop check the API, the pages
and the import ask."""

from __future__ import annotations

from collections.abc import Callable, Hashable
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

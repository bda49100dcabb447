"""Helpers for the few statements written in SQL (the registration path, where the ORM's
query building cost more than the database's work)."""

from __future__ import annotations

from collections.abc import Sized


def placeholders(values: Sized) -> str:
    """``%s, %s, …``: one parameter placeholder per value, for ``IN (…)``. Only placeholders
    are put into the statement; the values go as its parameters."""
    return ", ".join(["%s"] * len(values))

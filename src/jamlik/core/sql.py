"""Helpers for the few statements written in SQL (the registration path, where the ORM's
query building cost more than the database's work)."""

from __future__ import annotations

from collections.abc import Sized


def parameter_marks(values: Sized) -> str:
    """``%s, %s, …``: one parameter mark per value, for ``IN (…)``. The statement gets only
    the marks; the values go to the database as the statement's parameters."""
    return ", ".join(["%s"] * len(values))

"""Safe single-object lookups for selectors."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from jamlik.core.errors import NotFound

M = TypeVar("M", bound=Model)
MAX_ID = 2**63 - 1


def valid_id(pk: Any) -> bool:
    """Whether ``pk`` can be an id at all; larger numbers overflow the database driver."""
    return isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= MAX_ID


def get_or_404(queryset: QuerySet[M], pk: Any) -> M:
    found = queryset.filter(pk=pk).first() if valid_id(pk) else None
    if found is None:
        raise NotFound()
    return found

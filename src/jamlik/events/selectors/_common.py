"""What the selector modules share: the public statuses, token and id checks."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from jamlik.core.lookups import valid_id
from jamlik.events import policies
from jamlik.events.models import (
    EventStatus,
)

MAX_TOKEN = 64
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)


def _is_token(value: Any) -> bool:
    """Whether ``value`` can be a token at all (URL-safe base64, at most 64 characters); other
    text (NUL bytes, say) never reaches the database."""
    return isinstance(value, str) and TOKEN_RE.fullmatch(value) is not None


def _is_id(value: Any) -> bool:

    return valid_id(value)


def people_visible_to(user: Any, registrations: QuerySet, via: str = "") -> QuerySet:
    """``registrations`` without the protected identities ("skyddade personuppgifter")
    unless the user may see them (docs/rules.md#privacy). Every selector that lists, badges
    or exports people goes through ``registrations.registration_list``, which applies this,
    so no list can forget it; counts read the rows without it and still include them.
    ``via``: the lookup from another model to its registration (``"registration"`` for the
    reviews' group memberships)."""
    if policies.may_see_protected_identity(user):
        return registrations
    lookup = f"{via}__protected_identity" if via else "protected_identity"
    return registrations.filter(**{lookup: False})

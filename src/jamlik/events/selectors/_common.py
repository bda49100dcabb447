"""What the selector modules share: the public statuses, token and id checks."""

from __future__ import annotations

import re
from typing import Any

from jamlik.core.lookups import valid_id
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

"""Pure privacy rules of the events app (no database): who a list may name, how needs are
counted without naming anyone, and when needs are erased (docs/rules.md#privacy)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import StrictBool

from jamlik.core.inputs import Input
from jamlik.core.schemas import Email

DIETARY = "dietary"
ACCESSIBILITY = "accessibility"
# Accessibility needs are stored as the form's checked needs and the free text joined by
# "; " (forms.RegistrationForm.accessibility_text): each part is one need.
NEED_SEPARATOR = ";"


@dataclass(frozen=True)
class NeedCount:
    kind: str  # DIETARY or ACCESSIBILITY
    need: str  # as the first person wrote it (counted case-insensitively)
    count: int


def need_parts(kind: str, text: str) -> list[str]:
    """The needs one registration states of ``kind``: a dietary text is one need (it is
    written freely, "vegetarisk, ej nötter"), accessibility needs are split on ";"."""
    text = (text or "").strip()
    if not text:
        return []
    if kind == ACCESSIBILITY:
        return [part.strip() for part in text.split(NEED_SEPARATOR) if part.strip()]
    return [text]


def _key(need: str) -> str:
    return " ".join(need.casefold().split())


def count_needs(rows: Iterable[tuple[str, str]]) -> list[NeedCount]:
    """Counts per need from ``(dietary, accessibility)`` pairs, one per registration: the
    same need written in other case or spacing counts as one, named by its most common
    spelling (then the first in sort order, so the answer does not depend on the order of
    the rows); most common first, then by name. No one is named."""
    counts: Counter[tuple[str, str]] = Counter()
    spellings: dict[tuple[str, str], Counter[str]] = {}
    for dietary, accessibility in rows:
        for kind, text in ((DIETARY, dietary), (ACCESSIBILITY, accessibility)):
            for need in dict.fromkeys(need_parts(kind, text)):
                key = (kind, _key(need))
                spellings.setdefault(key, Counter())[need] += 1
                counts[key] += 1
    labels = {key: min(found, key=lambda s: (-found[s], s)) for key, found in spellings.items()}
    ordered = sorted(counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return [NeedCount(kind=kind, need=labels[(kind, key)], count=n) for (kind, key), n in ordered]


def needs_erase_at(event_ends_at: datetime, days: int) -> datetime:
    """When an event's needs are erased: ``days`` after its end."""
    return event_ends_at + timedelta(days=max(0, days))


def needs_erase_due(event_ends_at: datetime, days: int, now: datetime) -> bool:
    return now >= needs_erase_at(event_ends_at, days)


def shows_person(*, protected: bool, sees_protected: bool) -> bool:
    """Whether a list shown to a user names a registration: a protected identity only for
    those ``may_see_protected_identity`` allows (the selectors filter the same way)."""
    return sees_protected or not protected


# ---- Input models (shared by the pages and the API) --------------------------------------------


class ProtectedIdentityIn(Input):
    protected_identity: StrictBool


class PersonExportIn(Input):
    email: Email

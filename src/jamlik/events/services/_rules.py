"""The field rules of events, allocations and sessions: cleaning and checking values, the
quota sum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.core import validation
from jamlik.core.errors import Invalid
from jamlik.events.errors import (
    invalid,
)
from jamlik.events.models import (
    Allocation,
    Category,
    Event,
    EventKind,
    EventStatus,
)

SESSION_FIELDS = (
    "title",
    "description",
    "speakers",
    "room",
    "starts_at",
    "ends_at",
    "capacity",
)
MAX_CAPACITY = 1_000_000
MAX_HOLD_HOURS = 24 * 60


# ---- Field rules -------------------------------------------------------------------------------


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationError(_("Enter a valid date and time (ISO 8601)."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _whole(value: Any, *, low: int, high: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    if value < low:
        raise ValidationError(_("Must be at least %(n)s.") % {"n": low})
    if value > high:
        raise ValidationError(_("Must be at most %(n)s.") % {"n": high})
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Enter true or false."))
    return value


def _choice(value: Any, choices: Any) -> str:
    value = getattr(value, "value", value)
    if value not in choices.values:
        raise ValidationError(
            _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
        )
    return value


def _categories(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationError(_("Choose at least one category."))
    chosen = [_choice(v, Category) for v in value]
    return [c for c in Category.values if c in chosen]


_EVENT_RULES = {
    "title": lambda v: validation.clean_text(v),
    "description": lambda v: validation.clean_text(
        v, max_length=validation.TEXT_MAX, required=False, multiline=True
    ),
    "venue": lambda v: validation.clean_text(v, required=False),
    "starts_at": _aware,
    "ends_at": _aware,
    "opens_at": _aware,
    "quota_lock_until": _aware,
    "closes_at": _aware,
    "capacity": lambda v: _whole(v, low=1, high=MAX_CAPACITY),
    "categories": _categories,
    "approval_required": _flag,
    "approval_hold_hours": lambda v: _whole(v, low=1, high=MAX_HOLD_HOURS),
    "waitlist_enabled": _flag,
    "kind": lambda v: _choice(v, EventKind),
    "status": lambda v: _choice(v, EventStatus),
    "contact_email": lambda v: validation.clean_email(v, required=False),
}

_SESSION_RULES = {
    "title": lambda v: validation.clean_text(v),
    "description": lambda v: validation.clean_text(
        v, max_length=validation.TEXT_MAX, required=False, multiline=True
    ),
    "speakers": lambda v: validation.clean_text(v, max_length=1000, required=False),
    "room": lambda v: validation.clean_text(v, required=False),
    "starts_at": _aware,
    "ends_at": _aware,
    "capacity": lambda v: _whole(v, low=0, high=MAX_CAPACITY, allow_none=True),
}


def _clean(data: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, value in data.items():
        if name not in rules:
            continue
        try:
            cleaned[name] = rules[name](value)
        except ValidationError as exc:
            errors.append({"field": name, "message": exc.messages[0]})
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)
    return cleaned


def _required(data: dict[str, Any], names: Iterable[str]) -> None:
    missing = [n for n in names if data.get(n) in (None, "")]
    if missing:
        message = _("This field is required.")
        raise Invalid(message, errors=[{"field": n, "message": message} for n in missing])


def _check_dates(event: Event) -> None:
    """Times in order: opens ≤ release ≤ closes ≤ end, opens < closes, start < end."""
    errors = []

    def wrong(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if event.ends_at <= event.starts_at:
        wrong("ends_at", _("The event must end after it starts."))
    if event.opens_at and event.closes_at and event.closes_at <= event.opens_at:
        wrong("closes_at", _("Registration must close after it opens."))
    if event.opens_at and event.opens_at >= event.ends_at:
        wrong("opens_at", _("Registration must open before the event ends."))
    if event.closes_at and event.closes_at > event.ends_at:
        wrong("closes_at", _("Registration cannot close after the event has ended."))
    if event.quota_lock_until:
        if event.opens_at and event.quota_lock_until < event.opens_at:
            wrong("quota_lock_until", _("The release date cannot come before registration opens."))
        if event.closes_at and event.quota_lock_until > event.closes_at:
            wrong("quota_lock_until", _("The release date cannot come after registration closes."))
        if event.quota_lock_until > event.ends_at:
            wrong("quota_lock_until", _("The release date cannot come after the event."))
    if errors:
        raise Invalid(errors[0]["message"], code="dates_order", errors=errors)


def _quota_sum(event: Event, *, excluding: int | None = None) -> int:
    allocations = Allocation.objects.filter(event=event)
    if excluding is not None:
        allocations = allocations.exclude(pk=excluding)
    return allocations.aggregate(total=Sum("quota"))["total"] or 0


def _quota_sum_error(total: int, capacity: int, field: str) -> Invalid:
    return invalid(
        field,
        _("The quotas add up to %(sum)s, more than the event's %(capacity)s seats.")
        % {"sum": total, "capacity": capacity},
        "quota_sum",
    )

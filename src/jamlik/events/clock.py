"""The one clock of the events app. Services and selectors ask it for the time, so tests can
move time (the release date, hold expiry) without patching Django."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()

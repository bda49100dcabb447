"""Fixed-window rate limits kept in the database, so every app server counts together."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jamlik.core.models import RateLimitHit


def rate_limit_hit(*, key: str, limit: int, window: timedelta) -> bool:
    """Count one hit for ``key``; True while the window's count stays within ``limit``."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = now - timedelta(seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond)
    with transaction.atomic():
        hit, created = RateLimitHit.objects.get_or_create(
            key=key[:200], window_start=start, defaults={"count": 1}
        )
        if not created:
            RateLimitHit.objects.filter(pk=hit.pk).update(count=F("count") + 1)
            hit.refresh_from_db(fields=["count"])
    if created and now.minute == 0:
        # Old windows are worthless; sweep them now and then rather than on every hit.
        RateLimitHit.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return hit.count <= limit


def window_remaining(window: timedelta) -> int:
    """Seconds until the current fixed window of ``window`` ends (what Retry-After says)."""
    seconds = int(window.total_seconds())
    return seconds - int(timezone.now().timestamp()) % seconds

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jamlik.core.navigation import entries_for


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated)
    return {
        "nav_entries": entries_for(user) if staff else [],
        "base_url": settings.BASE_URL,
    }

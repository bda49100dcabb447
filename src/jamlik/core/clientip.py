"""The address of the client that sent a request, for rate limits.

Behind a load balancer every request comes from the balancer's address, so a per-client
limit would count the whole city as one client. With ``TRUSTED_PROXIES=N`` (the number of
proxies in front of the app that append to X-Forwarded-For), the client is the entry N
places from the right of that header; entries further left are client-supplied and not
trusted."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.JAMLIK.get("TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:100]
    return request.META.get("REMOTE_ADDR", "") or "unknown"

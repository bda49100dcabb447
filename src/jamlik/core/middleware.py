"""Turns rule failures that escape a page view into the right error page: NotFound → 404,
Forbidden → 403, any other rule failure → 400 with its message. The API has its own
handlers (core/api.py); this covers the HTML pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jamlik.core.errors import JamlikError, NotFound


class RuleErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, JamlikError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        return render(
            request,
            "core/rule_error.html",
            {"message": exception.message, "code": exception.code},
            status=exception.status,
        )

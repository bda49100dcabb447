"""While the database cannot be reached, answer 503 with ``Retry-After`` instead of a 500.

A lost or refused connection is temporary: the client should come back, not report a bug.
The API answers with the error body of docs/api.md#errors (``code: "unavailable"``), the pages with
``503.html``, which is rendered without context processors (they read the session and the
user, i.e. the database) and falls back to a fixed page if even that fails.

Three ways an outage error reaches us, all covered:

- raised by a view: ``DatabaseOutageMiddleware.process_exception``;
- raised inside an API operation or its token check: ninja handles those itself, so
  ``install(api)`` registers an exception handler on the NinjaAPI;
- raised by another middleware (the session saved on the way out, say), or by the 500
  handler itself: Django turns it into a 500 before it reaches us, so the
  ``got_request_exception`` receiver marks the request and the middleware's ``__call__``
  swaps that 500 (or the exception that escaped the 500 handler) for the 503.

The middleware sits right after the security, CSP and static-file middleware: they never
touch the database, and they still add their headers to our answer.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:  # Django wraps the driver's errors, but not on every path (e.g. a pool)
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    return tuple(found)


# Connection lost or refused, server shutting down, and the like. OperationalError also
# covers a timeout or a lock that could not be had: equally "try again in a while".
DATABASE_UNAVAILABLE = _unavailable_errors()


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc``, or an exception it was raised from, says the database is away."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _message() -> str:
    return _("The service is temporarily unavailable – please try again in a while.")


FALLBACK_PAGE = (
    '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
    "<title>Tillfälligt otillgänglig – Jämlik</title></head><body><main>"
    "<h1>Tjänsten är tillfälligt otillgänglig</h1>"
    "<p>Tjänsten är tillfälligt otillgänglig – försök igen om en stund.</p>"
    '<p lang="en">The service is temporarily unavailable – please try again in a while.</p>'
    "</main></body></html>"
)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 for ``request``: JSON under /api/, the page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _message(), "code": "unavailable", "errors": []}, status=503
        )
    else:
        try:
            # No request given on purpose: context processors would ask the database.
            html: str = render_to_string(
                "503.html", {"request": request, "csrf_token": get_token(request)}
            )
        except Exception:  # the page must not fail as well; a fixed one will do
            logger.exception("the outage page could not be rendered")
            html = FALLBACK_PAGE
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _log(exc: BaseException) -> None:
    # The class only: a driver message may name the server, never anything personal, but
    # the path may hold a personal token, so neither goes into the log.
    logger.warning("database unavailable (%s): answered 503", type(exc).__name__)


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except DATABASE_UNAVAILABLE as exc:  # escaped even the 500 handler
            _log(exc)
            return unavailable_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        _log(exception)
        return unavailable_response(request)


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django sends this inside its ``except`` block, before the 500 handler runs."""
    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        request._database_unavailable = True  # type: ignore[attr-defined]
        _log(exc)  # type: ignore[arg-type]


got_request_exception.connect(_mark_request, dispatch_uid="jamlik.core.outage")


def install(api: Any) -> None:
    """Answer 503 from the NinjaAPI ``api`` for an outage inside an operation (ninja catches
    exceptions before any middleware sees them)."""

    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        _log(exc)
        response = api.create_response(
            request, {"detail": _message(), "code": "unavailable", "errors": []}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

    for error in DATABASE_UNAVAILABLE:
        api.add_exception_handler(error, handler)

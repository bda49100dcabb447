"""One rule for the raw input of every request: no character that the database cannot store
or that no one types may reach a view through the path, or through the query string or a
form field of an API request.

PostgreSQL refuses NUL in text, so ``/api/v1/organisations?q=%00`` reached the database and
failed there (500). Rather than guard every filter, this middleware answers before any view
runs: 400 with the JSON error body of docs/api.md#errors for an API query parameter or
form field, 404 for a path anywhere (nothing is named so; unknown tokens and ids are 404s).
JSON bodies are checked by the input schemas (``jamlik.core.schemas.InputSchema``), which see
the decoded strings. Pages are left to their forms and filters, which refuse such text next
to the field (and which the page tests hold to that) rather than with an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jamlik.core.errors import NotFound

# C0 controls and DEL have no place in a path; a query value may hold a typed tab or line
# break. Form fields are refused NUL only, the one character the database cannot store.
_CONTROLS = frozenset(chr(c) for c in [*range(0x20), 0x7F])
_VALUE_CONTROLS = _CONTROLS - {"\t", "\n", "\r"}
_NUL = frozenset("\x00")


def _has(characters: frozenset[str], texts: Iterable[str]) -> bool:
    return any(not characters.isdisjoint(text) for text in texts)


def _query_texts(request: HttpRequest) -> Iterable[str]:
    for key, values in request.GET.lists():
        yield key
        yield from values


def _form_texts(request: HttpRequest) -> Iterable[str]:
    # Only a urlencoded form: reading a multipart one would consume the body that ninja
    # reads itself. The API takes JSON, whose strings the input schemas check.
    if request.content_type != "application/x-www-form-urlencoded":
        return ()
    return (text for key, values in request.POST.lists() for text in (key, *values))


def unusable_path(request: HttpRequest) -> bool:
    return _has(_CONTROLS, [request.path])


def unusable_fields(request: HttpRequest) -> bool:
    """True when a query parameter or form field carries a character that is refused."""
    return _has(_VALUE_CONTROLS, _query_texts(request)) or _has(_NUL, _form_texts(request))


class InputGuardMiddleware:
    """Placed after authentication, so the 404 page renders like every other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if unusable_path(request):
            return not_found(request, api=api)
        if api and unusable_fields(request):
            body = {
                "detail": _("The request contains control characters that are not allowed."),
                "code": "invalid",
                "errors": [],
            }
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)


def not_found(request: HttpRequest, *, api: bool) -> HttpResponse:
    if api:
        body = NotFound().as_body()
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return render(request, "404.html", status=404)

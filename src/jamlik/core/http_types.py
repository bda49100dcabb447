"""Request types for the type checker (mypy with django-stubs); nothing here runs.

Django types ``request.user`` as any user model or ``AnonymousUser``, and knows nothing of
django-htmx's ``request.htmx``. Our views and API operations behind a login (or the API's
token auth) always see a ``jamlik.core.models.User``, and ``HtmxMiddleware`` runs on every
request: annotate ``request`` with these so the checker knows that too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from jamlik.core.models import User


class HtmxRequest(HttpRequest):
    """Any request: ``HtmxMiddleware`` gives each one ``htmx``."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request of a logged-in staff member (``login_required`` views, the token-authed API)."""

    user: User

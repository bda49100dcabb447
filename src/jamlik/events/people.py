"""The events pages' side of the employees' single sign-on (``identity.person``): whether
sign-in is on, and where its link goes. The sign-in itself is the identity app's; the rules
of registering as a signed-in person are in ``services.registrations``.

Sign-in is available when ``OIDC_ISSUER`` is set and the identity app has its
``identity:person_sign_in`` route; without either, the pages show only the typed form."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from jamlik.identity import oidc

SIGN_IN_ROUTE = "identity:person_sign_in"
SIGN_OUT_ROUTE = "identity:person_sign_out"


def sign_in_available() -> bool:
    """Whether employees can sign in through the directory (OpenID Connect configured)."""
    return oidc.enabled()


def sign_in_url(next_path: str) -> str | None:
    """The address that starts the sign-in and comes back to ``next_path`` (a path of this
    site), or None when sign-in is not available."""
    if not sign_in_available():
        return None
    try:
        start = reverse(SIGN_IN_ROUTE)
    except NoReverseMatch:  # the identity app's route is not there (yet)
        return None
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = "/"
    return f"{start}?{urlencode({'next': next_path})}"


def sign_out_url() -> str | None:
    """Where a signed-in person's sign-out form posts (with ``next``), or None without it."""
    try:
        return reverse(SIGN_OUT_ROUTE)
    except NoReverseMatch:
        return None

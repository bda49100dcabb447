"""The sign-in pages of OpenID Connect (``identity.oidc``): staff sign-in, an employee's
sign-in to register as themselves, the shared callback, the refusal page and the employee's
sign-out. Each answers 404 while ``OIDC_ISSUER`` is not set, and 503 with a page in Swedish
while the provider cannot be reached."""

from __future__ import annotations

from typing import Any

import requests
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from jamlik.identity import oidc
from jamlik.identity.person import forget, signed_in_person


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = render(request, "identity/sso_unavailable.html", status=503)
    response["Retry-After"] = "60"
    return response


class SignInView(OIDCAuthenticationRequestView):
    """To the provider, with state, nonce and the PKCE challenge kept in the session."""

    purpose = oidc.STAFF
    get_settings = staticmethod(oidc.oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is read when it is needed, not here

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:
        return oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return oidc.oidc_setting("OIDC_RP_CLIENT_ID")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            raise Http404
        request.session[oidc.PURPOSE_KEY] = self.purpose
        request.session.pop(oidc.REFUSED_KEY, None)
        try:
            return super().get(request)
        except oidc.ProviderUnavailable:
            return _unavailable(request)


class PersonSignInView(SignInView):
    """An employee's sign-in: back to the event (``next``) with the verified claims."""

    purpose = oidc.PERSON


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            raise Http404
        try:
            return super().get(request)
        except (oidc.ProviderUnavailable, requests.RequestException):
            # The token endpoint or the keys did not answer: nothing was decided.
            return _unavailable(request)

    def login_success(self) -> HttpResponse:
        self.request.session.pop(oidc.PURPOSE_KEY, None)
        return super().login_success()

    def login_failure(self) -> HttpResponse:
        purpose = self.request.session.pop(oidc.PURPOSE_KEY, oidc.STAFF)
        if purpose == oidc.PERSON and signed_in_person(self.request) is not None:
            return redirect(self.success_url)
        return redirect("identity:sso_refused")


REASONS = {
    # mapping.Decision reasons and the callback's own
    "no_match": "no_role",
    "group_overage": "no_role",
    "no_organisation": "no_organisation",
    "unknown_organisation": "no_organisation",
    oidc.INVALID_CLAIMS: "invalid_claims",
}


@never_cache
def sso_refused(request: HttpRequest) -> HttpResponse:
    """Why the directory's sign-in gave no access (403), in words a person can act on."""
    if not oidc.enabled():
        raise Http404
    reason = REASONS.get(request.session.pop(oidc.REFUSED_KEY, ""), "failed")
    return render(request, "identity/sso_refused.html", {"reason": reason}, status=403)


@require_POST
def person_sign_out(request: HttpRequest) -> HttpResponse:
    """The employee's sign-out: the claims leave the session."""
    forget(request)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)

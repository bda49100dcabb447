"""The administrators' page of the directory connection: the SCIM endpoint's address, the
SCIM tokens (created here, shown once, revoked here) and how many accounts the directory
has provisioned."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jamlik.core.http_types import AuthedRequest
from jamlik.identity import mapping, policies, selectors, services


@login_required
@never_cache
def directory(request: AuthedRequest) -> HttpResponse:
    policies.require(policies.may_manage_directory, request.user)
    new_token = request.session.pop("new_scim_token", None)
    try:
        configured = bool(mapping.DirectoryMapping.from_settings().roles)
    except ImproperlyConfigured:  # an invalid DIRECTORY_ROLE_MAP: not usable
        configured = False
    return render(
        request,
        "identity/directory.html",
        {
            "tokens": selectors.scim_token_list(user=request.user),
            "counts": selectors.account_counts(user=request.user),
            "new_token": new_token,
            "tenant_url": request.build_absolute_uri(reverse("scim:root")),
            "mapping_configured": configured,
        },
    )


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip()[:200]
    raw = services.scim_token_create(actor=request.user, name=name)
    request.session["new_scim_token"] = raw
    messages.success(request, _("A new SCIM token was created. Copy it now: it is shown once."))
    return redirect("identity:directory")


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.scim_token_get(user=request.user, pk=pk)
    services.scim_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The SCIM token was revoked."))
    return redirect("identity:directory")

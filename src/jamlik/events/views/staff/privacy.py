"""Privacy pages: a registration's protected identity (set by the city on the registration
page, by the person on their manage page), the event's needs as counts per need, and a
person's data export (GDPR art. 15) for the city's coordinators (docs/rules.md#privacy)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jamlik.core.errors import JamlikError
from jamlik.core.forms import AccessibleFormMixin
from jamlik.events import policies, selectors
from jamlik.events.privacy import PersonExportIn, ProtectedIdentityIn
from jamlik.events.services import person_export as exporting
from jamlik.events.services.privacy import registration_set_protected
from jamlik.events.views.staff._common import _base, _event


class ProtectedIdentityForm(AccessibleFormMixin, forms.Form):
    input_model = ProtectedIdentityIn

    protected_identity = forms.BooleanField(
        label=gettext_lazy("I have protected personal data (skyddade personuppgifter)"),
        required=False,
        help_text=gettext_lazy(
            "Your name is then left out of participant lists, name badges and exports; only "
            "the city's event coordinators see it."
        ),
    )


class PersonExportForm(AccessibleFormMixin, forms.Form):
    input_model = PersonExportIn

    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)


# ---- The registration's mark -------------------------------------------------------------------


@login_required
@require_POST
def registration_protected(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """The city sets or clears the mark on the organiser's registration page."""
    policies.require(policies.may_see_protected_identity, request.user)
    event = _event(request, pk)
    registration = selectors.registration_get(user=request.user, event=event, pk=rid)
    protected = request.POST.get("protected_identity") in ("1", "on", "true")
    registration_set_protected(actor=request.user, registration=registration, protected=protected)
    messages.success(
        request,
        _("The registration is marked as protected personal data.")
        if protected
        else _("The mark of protected personal data was removed."),
    )
    return redirect(
        reverse("events:registration_detail", kwargs={"pk": event.pk, "rid": registration.pk})
    )


@never_cache
@require_POST
def manage_protected(request: HttpRequest, token: str) -> HttpResponse:
    """The person marks their own registration on the manage page (the token is theirs)."""
    registration = selectors.registration_by_manage_token(token)
    form = ProtectedIdentityForm(request.POST)
    protected = bool(form.is_valid() and form.cleaned_data.get("protected_identity"))
    registration_set_protected(actor=None, registration=registration, protected=protected)
    messages.success(request, _("Your choice about protected personal data was saved."))
    return redirect("events_public:manage", token=token)


# ---- Needs as counts per need ------------------------------------------------------------------


@login_required
@require_safe
def needs(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_dashboard, request.user)
    event = _event(request, pk)
    overview = selectors.needs_overview(user=request.user, event=event)
    return render(
        request, "events/staff/needs.html", _base(request, event, "needs", overview=overview)
    )


# ---- A person's data -----------------------------------------------------------------------------


def _download(data: dict[str, Any], kind: str) -> HttpResponse:
    name = f"registerutdrag-{data['exported_at'][:10]}"
    if kind == "pdf":
        response = HttpResponse(exporting.person_export_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    # Personal data: never kept by a cache on the way.
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_export(request: HttpRequest) -> HttpResponse:
    """The address is posted (never in the URL, so it stays out of the access logs); the
    page shows what is held, or sends it as JSON or PDF."""
    policies.require(policies.may_export_person_data, request.user)
    form = PersonExportForm(request.POST or None)
    data, status = None, 200
    if request.method == "POST":
        kind = request.POST.get("format", "")
        if form.is_valid():
            try:
                data = exporting.person_export(
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    pdf=kind == "pdf",
                )
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                if kind in ("pdf", "json"):
                    return _download(data, kind)
        else:
            status = 400
    response = render(
        request, "events/staff/person_export.html", {"form": form, "data": data}, status=status
    )
    response["Cache-Control"] = "no-store, private"
    return response

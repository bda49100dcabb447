"""Organiser pages: organisation links (list, send with a preview, regenerate, create,
revoke)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.core.errors import Invalid
from jamlik.events import policies, selectors, services
from jamlik.events.links import organisation_link_url
from jamlik.events.models import OrganisationLink
from jamlik.events.selectors.radar import failed_mailbox_mail
from jamlik.events.services import links as link_services
from jamlik.events.views.staff._common import _base, _event

# ---- Links ---------------------------------------------------------------------------------------------


@login_required
def link_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    links = selectors.link_list(user=request.user, event=event)
    # When mail to each organisation's mailbox last failed (one query, the user's scope).
    failures = failed_mailbox_mail(user=request.user, event=event)
    rows = [
        (link, organisation_link_url(link), failures.get(link.organisation_id)) for link in links
    ]
    missing = selectors.organisations_without_link(user=request.user, event=event)
    return render(
        request,
        "events/staff/links.html",
        _base(
            request,
            event,
            "links",
            can_edit=policies.may_manage_links(request.user),
            rows=rows,
            missing=missing,
            public_url=request.build_absolute_uri(
                reverse("events_public:event", kwargs={"pk": event.pk})
            ),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def links_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the links in two steps: GET shows the mail as it will be sent and its
    recipients to choose from; the preview's POST (``choose``) sends to the chosen ones
    only. A POST without ``choose`` sends to all, as before (and as the API does)."""
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    error, status = None, 200
    if request.method == "POST":
        try:
            if "choose" in request.POST:
                sent = link_services.links_send_selected(
                    actor=request.user,
                    event=event,
                    data={"organisations": request.POST.getlist("organisations")},
                )
            else:
                sent = services.links_send(actor=request.user, event=event)
        except Invalid as exc:
            error, status = _first_message(exc), exc.status
        else:
            messages.success(
                request,
                _("%(n)s links were queued for sending to the organisations' mailboxes.")
                % {"n": len(sent)},
            )
            return redirect("events:links", pk=event.pk)
    preview = link_services.links_preview(actor=request.user, event=event)
    chosen = (
        {str(v) for v in request.POST.getlist("organisations")}
        if request.method == "POST"
        else {str(r.organisation.pk) for r in preview.recipients}
    )
    return render(
        request,
        "events/staff/links_preview.html",
        _base(request, event, "links", preview=preview, chosen=chosen, error=error),
        status=status,
    )


def _first_message(exc: Invalid) -> str:
    errors = getattr(exc, "errors", None) or []
    return str(errors[0]["message"]) if errors else str(exc.message)


def _link(request: HttpRequest, event: Any, organisation_id: int) -> OrganisationLink:
    return selectors.link_get(user=request.user, event=event, organisation_id=organisation_id)


@login_required
@require_POST
def link_regenerate(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    services.link_regenerate(actor=request.user, link=_link(request, event, oid))
    messages.success(request, _("A new link was made; the old one no longer works."))
    return redirect("events:links", pk=event.pk)


@login_required
@require_POST
def link_create(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    organisation = selectors.organisation_in_allocation(user=request.user, event=event, pk=oid)
    services.link_ensure(event=event, organisation=organisation)
    messages.success(request, _("A new link was made."))
    return redirect("events:links", pk=event.pk)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, oid: int) -> HttpResponse:
    policies.require(policies.may_manage_links, request.user)
    event = _event(request, pk)
    services.link_revoke(actor=request.user, link=_link(request, event, oid))
    messages.success(request, _("The link was revoked and no longer works."))
    return redirect("events:links", pk=event.pk)

"""The invitee's page of a named invitation (/i/<token>): the event, the invited address, the
registration form without an e-mail field (the registration is always for the invited
address) and "decline". No account: the token is the credential; an unknown token is a 404
with a helpful text."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jamlik.core.errors import Invalid, JamlikError, NotFound
from jamlik.core.i18n import request_language
from jamlik.events import selectors
from jamlik.events.errors import SessionFull
from jamlik.events.forms import RegistrationForm
from jamlik.events.inputs import InvitationRegistrationIn
from jamlik.events.selectors import invitations as found
from jamlik.events.services import invitations as service


class InvitationRegistrationForm(RegistrationForm):
    """The registration form of an invitation: no e-mail (the invited address is used), no
    organisation (the invitation's), the name filled in from the invitation."""

    input_model = InvitationRegistrationIn

    def __init__(self, *args: Any, invitation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        if invitation.name and not self.is_bound:
            self.fields["name"].initial = invitation.name

    def service_arguments(self) -> dict[str, Any]:
        values = super().service_arguments()
        values.pop("email", None)
        return values


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "events/public/invalid_link.html", {"kind": "invitation"}, status=404)


def _context(request: HttpRequest, invitation: Any, form: Any) -> dict[str, Any]:
    event = invitation.event
    return {
        "event": event,
        "invitation": invitation,
        "organisation": invitation.organisation,
        "answer": found.answer(invitation),
        "can_decline": found.invitation_can_decline(invitation),
        "form": form,
        "action": request.path,
        "slots": form.slots if form is not None else selectors.programme(event),
        **selectors.seats_for_visitor(event, invitation.organisation).as_context(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invited = found.invitation_by_token(token)
    except NotFound:
        return _invalid(request)
    event = invited.event
    form = None
    if found.invitation_can_register(invited):
        form = InvitationRegistrationForm(
            request.POST or None,
            event=event,
            slots=selectors.programme(event),
            invitation=invited,
        )
    context = _context(request, invited, form)
    template = "events/public/invitation.html"
    if request.method != "POST":
        return render(request, template, context)
    if form is None:
        return render(request, template, context, status=409)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        outcome = service.invitation_register(
            invitation=invited, data=form.service_arguments(), language=request_language(request)
        )
    except (Invalid, SessionFull) as exc:
        form.add_rule_error(exc)
        return render(request, template, context, status=exc.status)
    except JamlikError as exc:
        return render(
            request,
            "events/public/refused.html",
            {"event": event, "message": exc.message, "code": exc.code},
            status=exc.status,
        )
    if not outcome.created:
        # The address held a registration already: its manage link goes to the address only.
        return render(request, "events/public/link_sent_again.html", {"event": event, "email": ""})
    return redirect("events_public:confirmation", token=outcome.registration.manage_token)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invited = found.invitation_by_token(token)
    except NotFound:
        return _invalid(request)
    context = {"event": invited.event, "invitation": invited, "error": None}
    if request.method == "POST":
        try:
            service.invitation_decline(invitation=invited)
        except JamlikError as exc:
            context["error"] = exc.message
            return render(
                request, "events/public/invitation_decline.html", context, status=exc.status
            )
        messages.success(request, _("Thank you for answering: you have declined the invitation."))
        return redirect("events_public:invitation", token=token)
    return render(request, "events/public/invitation_decline.html", context)

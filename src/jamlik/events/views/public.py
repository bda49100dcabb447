"""Public pages: the organisation's link (/r/), the public event page (/e/), the personal
manage page (/m/), the manager's approval page (/a/) and "lost your link?". No account: the
token in the path is the credential; an unknown or revoked token is a 404 with a helpful text.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.core.clientip import client_address
from jamlik.core.errors import Invalid, JamlikError, NotFound, RateLimited
from jamlik.core.i18n import request_language
from jamlik.events import badges, clock, decisions, downloads, selectors, services
from jamlik.events.errors import AlreadyDecided, SessionFull
from jamlik.events.forms import LostLinkForm, RegistrationForm, SessionsForm, TransferForm
from jamlik.events.links import checkin_payload
from jamlik.events.models import Event, Registration, Status
from jamlik.events.people import sign_in_url, sign_out_url
from jamlik.events.services.mail import meeting_links_of
from jamlik.identity.person import signed_in_person


def _invalid_link(request: HttpRequest, kind: str) -> HttpResponse:
    return render(request, "events/public/invalid_link.html", {"kind": kind}, status=404)


def _programme(event: Event) -> list[selectors.TimeSlot]:
    return selectors.programme(event)


def _refusal(request: HttpRequest, event: Event, exc: JamlikError, **extra: Any) -> HttpResponse:
    return render(
        request,
        "events/public/refused.html",
        {"event": event, "message": exc.message, "code": exc.code, **extra},
        status=exc.status,
    )


def _register(
    request: HttpRequest,
    *,
    event: Event,
    organisation: Any,
    form: RegistrationForm,
    via_link: bool,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Run the registration service on a valid form and answer with the right page."""
    if "organisation" in form.cleaned_data:
        organisation = form.cleaned_data["organisation"]
    person = context.get("person")
    try:
        if person is not None:
            outcome = services.registration_create_as_person(
                event=event,
                person=person,
                link_organisation=context["organisation"] if via_link else None,
                organisation=organisation,
                data=form.service_arguments(),
                language=request_language(request),
            )
        else:
            outcome = services.registration_create(
                event=event,
                organisation=organisation,
                language=request_language(request),
                via_link=via_link,
                **form.service_arguments(),
            )
    except (Invalid, SessionFull) as exc:
        form.add_rule_error(exc)
        return render(request, template, context, status=exc.status)
    except JamlikError as exc:
        return _refusal(request, event, exc)
    if not outcome.created:
        if person is not None and outcome.registration.person_key == person.key:
            # Signed in as the person who holds it: show them their registration.
            messages.info(request, _("You are already registered for this event."))
            return redirect("events_public:manage", token=outcome.registration.manage_token)
        # The address already holds a registration: the same neutral answer as the API, and
        # the manage link goes to that address, never to this page.
        return render(request, "events/public/link_sent_again.html", {"event": event, "email": ""})
    return redirect("events_public:confirmation", token=outcome.registration.manage_token)


def _event_page(
    request: HttpRequest, context: dict[str, Any], *, form: RegistrationForm | None, via_link: bool
) -> HttpResponse:
    """The event page of a link or of the public: shown, or its registration form answered
    (409 while the event takes no registrations here, 400 for a form that does not parse;
    403 for a signed-in person whose organisation the link is not for)."""
    template = "events/public/event.html"
    if request.method != "POST":
        return render(request, template, context)
    if context.get("person_refusal") is not None:
        return _refusal(request, context["event"], context["person_refusal"])
    if form is None or context.get("person_registration") is not None:
        options = context.get("options")
        by_invitation = options is not None and options.reason == decisions.INVITATION_ONLY
        return render(request, template, context, status=403 if by_invitation else 409)
    if not form.is_valid():
        return render(request, template, context, status=400)
    return _register(
        request,
        event=context["event"],
        organisation=context["organisation"],
        form=form,
        via_link=via_link,
        template=template,
        context=context,
    )


def _person_context(request: HttpRequest, event: Event, link_organisation: Any) -> dict[str, Any]:
    """What the page shows about single sign-on: the sign-in link (when sign-in is on and
    nobody is signed in), or the signed-in person with their organisation, a refusal when
    this link is not for their organisation, and their registration when they hold one."""
    person = signed_in_person(request)
    if person is None:
        return {"person": None, "sign_in_url": sign_in_url(request.get_full_path())}
    refusal: JamlikError | None = None
    try:
        organisation = services.person_organisation(person, link_organisation=link_organisation)
    except JamlikError as exc:
        organisation, refusal = None, exc
    return {
        "person": person,
        "person_organisation": organisation,
        "person_refusal": refusal,
        "person_registration": services.active_registration_of_person(event, person.key),
        "sign_in_url": None,
        "sign_out_url": sign_out_url(),
        "next_path": request.get_full_path(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def organisation_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = selectors.link_by_token(token)
    except NotFound:
        return _invalid_link(request, "organisation")
    event = link.event
    slots = _programme(event)
    people = _person_context(request, event, link.organisation)
    seats = selectors.seats_for_visitor(event, link.organisation)
    form = RegistrationForm(
        request.POST or None,
        event=event,
        slots=slots,
        person=people["person"],
        online_only=seats.options.reason == decisions.ONLINE_ONLY,
    )
    context = {
        "event": event,
        "organisation": link.organisation,
        "slots": slots,
        "form": form,
        "action": request.path,
        **people,
        **seats.as_context(),
    }
    refused = not context["options"].can_register
    return _event_page(request, context, form=None if refused else form, via_link=True)


@never_cache
@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_public_get(pk=pk)
    slots = _programme(event)
    availability = selectors.seats_for_visitor(event, None)
    # The form only when a registration made now would be taken (docs/rules.md#events-visitor-options).
    can_register = availability.options.can_register
    people = _person_context(request, event, None)
    # A signed-in person whose claims name an organisation is not asked for one.
    ask_organisation = people.get("person_organisation") is None
    form = (
        RegistrationForm(
            request.POST or None,
            event=event,
            slots=slots,
            organisations=selectors.public_organisations() if ask_organisation else None,
            person=people["person"],
            online_only=availability.options.reason == decisions.ONLINE_ONLY,
        )
        if can_register
        else None
    )
    context = {
        "event": event,
        "organisation": None,
        "slots": slots,
        "form": form,
        "action": request.path,
        "public_page": True,
        **people,
        **availability.as_context(),
    }
    return _event_page(request, context, form=form, via_link=False)


# ---- "Mina anmälningar" ----------------------------------------------------------------------


@never_cache
def my_registrations(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own registrations (by their directory identity), each with its
    manage link; without a signed-in person, why there is nothing and how to sign in."""
    person = signed_in_person(request)
    registrations = selectors.registrations_of_person(person.key) if person else []
    now = clock.now()
    return render(
        request,
        "events/public/my_registrations.html",
        {
            "person": person,
            "upcoming": [r for r in registrations if r.event.ends_at > now],
            "past": [r for r in registrations if r.event.ends_at <= now][::-1],
            "sign_in_url": None if person else sign_in_url(request.get_full_path()),
            "sign_out_url": sign_out_url() if person else None,
            "next_path": request.get_full_path(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_public_get(pk=pk)
    form = LostLinkForm(request.POST or None)
    status = 200
    sent = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lost_link_request(
                    event=event, email=form.cleaned_data["email"], client=client_address(request)
                )
            except RateLimited as exc:
                form.add_rule_error(exc)
                status = 429
            except Invalid as exc:
                form.add_rule_error(exc)
                status = 400
            else:
                sent = True
        else:
            status = 400
    return render(
        request,
        "events/public/lost_link.html",
        {"event": event, "form": form, "sent": sent},
        status=status,
    )


# ---- The personal manage link --------------------------------------------------------------------


def _manage_registration(token: str) -> Registration:
    return selectors.registration_by_manage_token(token)


def _register_again(registration: Registration, event: Event) -> dict[str, Any] | None:
    """For a registration that has ended (cancelled, handed on, declined, expired): what
    its holder can do now on the public page (docs/rules.md#events-visitor-options), the
    same answer the event page gives; None while the registration is active."""
    if registration.is_active:
        return None
    options = selectors.options_for_visitor(event, None, via_link=False)
    return {"options": options, "message": selectors.visitor_message(event, options)}


def _manage_context(registration: Registration, **extra: Any) -> dict[str, Any]:
    event = registration.event
    # A registration that has ended holds no sessions, whatever rows it kept.
    chosen = list(registration.sessions.all()) if registration.is_active else []
    now = clock.now()
    can_change = services.registration_may_change_sessions(registration, event, now)
    return {
        "event": event,
        "registration": registration,
        "chosen": chosen,
        "position": services.waiting_position(registration),
        "can_change": can_change,
        "can_cancel": services.registration_may_cancel(registration, event, now),
        "checkin_qr": (
            mark_safe(badges.qr_svg(checkin_payload(registration)))
            if registration.status == Status.CONFIRMED and now < event.ends_at
            else None
        ),
        "again": _register_again(registration, event),
        # Hybrid: the meeting links, for a confirmed registration only.
        "meeting_links": meeting_links_of(registration, event, chosen),
        **extra,
    }


@never_cache
def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = _manage_registration(token)
    except NotFound:
        return _invalid_link(request, "manage")
    return render(request, "events/public/confirmation.html", _manage_context(registration))


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = _manage_registration(token)
    except NotFound:
        return _invalid_link(request, "manage")
    event = registration.event
    slots = _programme(event)
    chosen_ids = {s.pk for s in registration.sessions.all()}
    sessions_form = SessionsForm(
        request.POST if request.method == "POST" else None, slots=slots, chosen=chosen_ids
    )
    status = 200
    if request.method == "POST":
        if sessions_form.is_valid():
            try:
                services.registration_change_sessions(
                    registration=registration, sessions=sessions_form.chosen_session_ids()
                )
            except JamlikError as exc:
                sessions_form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(request, _("Your session choices were saved."))
                return redirect("events_public:manage", token=token)
        else:
            status = 400
    return render(
        request,
        "events/public/manage.html",
        _manage_context(
            registration,
            slots=slots,
            sessions_form=sessions_form,
            transfer_form=TransferForm(),
        ),
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = _manage_registration(token)
    except NotFound:
        return _invalid_link(request, "manage")
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except JamlikError as exc:
            error, status = exc.message, exc.status
        else:
            # The manage page says it once, in its status box (no flash message as well).
            return redirect("events_public:manage", token=token)
    return render(
        request,
        "events/public/cancel.html",
        _manage_context(registration, error=error),
        status=status,
    )


@never_cache
@require_POST
def manage_claim(request: HttpRequest, token: str) -> HttpResponse:
    """Claim the seat offered from the waiting list (docs/rules.md#waiting-list-offers)."""
    try:
        registration = _manage_registration(token)
    except NotFound:
        return _invalid_link(request, "manage")
    try:
        services.offer_claim(registration=registration)
    except JamlikError as exc:
        registration.refresh_from_db()
        return render(
            request,
            "events/public/manage.html",
            _manage_context(registration, offer_error=exc.message),
            status=exc.status,
        )
    return redirect("events_public:manage", token=token)


@never_cache
@require_POST
def manage_transfer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = _manage_registration(token)
    except NotFound:
        return _invalid_link(request, "manage")
    form = TransferForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.registration_transfer(
                registration=registration,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                language=request_language(request),
            )
        except JamlikError as exc:
            form.add_rule_error(exc)
            status = exc.status
        else:
            messages.success(
                request,
                _("The seat was handed to your colleague, who gets an e-mail with their own link."),
            )
            return redirect("events_public:manage", token=token)
    event = registration.event
    slots = _programme(event)
    chosen_ids = {s.pk for s in registration.sessions.all()}
    return render(
        request,
        "events/public/manage.html",
        _manage_context(
            registration,
            slots=slots,
            sessions_form=SessionsForm(slots=slots, chosen=chosen_ids),
            transfer_form=form,
            open_transfer=True,
        ),
        status=status,
    )


@never_cache
def manage_calendar(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_by_manage_token(token)
    except NotFound:
        return _invalid_link(request, "manage")
    return downloads.calendar_response(registration)


# ---- The manager's approval --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_by_approval_token(token)
    except NotFound:
        return _invalid_link(request, "approval")
    decided_now = False
    status = 200
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            error, status = Invalid().message, 400
        else:
            try:
                registration = services.approval_decide(
                    registration=registration, approve=decision == "approve"
                )
            except AlreadyDecided:
                registration = selectors.registration_by_approval_token(token)
                status = 409
            except JamlikError as exc:
                error, status = exc.message, exc.status
            else:
                decided_now = True
    return render(
        request,
        "events/public/approval.html",
        {
            "event": registration.event,
            "registration": registration,
            "pending": registration.status == Status.PENDING_APPROVAL,
            "decided_now": decided_now,
            "error": error,
            "action": reverse("events_public:approval", kwargs={"token": token}),
        },
        status=status,
    )

"""Breakout-group pages of a workshop: forming the groups, moving a participant, the
printable lists and each group's notes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamlik.core.formpost import handle_form
from jamlik.reviews import policies, selectors, services
from jamlik.reviews.forms import BreakoutForm, MoveForm, NotesForm


def _breakouts_context(request: HttpRequest, event: Any) -> dict[str, Any]:
    groups = selectors.breakout_list(user=request.user, event=event)
    for group in groups:
        group.hidden = group.total - len(group.visible_members)
    unassigned = selectors.participants_without_group(user=request.user, event=event)
    people = sorted(
        [m.registration for g in groups for m in g.visible_members] + unassigned,
        key=lambda r: (r.name.lower(), r.pk),
    )
    return {
        "event": event,
        "groups": groups,
        "unassigned": unassigned,
        "people": people,
        "can_manage": policies.may_form_breakouts(request.user),
        "is_workshop": event.kind == "workshop",
        "formed_with": groups[0] if groups else None,
        "reviews": list(event.reviews.all()),
    }


def _breakouts_url(event: Any) -> str:
    return reverse("reviews:breakouts", args=[event.pk])


@login_required
def breakouts(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=event_id)
    context = _breakouts_context(request, event)
    formed = context["formed_with"]
    form = BreakoutForm(
        request.POST or None,
        prefix="form",
        initial={"size": formed.size, "seed": formed.seed} if formed else None,
    )
    context["move_form"] = MoveForm(
        prefix="move", people=context["people"], groups=context["groups"]
    )
    return handle_form(
        request,
        form,
        lambda data: services.breakouts_form(actor=request.user, event=event, **data),
        template="reviews/breakouts.html",
        context=context,
        success_message=lambda created: (
            _("%(groups)s groups were formed of %(people)s participants.")
            % {"groups": len(created), "people": sum(len(b.member_ids) for b in created)}
        ),
        success_url=_breakouts_url(event),
        invalid_status=200,
    )


@login_required
@require_POST
def breakout_move(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=event_id)
    policies.require(policies.may_form_breakouts, request.user)
    context = _breakouts_context(request, event)
    form = MoveForm(request.POST, prefix="move", people=context["people"], groups=context["groups"])
    moved: dict[str, Any] = {}

    def move(data: dict[str, Any]) -> None:
        registration = selectors.registration_for_event(
            user=request.user, event=event, pk=data["registration"], field="registration"
        )
        breakout = selectors.breakout_get(user=request.user, event=event, number=data["number"])
        services.breakout_move_member(
            actor=request.user, event=event, registration=registration, to=breakout
        )
        moved.update(name=registration.name, number=breakout.number)

    context["form"] = BreakoutForm(prefix="form")
    return handle_form(
        request,
        form,
        move,
        template="reviews/breakouts.html",
        context=context,
        form_name="move_form",
        success_message=lambda _none: _("%(name)s is now in group %(number)s.") % moved,
        success_url=_breakouts_url(event),
    )


@login_required
def breakouts_print(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=event_id)
    return render(request, "reviews/breakouts_print.html", _breakouts_context(request, event))


@login_required
def breakout_notes(request: HttpRequest, event_id: int, number: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=event_id)
    breakout = selectors.breakout_get(user=request.user, event=event, number=number)
    notes = getattr(breakout, "notes", None)
    initial = (
        {"shared": notes.shared, "questions": notes.questions, "wishes": notes.wishes}
        if notes
        else None
    )
    if request.method == "POST":
        policies.require(policies.may_write_notes, request.user)
    return handle_form(
        request,
        NotesForm(request.POST or None, initial=initial),
        lambda data: services.breakout_notes_save(actor=request.user, breakout=breakout, **data),
        template="reviews/breakout_notes.html",
        context={
            "event": event,
            "breakout": breakout,
            "notes": notes,
            "members": selectors.breakout_members(user=request.user, breakout=breakout),
            "can_manage": policies.may_write_notes(request.user),
        },
        success_message=_("The notes of group %(number)s were saved.") % {"number": number},
        success_url=reverse("reviews:breakout_notes", args=[event.pk, number]),
        invalid_status=200,
    )

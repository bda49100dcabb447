"""Organiser pages after the event: the evaluation (questions, "send now", results) and the
proposal for next year's allocation (docs/rules.md#events-evaluation). Both are for
administrators and city coordinators (``may_see_evaluation``, ``may_see_allocation_proposal``);
the results are event-level only."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.core.errors import JamlikError
from jamlik.core.forms import AccessibleFormMixin
from jamlik.events import clock, policies
from jamlik.events.models import QuestionKind
from jamlik.events.selectors import evaluation as reads
from jamlik.events.services import evaluation as service
from jamlik.events.views.staff._common import _base, _event

# Empty rows the question form offers beyond the questions there are.
SPARE_ROWS = 3
MIN_ROWS = 5


class EvaluationForm(AccessibleFormMixin, forms.Form):
    """The introduction, automatic sending and a row per question (kind, text, required);
    rows left without text are dropped."""

    intro = forms.CharField(
        label=gettext_lazy("Introduction in the e-mail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auto_send = forms.BooleanField(
        label=gettext_lazy("Send automatically when the event has ended"), required=False
    )

    def __init__(self, *args: Any, rows: int, locked: bool = False, **kwargs: Any) -> None:
        """``locked``: the evaluation was sent, so its questions are shown but not editable
        (the service refuses a change to them; the introduction and automatic sending still
        change). A disabled field keeps its initial value whatever is posted."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.locked = locked
        for n in range(rows):
            number = n + 1
            self.fields[f"q{n}_text"] = forms.CharField(
                label=_("Question %(n)s") % {"n": number}, required=False, max_length=500
            )
            self.fields[f"q{n}_kind"] = forms.ChoiceField(
                label=_("Kind of answer to question %(n)s") % {"n": number},
                choices=QuestionKind.choices,
                initial=QuestionKind.SCALE,
            )
            self.fields[f"q{n}_required"] = forms.BooleanField(
                label=_("Question %(n)s must be answered") % {"n": number}, required=False
            )
            if locked:
                for part in ("text", "kind", "required"):
                    self.fields[f"q{n}_{part}"].disabled = True

    def question_rows(self) -> list[list[Any]]:
        return [
            [self[f"q{n}_text"], self[f"q{n}_kind"], self[f"q{n}_required"]]
            for n in range(self.rows)
        ]

    def service_data(self) -> tuple[dict[str, Any], list[int]]:
        """The service's input and, per question sent, the row it came from."""
        data = self.cleaned_data
        questions, rows = [], []
        for n in range(self.rows):
            text = (data.get(f"q{n}_text") or "").strip()
            if text:
                questions.append(
                    {
                        "kind": data[f"q{n}_kind"],
                        "text": text,
                        "required": bool(data.get(f"q{n}_required")),
                    }
                )
                rows.append(n)
        return {
            "intro": data.get("intro") or "",
            "auto_send": bool(data.get("auto_send")),
            "questions": questions,
        }, rows

    def add_service_error(self, exc: JamlikError, rows: list[int]) -> None:
        placed = False
        for item in exc.errors:
            match = re.fullmatch(r"questions\.(\d+)\.(\w+)", str(item["field"]))
            name = item["field"]
            if match and int(match.group(1)) < len(rows):
                name = f"q{rows[int(match.group(1))]}_{match.group(2)}"
            if name in self.fields:
                self.add_error(name, str(item["message"]))
                placed = True
        if not placed:
            self.add_error(None, str(exc.message))
        self._wire_descriptions()


def _initial(evaluation: Any) -> tuple[dict[str, Any], int]:
    if evaluation is None:
        return {"auto_send": True}, MIN_ROWS
    questions = list(evaluation.questions.all())
    initial: dict[str, Any] = {"intro": evaluation.intro, "auto_send": evaluation.auto_send}
    for n, q in enumerate(questions):
        initial.update({f"q{n}_text": q.text, f"q{n}_kind": q.kind, f"q{n}_required": q.required})
    rows = len(questions) if evaluation.sent_at else max(MIN_ROWS, len(questions) + SPARE_ROWS)
    return initial, rows


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_evaluation, request.user)
    event = _event(request, pk)
    found = reads.evaluation_of(event)
    initial, rows = _initial(found)
    can_manage = policies.may_manage_evaluation(request.user)
    locked = bool(found and found.sent_at)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        rows=rows,
        locked=locked,
    )
    status = 200
    if request.method == "POST":
        policies.require(policies.may_manage_evaluation, request.user)
        if form.is_valid():
            data, sent_rows = form.service_data()
            try:
                service.evaluation_save(actor=request.user, event=event, data=data)
            except JamlikError as exc:
                form.add_service_error(exc, sent_rows)
                status = exc.status
            else:
                messages.success(request, _("The evaluation was saved."))
                return redirect("events:evaluation", pk=event.pk)
        else:
            status = 400
    results = reads.evaluation_results(user=request.user, event=event)
    return render(
        request,
        "events/staff/evaluation.html",
        _base(
            request,
            event,
            "evaluation",
            form=form,
            evaluation=found,
            results=results,
            can_manage=can_manage,
            locked=locked,
            ended=clock.now() >= event.ends_at,
            attendees=reads.attendees(event).count(),
        ),
        status=status,
    )


@login_required
@require_POST
def evaluation_send(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_manage_evaluation, request.user)
    event = _event(request, pk)
    try:
        sent = service.evaluation_send(actor=request.user, event=event)
    except JamlikError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The evaluation was sent to %(n)s participants.") % {"n": sent})
    return redirect("events:evaluation", pk=event.pk)


class CopyForm(AccessibleFormMixin, forms.Form):
    target = forms.TypedChoiceField(label=gettext_lazy("Draft event"), coerce=int)

    def __init__(self, *args: Any, drafts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.TypedChoiceField)
        target.choices = [(e.pk, f"{e.title} ({e.starts_at:%Y-%m-%d})") for e in drafts]


@login_required
@require_http_methods(["GET", "POST"])
def allocation_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_allocation_proposal, request.user)
    event = _event(request, pk)
    drafts = reads.draft_events(user=request.user, excluding=event)
    form = CopyForm(request.POST if request.method == "POST" else None, drafts=drafts)
    status = 200
    if request.method == "POST":
        policies.require(policies.may_manage_allocations, request.user)
        if form.is_valid():
            try:
                created = service.allocation_proposal_copy(
                    actor=request.user, event=event, target=form.cleaned_data["target"]
                )
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(n)s allocations were created in the draft event.") % {"n": len(created)},
                )
                return redirect("events:edit", pk=form.cleaned_data["target"])
        else:
            status = 400
    return render(
        request,
        "events/staff/allocation_proposal.html",
        _base(
            request,
            event,
            "proposal",
            proposal=reads.allocation_proposal(user=request.user, event=event),
            form=form,
            drafts=drafts,
            can_copy=policies.may_manage_allocations(request.user),
            ended=clock.now() >= event.ends_at,
        ),
        status=status,
    )

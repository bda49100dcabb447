"""Delegation inside a unit: the "Ask colleagues" section of the response page (for the unit's
respondent through their link and for staff), its posts (hand out, withdraw, send again), and
the colleague's own page (/s/a/<token>), which shows and saves only the requirements handed
to them, with the same autosave as the unit's form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.assessments import selectors
from jamlik.assessments.forms import ResponseForm
from jamlik.assessments.inputs import AssignmentIn
from jamlik.assessments.models import Assignment, Response
from jamlik.assessments.selectors.assignments import (
    answered_through,
    assignment_for_token,
    assignment_get,
    assignment_overview,
    assignments_of,
)
from jamlik.assessments.services import assignments as service
from jamlik.assessments.texts import localized
from jamlik.assessments.views.common import answer_item
from jamlik.core.errors import Conflict, Invalid, JamlikError
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin, TextField, choice_field
from jamlik.core.http_types import HtmxRequest

# ---- The section on the response page -----------------------------------------------------


class AssignmentForm(AccessibleFormMixin, forms.Form):
    input_model = AssignmentIn

    email = TextField(label=gettext_lazy("The colleague's e-mail address"), required=True)
    name = TextField(label=gettext_lazy("The colleague's name"), required=False)
    requirement_keys = forms.MultipleChoiceField(
        label=gettext_lazy("Requirements to answer"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The colleague's link opens only these requirements."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"),
        choices=[("sv", "Svenska"), ("en", "English")],
        initial="sv",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, numbered: list[tuple[str, str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "requirement_keys").choices = [
            (requirement.key, f"{number} {localized(requirement, 'text')}")
            for number, _key, requirement in numbered
        ]


def _numbered(
    response: Response, structure: list[tuple[Any, list[Any]]] | None = None
) -> list[tuple[str, str, Any]]:
    """(number, key, requirement) in the form's order."""
    if structure is None:
        structure = selectors.framework_structure(response.campaign.framework)
    return [
        (f"{a_index}.{r_index}", requirement.key, requirement)
        for a_index, (_area, requirements) in enumerate(structure, start=1)
        for r_index, requirement in enumerate(requirements, start=1)
    ]


def assignments_context(
    response: Response,
    visitor: Any,
    form: AssignmentForm | None = None,
    structure: list[tuple[Any, list[Any]]] | None = None,
) -> dict[str, Any]:
    """What the section shows: the form while requirements may be handed out, every
    assignment with what it may still do, and per requirement who answered it and when.
    ``structure`` is the framework's areas and requirements when the page has them."""
    numbered = _numbered(response, structure)
    numbers = {key: (number, requirement) for number, key, requirement in numbered}
    assignments = assignments_of(response=response)
    may_hand_out = service.may_hand_out(
        actor=visitor.user, response=response, by_respondent=visitor.by_respondent
    )
    rows = [
        {
            "number": numbers.get(row.key, ("", None))[0],
            "requirement": numbers.get(row.key, ("", None))[1],
            "handed": row,
        }
        for row in assignment_overview(
            response=response,
            assignments=assignments,
            order=[key for _number, key, _requirement in numbered],
        )
    ]
    return {
        "form": form or (AssignmentForm(numbered=numbered) if may_hand_out else None),
        "may_hand_out": may_hand_out,
        "assignments": [
            {
                "assignment": a,
                "numbers": [numbers.get(k, (k, None))[0] for k in a.requirement_keys],
                "withdraw_url": visitor.url(response, "assignment_withdraw", assignment=a.pk),
                "resend_url": visitor.url(response, "assignment_resend", assignment=a.pk),
            }
            for a in assignments
        ],
        "rows": rows,
        "create_url": visitor.url(response, "assignments"),
    }


def _create(request: HttpRequest, response: Response, visitor: Any) -> HttpResponse:
    from jamlik.assessments.views.responses import _page

    form = AssignmentForm(request.POST, numbered=_numbered(response))
    return handle_form(
        request,
        form,
        lambda data: service.assignment_create(
            actor=visitor.user, response=response, data=data, by_respondent=visitor.by_respondent
        ),
        render_page=lambda status: _page(
            request,
            response,
            visitor,
            status=status,
            problem=_("The requirements could not be handed out."),
            assignment_form=form,
        ),
        success_message=lambda assignment: (
            _("%(email)s got a link to %(n)s requirements.")
            % {"email": assignment.email, "n": len(assignment.requirement_keys)}
        ),
        success_url=visitor.url(response, "form") + "#assignments",
    )


def _change(
    request: HttpRequest, response: Response, visitor: Any, pk: int, *, withdraw: bool
) -> HttpResponse:
    from jamlik.assessments.views.responses import _page

    assignment = assignment_get(response=response, pk=pk)
    try:
        if withdraw:
            service.assignment_withdraw(
                actor=visitor.user, assignment=assignment, by_respondent=visitor.by_respondent
            )
            message = _("The link of %(email)s was withdrawn.")
        else:
            service.assignment_resend(
                actor=visitor.user, assignment=assignment, by_respondent=visitor.by_respondent
            )
            message = _("The link was sent to %(email)s again.")
    except Conflict as exc:
        return _page(request, response, visitor, status=exc.status, problem=str(exc.message))
    messages.success(request, message % {"email": assignment.email})
    return redirect(visitor.url(response, "form") + "#assignments")


def _by_token(token: str) -> tuple[Response, Any]:
    from jamlik.assessments.views.responses import _by_token as by_token

    return by_token(token)


def _by_pk(request: HttpRequest, pk: int) -> tuple[Response, Any]:
    from jamlik.assessments.views.responses import _by_pk as by_pk

    return by_pk(request, pk)


@never_cache
@require_POST
def respondent_assign(request: HttpRequest, token: str) -> HttpResponse:
    response, visitor = _by_token(token)
    return _create(request, response, visitor)


@never_cache
@require_POST
def respondent_withdraw(request: HttpRequest, token: str, assignment: int) -> HttpResponse:
    response, visitor = _by_token(token)
    return _change(request, response, visitor, assignment, withdraw=True)


@never_cache
@require_POST
def respondent_resend(request: HttpRequest, token: str, assignment: int) -> HttpResponse:
    response, visitor = _by_token(token)
    return _change(request, response, visitor, assignment, withdraw=False)


@login_required
@require_POST
def response_assign(request: HttpRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _create(request, response, visitor)


@login_required
@require_POST
def response_withdraw(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _change(request, response, visitor, assignment, withdraw=True)


@login_required
@require_POST
def response_resend(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _change(request, response, visitor, assignment, withdraw=False)


# ---- The colleague's page ----------------------------------------------------------------


def _assigned(assignment: Assignment) -> list[tuple[str, Any]]:
    keys = set(assignment.requirement_keys)
    return [
        (number, requirement)
        for number, key, requirement in _numbered(assignment.response)
        if key in keys
    ]


def _colleague_form(
    assignment: Assignment, assigned: list[tuple[str, Any]], data: Any = None
) -> ResponseForm:
    keys = {requirement.key for _n, requirement in assigned}
    answers = {
        a.requirement.key: a
        for a in selectors.answer_list(response=assignment.response)
        if a.requirement.key in keys
    }
    return ResponseForm(
        data,
        requirements=[requirement for _n, requirement in assigned],
        scales=assignment.response.campaign.framework.scales,
        answers=answers,
    )


def _colleague_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    form: ResponseForm | None = None,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    response = assignment.response
    assigned = _assigned(assignment)
    form = form or _colleague_form(assignment, assigned)
    answers = {
        a.requirement.key: a
        for a in selectors.answer_list(response=response)
        if a.requirement.key in assignment.requirement_keys
    }
    items = [
        answer_item(
            response, requirement, number=number, form=form, answer=answers.get(requirement.key)
        )
        for number, requirement in assigned
    ]
    return render(
        request,
        "assessments/assignment_form.html",
        {
            "assignment": assignment,
            "response": response,
            "campaign": response.campaign,
            "unit": response.unit,
            "form": form,
            "items": items,
            "editable": service.assignment_may_answer(assignment),
            "answered": sum(1 for a in answers.values() if a.value),
            "problem": problem,
        },
        status=status,
    )


def _colleague_save(
    request: HttpRequest, assignment: Assignment
) -> tuple[ResponseForm, JamlikError | None]:
    form = _colleague_form(assignment, _assigned(assignment), request.POST)
    if not form.is_valid():
        return form, Invalid(_("Some answers could not be saved. See the messages."))
    # A blank requirement whose answer someone else gave is left alone: the page may have
    # been opened before they answered, and the autosave posts every field.
    others = {
        key
        for key, (given_through, _at) in answered_through(response=assignment.response).items()
        if given_through != assignment.pk
    }
    items = [
        item
        for item in form.answers()
        if item["value"] or item["comment"] or item["requirement"] not in others
    ]
    try:
        service.assignment_answers_save(assignment=assignment, answers=items)
    except Invalid as exc:
        form.add_service_error(exc, items)
        return form, exc
    except Conflict as exc:
        return form, exc
    return form, None


@never_cache
@require_http_methods(["GET", "POST"])
def colleague_form(request: HttpRequest, token: str) -> HttpResponse:
    assignment = assignment_for_token(token)
    if request.method == "GET":
        return _colleague_page(request, assignment)
    form, error = _colleague_save(request, assignment)
    if isinstance(error, Conflict):
        return _colleague_page(request, assignment, status=409, problem=str(error.message))
    if error is not None:
        return _colleague_page(
            request, assignment, form=form, status=400, problem=str(error.message)
        )
    messages.success(request, _("Your answers were saved."))
    return redirect("assessments_public:assignment", token=token)


@never_cache
@require_POST
def colleague_save(request: HtmxRequest, token: str) -> HttpResponse:
    """The htmx autosave: a small status fragment, never a page."""
    from jamlik.assessments.views.responses import _saved_at, _status_fragment

    assignment = assignment_for_token(token)
    if not request.htmx:
        return colleague_form(request, token)
    form, error = _colleague_save(request, assignment)
    if error is None:
        return _status_fragment(
            request, ok=True, message=_("Saved at %(time)s") % {"time": _saved_at()}
        )
    details = [str(e) for errors in form.errors.values() for e in errors]
    message = _("Not saved: %(reason)s") % {"reason": details[0] if details else error.message}
    return _status_fragment(request, ok=False, message=message, status=error.status)

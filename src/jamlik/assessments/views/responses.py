"""The unit's self-assessment form: through the respondent link (/s/<token>, no account) and,
the same page, for logged-in coordinators of the unit's subtree.

One long page with the areas as headings and a sticky index of them. Answers save as you go
(htmx posts the form to the save URL on every change and shows "Saved at 14.32"); without
JavaScript the "Save draft" button does the same. Submitting has a confirmation step; a
submitted response is read-only with who submitted it and when, and its earlier versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jamlik.assessments import selectors, services
from jamlik.assessments.forms import (
    ReopenForm,
    RespondentsForm,
    ResponseForm,
    SubmitForm,
    comment_name,
    value_name,
)
from jamlik.assessments.models import Response
from jamlik.assessments.texts import localized
from jamlik.assessments.views.assignments import assignments_context
from jamlik.assessments.views.common import answer_item
from jamlik.assessments.views.evidence import evidence_items
from jamlik.assessments.views.signoff import SignOffForm, signoff_context
from jamlik.core.errors import Conflict, Invalid, JamlikError, NotFound
from jamlik.core.formpost import handle_form
from jamlik.core.http_types import HtmxRequest


@dataclass(frozen=True)
class Visitor:
    """Who is on the response page: a unit's respondent (by link) or a staff user."""

    user: Any  # None for the respondent link
    token: str = ""

    @property
    def by_respondent(self) -> bool:
        return self.user is None

    def url(self, response: Response, name: str, **kw: Any) -> str:
        if self.by_respondent:
            return reverse(f"assessments_public:{name}", kwargs={"token": self.token, **kw})
        return reverse(f"assessments:response_{name}", kwargs={"pk": response.pk, **kw})


def _editable(visitor: Visitor, response: Response) -> bool:
    return services.response_may_change(
        actor=visitor.user, response=response, by_respondent=visitor.by_respondent
    )


def _structure(response: Response, visitor: Visitor) -> list[tuple[Any, list[Any]]]:
    framework = selectors.framework_get(user=visitor.user, pk=response.campaign.framework_id)
    return selectors.framework_structure(framework)


def _form(
    response: Response,
    structure: list[tuple[Any, list[Any]]],
    answers: dict[str, Any],
    data: Any = None,
) -> ResponseForm:
    requirements = [r for _area, reqs in structure for r in reqs]
    return ResponseForm(
        data,
        requirements=requirements,
        scales=response.campaign.framework.scales,
        answers=answers,
    )


def _page(
    request: HttpRequest,
    response: Response,
    visitor: Visitor,
    *,
    form: ResponseForm | None = None,
    structure: list[tuple[Any, list[Any]]] | None = None,
    answers: dict[str, Any] | None = None,
    status: int = 200,
    problem: str = "",
    respondents_form: RespondentsForm | None = None,
    signoff_form: SignOffForm | None = None,
    assignment_form: Any = None,
) -> HttpResponse:
    structure = structure if structure is not None else _structure(response, visitor)
    if answers is None:
        answers = {a.requirement.key: a for a in selectors.answer_list(response=response)}
    form = form or _form(response, structure, answers)
    keys = [r.key for _area, reqs in structure for r in reqs]
    actions = selectors.actions_for_requirements(
        user=visitor.user, organisation=response.unit, keys=keys, open_only=True
    )
    today = timezone.localdate()
    evidence = evidence_items(response, visitor)  # one query for every answer's files
    areas = []
    for a_index, (area, requirements) in enumerate(structure, start=1):
        items = []
        for r_index, requirement in enumerate(requirements, start=1):
            item = answer_item(
                response,
                requirement,
                number=f"{a_index}.{r_index}",
                form=form,
                answer=answers.get(requirement.key),
                actions=[
                    {"action": action, "overdue": action.is_overdue(today)}
                    for action in actions.get(requirement.key, [])
                ],
            )
            item["evidence"] = evidence.get(requirement.key, {})
            item["evidence_url"] = visitor.url(response, "evidence", key=requirement.key)
            items.append(item)
        areas.append({"area": area, "number": a_index, "items": items})
    error_links = []
    if form.is_bound and form.errors:
        numbers = {
            item["requirement"].key: (item["number"], localized(item["requirement"], "text"))
            for area in areas
            for item in area["items"]
        }
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            key = name[2:]
            number, text = numbers.get(key, ("", key))
            anchor = f"id_{name}_0" if name.startswith("v-") else f"id_{name}"
            error_links.append(
                {
                    "anchor": anchor,
                    "label": f"{number} {text}",
                    "message": " ".join(map(str, errors)),
                }
            )
    answered = sum(1 for a in answers.values() if a.value)
    context = {
        "response": response,
        "campaign": response.campaign,
        "unit": response.unit,
        "visitor": visitor,
        "form": form,
        "areas": areas,
        "editable": _editable(visitor, response),
        "answered": answered,
        "total": len(keys),
        "versions": list(selectors.response_versions(response=response)),
        "error_links": error_links,
        "problem": problem,
        "page_url": visitor.url(response, "form"),
        "save_url": visitor.url(response, "save"),
        "submit_url": visitor.url(response, "submit"),
        "reopen_form": ReopenForm() if not visitor.by_respondent else None,
        "respondents_form": (
            respondents_form
            or RespondentsForm(initial={"respondents": "\n".join(response.respondents)})
            if not visitor.by_respondent
            else None
        ),
        "signoff": signoff_context(response, visitor.user, signoff_form),
        "delegation": assignments_context(response, visitor, assignment_form, structure),
    }
    return render(request, "assessments/response_form.html", context, status=status)


def _saved_at() -> str:
    now = timezone.localtime()
    return now.strftime("%H.%M" if (get_language() or "sv").startswith("sv") else "%H:%M")


def _status_fragment(request: HttpRequest, *, ok: bool, message: str, status: int = 200):
    return render(
        request,
        "assessments/partials/_save_status.html",
        {"ok": ok, "message": message},
        status=status,
    )


def _save(
    request: HttpRequest, response: Response, visitor: Visitor
) -> tuple[ResponseForm, list[tuple[Any, list[Any]]], JamlikError | None]:
    """Parse the posted form and save it through ``answers_save``."""
    structure = _structure(response, visitor)
    form = _form(response, structure, {}, request.POST)
    if not form.is_valid():
        return form, structure, Invalid(_("Some answers could not be saved. See the messages."))
    items = form.answers()
    try:
        services.answers_save(
            actor=visitor.user,
            response=response,
            answers=items,
            by_respondent=visitor.by_respondent,
        )
    except Invalid as exc:
        form.add_service_error(exc, items)
        return form, structure, exc
    except Conflict as exc:
        return form, structure, exc
    return form, structure, None


def _respond_form_post(request: HttpRequest, response: Response, visitor: Visitor):
    if response.locked:
        return _page(
            request,
            response,
            visitor,
            status=409,
            problem=_("The response has been submitted and can no longer be changed."),
        )
    form, structure, error = _save(request, response, visitor)
    if error is not None:
        answers = {a.requirement.key: a for a in selectors.answer_list(response=response)}
        if isinstance(error, Conflict):
            return _page(
                request, response, visitor, answers=answers, status=409, problem=str(error.message)
            )
        return _page(
            request,
            response,
            visitor,
            form=form,
            structure=structure,
            answers=answers,
            status=400,
            problem=str(error.message),
        )
    if request.POST.get("action") == "submit":
        return redirect(visitor.url(response, "submit"))
    messages.success(request, _("The draft was saved at %(time)s.") % {"time": _saved_at()})
    return redirect(visitor.url(response, "form"))


def _respond_save(request: HtmxRequest, response: Response, visitor: Visitor) -> HttpResponse:
    """The htmx autosave: a small status fragment, never a page."""
    if not request.htmx:
        return _respond_form_post(request, response, visitor)
    if response.locked:
        return _status_fragment(
            request,
            ok=False,
            message=_("The response has been submitted and can no longer be changed."),
            status=409,
        )
    form, _unused, error = _save(request, response, visitor)
    if error is None:
        return _status_fragment(
            request, ok=True, message=_("Saved at %(time)s") % {"time": _saved_at()}
        )
    details = [str(e) for errors in form.errors.values() for e in errors]
    message = _("Not saved: %(reason)s") % {"reason": details[0] if details else error.message}
    return _status_fragment(request, ok=False, message=message, status=error.status)


def _respond_submit(request: HttpRequest, response: Response, visitor: Visitor) -> HttpResponse:
    if response.locked:
        return _page(
            request,
            response,
            visitor,
            status=409,
            problem=_("The response has already been submitted."),
        )
    structure = _structure(response, visitor)
    answers = {a.requirement.key: a for a in selectors.answer_list(response=response)}
    form = SubmitForm(request.POST or None) if visitor.by_respondent else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.response_submit(
                actor=visitor.user,
                response=response,
                by_respondent=visitor.by_respondent,
                submitted_by=form.cleaned_data["submitted_by"] if form else "",
            )
        except services.Incomplete as exc:
            # Back to the form, with every unanswered requirement listed and linked.
            data = {}
            for key, saved in answers.items():
                data[value_name(key)] = saved.value
                data[comment_name(key)] = saved.comment
            response_form = _form(response, structure, answers, data)
            response_form.is_valid()
            response_form.add_service_error(exc)
            return _page(
                request,
                response,
                visitor,
                form=response_form,
                structure=structure,
                answers=answers,
                status=400,
                problem=str(exc.message),
            )
        except Conflict as exc:
            return _page(request, response, visitor, status=exc.status, problem=str(exc.message))
        except Invalid as exc:
            if form is None:
                raise
            form.add_rule_error(exc)
        else:
            messages.success(request, _("Thank you. The response was submitted."))
            return redirect(visitor.url(response, "form"))
    rows = []
    for a_index, (_area, requirements) in enumerate(structure, start=1):
        for r_index, requirement in enumerate(requirements, start=1):
            answer = answers.get(requirement.key)
            options = response.campaign.framework.scale(requirement.scale_name)
            label = next(
                (localized(o, "label") for o in options if answer and o["value"] == answer.value),
                "",
            )
            rows.append(
                {
                    "number": f"{a_index}.{r_index}",
                    "requirement": requirement,
                    "label": label,
                    "comment": answer.comment if answer else "",
                    "anchor": f"id_{value_name(requirement.key)}_0",
                }
            )
    unanswered = [row for row in rows if not row["label"]]
    return render(
        request,
        "assessments/response_submit.html",
        {
            "response": response,
            "campaign": response.campaign,
            "unit": response.unit,
            "visitor": visitor,
            "form": form,
            "rows": rows,
            "unanswered": unanswered,
            "page_url": visitor.url(response, "form"),
            "submit_url": visitor.url(response, "submit"),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _respond_version(
    request: HttpRequest, response: Response, visitor: Visitor, number: int
) -> HttpResponse:
    version = next(
        (v for v in selectors.response_versions(response=response) if v.number == number), None
    )
    if version is None:
        raise NotFound()
    structure = _structure(response, visitor)
    numbers = {}
    texts = {}
    english_labels: dict[str, str] = {}  # requirement key → the English label of its value
    submitted = {item.get("requirement"): item.get("value") for item in version.answers}
    framework = response.campaign.framework
    for a_index, (_area, requirements) in enumerate(structure, start=1):
        for r_index, requirement in enumerate(requirements, start=1):
            numbers[requirement.key] = f"{a_index}.{r_index}"
            texts[requirement.key] = localized(requirement, "text")
            option = next(
                (
                    o
                    for o in framework.scale(requirement.scale_name)
                    if o["value"] == submitted.get(requirement.key)
                ),
                {},
            )
            english_labels[requirement.key] = option.get("label_en") or ""
    # The version keeps the Swedish label it was submitted with; English shows the scale's
    # English label of the same value.
    rows = [
        {
            "number": numbers.get(item.get("requirement"), ""),
            "text": texts.get(item.get("requirement"), item.get("requirement")),
            "label": localized(
                {
                    "label": item.get("label") or item.get("value"),
                    "label_en": english_labels.get(item.get("requirement"), ""),
                },
                "label",
            ),
            "comment": item.get("comment", ""),
            # The evidence files kept with the version, each with its download.
            "evidence": [
                {
                    **kept,
                    "url": visitor.url(
                        response, "evidence_file", key=item.get("requirement"), file=kept["id"]
                    ),
                }
                for kept in item.get("evidence", [])
            ],
        }
        for item in version.answers
    ]
    return render(
        request,
        "assessments/response_version.html",
        {
            "response": response,
            "campaign": response.campaign,
            "unit": response.unit,
            "version": version,
            "rows": rows,
            "has_evidence": any(row["evidence"] for row in rows),
            "page_url": visitor.url(response, "form"),
        },
    )


# ---- Through the respondent link ------------------------------------------------------------


def _by_token(token: str) -> tuple[Response, Visitor]:
    return selectors.response_for_token(token), Visitor(user=None, token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def respondent_form(request: HttpRequest, token: str) -> HttpResponse:
    response, visitor = _by_token(token)
    if request.method == "POST":
        return _respond_form_post(request, response, visitor)
    return _page(request, response, visitor)


@never_cache
@require_POST
def respondent_save(request: HtmxRequest, token: str) -> HttpResponse:
    response, visitor = _by_token(token)
    return _respond_save(request, response, visitor)


@never_cache
@require_http_methods(["GET", "POST"])
def respondent_submit(request: HttpRequest, token: str) -> HttpResponse:
    response, visitor = _by_token(token)
    return _respond_submit(request, response, visitor)


@never_cache
def respondent_version(request: HttpRequest, token: str, number: int) -> HttpResponse:
    response, visitor = _by_token(token)
    return _respond_version(request, response, visitor, number)


# ---- For coordinators (logged in, scoped) ---------------------------------------------------


def _by_pk(request: HttpRequest, pk: int) -> tuple[Response, Visitor]:
    return selectors.response_get(user=request.user, pk=pk), Visitor(user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def response_form(request: HttpRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    if request.method == "POST":
        return _respond_form_post(request, response, visitor)
    return _page(request, response, visitor)


@login_required
@require_POST
def response_save(request: HtmxRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _respond_save(request, response, visitor)


@login_required
@require_http_methods(["GET", "POST"])
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _respond_submit(request, response, visitor)


@login_required
def response_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _respond_version(request, response, visitor, number)


@login_required
@require_POST
def response_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _page(request, response, visitor, status=400, problem=problem)
    try:
        services.response_reopen(actor=request.user, response=response, data=form.cleaned_data)
    except JamlikError as exc:
        return _page(request, response, visitor, status=exc.status, problem=str(exc.message))
    messages.success(request, _("The response was reopened. The submitted version is kept."))
    return redirect(visitor.url(response, "form"))


@login_required
@require_POST
def response_respondents(request: HttpRequest, pk: int) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    form = RespondentsForm(request.POST)
    return handle_form(
        request,
        form,
        lambda _data: services.response_respondents_set(
            actor=request.user, response=response, emails=form.emails()
        ),
        render_page=lambda status: _page(
            request,
            response,
            visitor,
            status=status,
            problem=_("The respondents could not be saved."),
            respondents_form=form,
        ),
        success_message=_("The respondents were saved."),
        success_url=visitor.url(response, "form"),
    )

"""Staff pages of reviews: the list and detail with the timeline, breakout groups of a
workshop with their notes, good examples and the board report editor.

Everyone on the staff reads; changes are for the city (``reviews/policies.py``: the services
ask them and raise Forbidden, shown as the 403 page; pages ask the same functions). Views
only parse, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamlik.core.errors import Invalid, JamlikError
from jamlik.core.http_types import HtmxRequest
from jamlik.orgs.selectors import organisations_in_scope
from jamlik.reviews import policies, reports, selectors, services
from jamlik.reviews.forms import (
    BreakoutForm,
    ExampleForm,
    ExampleSearchForm,
    MilestoneForm,
    MilestoneFormSet,
    MoveForm,
    NotesForm,
    ReportForm,
    ReviewForm,
)
from jamlik.reviews.models import MilestoneStatus
from jamlik.reviews.services.reports import REPORT_FIELDS
from jamlik.reviews.timeline import legend_svg, timeline_svg

EXAMPLES_PER_PAGE = 50


# ---- Reviews -------------------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    reviews = list(selectors.review_list(user=request.user))
    for review in reviews:
        milestones = list(review.milestones.all())
        review.next_milestone = next((m for m in milestones if not m.done), None)
        review.done_count = sum(1 for m in milestones if m.done)
        review.milestone_count = len(milestones)
    return render(
        request,
        "reviews/review_list.html",
        {
            "reviews": reviews,
            "workshops": list(selectors.workshop_choices(user=request.user)[:50]),
            "can_manage": policies.may_edit_review(request.user),
            "today": today,
        },
    )


def _review_form(request: HttpRequest, **kwargs: Any) -> ReviewForm:
    return ReviewForm(
        request.POST or None,
        campaigns=selectors.campaign_choices(user=request.user),
        workshops=selectors.workshop_choices(user=request.user),
        **kwargs,
    )


@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    policies.require(policies.may_edit_review, request.user)
    form = _review_form(request)
    formset = MilestoneFormSet(request.POST or None, prefix="milestones")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        milestones = [
            {k: f.cleaned_data[k] for k in ("title", "due", "done", "note")}
            for f in formset.forms
            if f.cleaned_data.get("title")
        ]
        data = dict(form.cleaned_data)
        try:
            review = services.review_create(
                actor=request.user,
                milestones=milestones,
                campaigns=list(data.pop("campaigns")),
                workshops=list(data.pop("workshops")),
                **data,
            )
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The review was created."))
            return redirect("reviews:detail", pk=review.pk)
    return render(
        request, "reviews/review_form.html", {"form": form, "formset": formset, "review": None}
    )


@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    policies.require(policies.may_edit_review, request.user)
    initial = {
        "title": review.title,
        "purpose": review.purpose,
        "campaigns": [c.pk for c in review.campaigns.all()],
        "workshops": [e.pk for e in review.workshops.all()],
        "owner": review.owner_id,
        "committee": review.committee,
        "diary_number": review.diary_number,
        "case_officer": review.case_officer,
    }
    form = _review_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.review_update(
                actor=request.user,
                review=review,
                campaigns=list(data.pop("campaigns")),
                workshops=list(data.pop("workshops")),
                **data,
            )
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/review_form.html", {"form": form, "review": review})


def _milestones_context(request: HttpRequest, review: Any) -> dict[str, Any]:
    today = timezone.localdate()
    milestones = list(review.milestones.all())
    for milestone in milestones:
        milestone.current_status = milestone.status_on(today)
        milestone.marker = legend_svg(milestone.current_status)
    return {
        "review": review,
        "milestones": milestones,
        "today": today,
        "timeline": timeline_svg(
            milestones,
            today=today,
            title=_("Timeline of the review: %(title)s") % {"title": review.title},
        ),
        "can_manage": policies.may_manage_milestones(request.user),
        "statuses": MilestoneStatus,
    }


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    context = _milestones_context(request, review)
    context.update(
        {
            "milestone_form": MilestoneForm(prefix="new"),
            "examples": list(review.examples.select_related("organisation")[:20]),
            "report": selectors.board_report_get(user=request.user, review=review),
        }
    )
    return render(request, "reviews/review_detail.html", context)


def _milestones_answer(request: HtmxRequest, review: Any) -> HttpResponse:
    if request.htmx:
        review = selectors.review_get(user=request.user, pk=review.pk)
        return render(
            request, "reviews/partials/_milestones.html", _milestones_context(request, review)
        )
    return redirect("reviews:detail", pk=review.pk)


@login_required
@require_POST
def milestone_toggle(request: HtmxRequest, pk: int, milestone_id: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    milestone = selectors.milestone_get(user=request.user, review=review, pk=milestone_id)
    done = request.POST.get("done") == "1"
    services.milestone_set_done(actor=request.user, milestone=milestone, done=done)
    if not request.htmx:
        messages.success(
            request,
            (_("“%(title)s” is marked as done.") if done else _("“%(title)s” is open again."))
            % {"title": milestone.title},
        )
    return _milestones_answer(request, review)


@login_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    policies.require(policies.may_manage_milestones, request.user)
    form = MilestoneForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(actor=request.user, review=review, **form.cleaned_data)
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/milestone_form.html", {"form": form, "review": review})


@login_required
def milestone_edit(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    milestone = selectors.milestone_get(user=request.user, review=review, pk=milestone_id)
    policies.require(policies.may_manage_milestones, request.user)
    initial = {
        "title": milestone.title,
        "due": milestone.due,
        "done": milestone.done,
        "note": milestone.note,
    }
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and "delete" in request.POST:
        services.milestone_delete(actor=request.user, milestone=milestone)
        messages.success(request, _("The milestone was removed."))
        return redirect("reviews:detail", pk=review.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(actor=request.user, milestone=milestone, **form.cleaned_data)
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("reviews:detail", pk=review.pk)
    return render(
        request,
        "reviews/milestone_form.html",
        {"form": form, "review": review, "milestone": milestone},
    )


# ---- The board report ----------------------------------------------------------------------


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    policies.require(policies.may_edit_board_report, request.user)
    report = services.board_report_initial(review)
    initial = {field: getattr(report, field) for field in REPORT_FIELDS}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_report_save(actor=request.user, review=review, **form.cleaned_data)
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The report was saved."))
            return redirect("reviews:report", pk=review.pk)
    return render(
        request, "reviews/report_form.html", {"form": form, "review": review, "report": report}
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    return reports.pdf_response(user=request.user, review=review)


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    return reports.docx_response(user=request.user, review=review)


# ---- Breakout groups -------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            created = services.breakouts_form(actor=request.user, event=event, **form.cleaned_data)
        except JamlikError as exc:
            if exc.status == 403:
                raise
            form.add_rule_error(exc)
        else:
            messages.success(
                request,
                _("%(groups)s groups were formed of %(people)s participants.")
                % {"groups": len(created), "people": sum(len(b.member_ids) for b in created)},
            )
            return redirect("reviews:breakouts", event_id=event.pk)
    context["form"] = form
    context["move_form"] = MoveForm(
        prefix="move", people=context["people"], groups=context["groups"]
    )
    return render(request, "reviews/breakouts.html", context)


@login_required
@require_POST
def breakout_move(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=event_id)
    policies.require(policies.may_form_breakouts, request.user)
    context = _breakouts_context(request, event)
    form = MoveForm(request.POST, prefix="move", people=context["people"], groups=context["groups"])
    if form.is_valid():
        registration = selectors.registration_for_event(
            user=request.user,
            event=event,
            pk=form.cleaned_data["registration"],
            field="registration",
        )
        breakout = selectors.breakout_get(
            user=request.user, event=event, number=form.cleaned_data["number"]
        )
        try:
            services.breakout_move_member(
                actor=request.user, event=event, registration=registration, to=breakout
            )
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(
                request,
                _("%(name)s is now in group %(number)s.")
                % {"name": registration.name, "number": breakout.number},
            )
            return redirect("reviews:breakouts", event_id=event.pk)
    context["form"] = BreakoutForm(prefix="form")
    context["move_form"] = form
    return render(request, "reviews/breakouts.html", context, status=400)


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
    form = NotesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        policies.require(policies.may_write_notes, request.user)
        if form.is_valid():
            try:
                services.breakout_notes_save(
                    actor=request.user, breakout=breakout, **form.cleaned_data
                )
            except Invalid as exc:
                form.add_rule_error(exc)
            else:
                messages.success(
                    request, _("The notes of group %(number)s were saved.") % {"number": number}
                )
                return redirect("reviews:breakout_notes", event_id=event.pk, number=number)
    return render(
        request,
        "reviews/breakout_notes.html",
        {
            "event": event,
            "breakout": breakout,
            "notes": notes,
            "members": selectors.breakout_members(user=request.user, breakout=breakout),
            "form": form,
            "can_manage": policies.may_write_notes(request.user),
        },
    )


# ---- Good examples ---------------------------------------------------------------------------


@login_required
def example_list(request: HttpRequest) -> HttpResponse:
    requirements = selectors.requirement_choices()
    search = ExampleSearchForm(request.GET or None, requirements=requirements)
    q = requirement = None
    if search.is_valid():
        q = search.cleaned_data["q"] or None
        requirement = search.cleaned_data["requirement"] or None
    examples = selectors.example_search(user=request.user, q=q, requirement=requirement)
    shown = list(examples[:EXAMPLES_PER_PAGE])
    labels = dict(requirements)
    for example in shown:
        example.requirement_labels = [(k, labels.get(k, k)) for k in example.requirement_keys]
    return render(
        request,
        "reviews/example_list.html",
        {
            "search": search,
            "examples": shown,
            "searching": bool(q or requirement),
            "limit": EXAMPLES_PER_PAGE,
        },
    )


def _example_form(request: HttpRequest, **kwargs: Any) -> ExampleForm:
    return ExampleForm(
        request.POST or None,
        organisations=organisations_in_scope(user=request.user).order_by("name"),
        requirements=selectors.requirement_choices(),
        reviews=selectors.review_list(user=request.user),
        **kwargs,
    )


@login_required
def example_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    requirement = request.GET.get("requirement")
    if requirement:
        initial["requirement_keys"] = [requirement]
    form = _example_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            example = services.example_create(actor=request.user, **form.cleaned_data)
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The good example was saved."))
            return redirect("reviews:example", pk=example.pk)
    return render(request, "reviews/example_form.html", {"form": form, "example": None})


@login_required
def example_detail(request: HttpRequest, pk: int) -> HttpResponse:
    example = selectors.example_get(user=request.user, pk=pk)
    labels = dict(selectors.requirement_choices())
    return render(
        request,
        "reviews/example_detail.html",
        {
            "example": example,
            "requirement_labels": [(k, labels.get(k, k)) for k in example.requirement_keys],
            "can_edit": selectors.example_editable(user=request.user, example=example),
        },
    )


@login_required
def example_edit(request: HttpRequest, pk: int) -> HttpResponse:
    example = selectors.example_get(user=request.user, pk=pk)
    services.require_example_editor(request.user, example)
    form = _example_form(
        request,
        initial={
            "title": example.title,
            "text": example.text,
            "organisation": example.organisation_id,
            "requirement_keys": example.requirement_keys,
            "review": example.review_id,
        },
    )
    if request.method == "POST" and "delete" in request.POST:
        services.example_delete(actor=request.user, example=example)
        messages.success(request, _("The good example was removed."))
        return redirect("reviews:examples")
    if request.method == "POST" and form.is_valid():
        try:
            services.example_update(actor=request.user, example=example, **form.cleaned_data)
        except Invalid as exc:
            form.add_rule_error(exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("reviews:example", pk=example.pk)
    return render(request, "reviews/example_form.html", {"form": form, "example": example})

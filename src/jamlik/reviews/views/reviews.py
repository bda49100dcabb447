"""Review pages: the list, create and edit, the detail with the milestone timeline, the
milestone forms and toggle, and the board report editor with its PDF and DOCX (each at once,
or as a file job built by the worker)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamlik.core import filejobs
from jamlik.core.formpost import handle_form
from jamlik.core.http_types import HtmxRequest
from jamlik.core.i18n import request_language
from jamlik.reviews import policies, selectors, services
from jamlik.reviews.forms import MilestoneForm, MilestoneFormSet, ReportForm, ReviewForm
from jamlik.reviews.models import MilestoneStatus
from jamlik.reviews.services.reports import REPORT_FIELDS
from jamlik.reviews.timeline import legend_svg, timeline_svg


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


def _detail_url(review: Any) -> str:
    return reverse("reviews:detail", args=[review.pk])


@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    policies.require(policies.may_edit_review, request.user)
    form = _review_form(request)
    formset = MilestoneFormSet(request.POST or None, prefix="milestones")

    def create(cleaned: dict[str, Any]) -> Any:
        milestones = [
            {k: f.cleaned_data[k] for k in ("title", "due", "done", "note")}
            for f in formset.forms
            if f.cleaned_data.get("title")
        ]
        data = dict(cleaned)
        return services.review_create(
            actor=request.user,
            milestones=milestones,
            campaigns=list(data.pop("campaigns")),
            workshops=list(data.pop("workshops")),
            **data,
        )

    return handle_form(
        request,
        form,
        create,
        formsets=[formset],
        template="reviews/review_form.html",
        context={"formset": formset, "review": None},
        success_message=_("The review was created."),
        success_url=_detail_url,
        invalid_status=200,
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

    def update(cleaned: dict[str, Any]) -> Any:
        data = dict(cleaned)
        return services.review_update(
            actor=request.user,
            review=review,
            campaigns=list(data.pop("campaigns")),
            workshops=list(data.pop("workshops")),
            **data,
        )

    return handle_form(
        request,
        _review_form(request, initial=initial),
        update,
        template="reviews/review_form.html",
        context={"review": review},
        success_message=_("The changes were saved."),
        success_url=_detail_url(review),
        invalid_status=200,
    )


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
    return handle_form(
        request,
        MilestoneForm(request.POST or None, prefix="new"),
        lambda data: services.milestone_create(actor=request.user, review=review, **data),
        template="reviews/milestone_form.html",
        context={"review": review},
        success_message=_("The milestone was added."),
        success_url=_detail_url(review),
        invalid_status=200,
    )


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
    if request.method == "POST" and "delete" in request.POST:
        services.milestone_delete(actor=request.user, milestone=milestone)
        messages.success(request, _("The milestone was removed."))
        return redirect("reviews:detail", pk=review.pk)
    return handle_form(
        request,
        MilestoneForm(request.POST or None, initial=initial),
        lambda data: services.milestone_update(actor=request.user, milestone=milestone, **data),
        template="reviews/milestone_form.html",
        context={"review": review, "milestone": milestone},
        success_message=_("The changes were saved."),
        success_url=_detail_url(review),
        invalid_status=200,
    )


# ---- The board report ----------------------------------------------------------------------


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    policies.require(policies.may_edit_board_report, request.user)
    report = services.board_report_initial(review)
    initial = {field: getattr(report, field) for field in REPORT_FIELDS}
    return handle_form(
        request,
        ReportForm(request.POST or None, initial=initial),
        lambda data: services.board_report_save(actor=request.user, review=review, **data),
        template="reviews/report_form.html",
        context={"review": review, "report": report},
        success_message=_("The report was saved."),
        success_url=reverse("reviews:report", args=[review.pk]),
        invalid_status=200,
    )


# The report's direct addresses (bookmarks, links from before the report became a file
# job): it takes seconds, so they start the job as the buttons do and show its progress.
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_job(request, pk, docx=False)


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_job(request, pk, docx=True)


def _report_job(request: HttpRequest, pk: int, *, docx: bool) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    job = services.board_report_start(
        actor=request.user, review=review, docx=docx, language=request_language(request)
    )
    return filejobs.see_job_page(job)


@login_required
@require_POST
def report_pdf_job(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Create report (PDF)": the same PDF, built by the worker; the user is sent to the
    job's progress page."""
    return _report_job(request, pk, docx=False)


@login_required
@require_POST
def report_docx_job(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Create report (DOCX)": the same document, built by the worker."""
    return _report_job(request, pk, docx=True)

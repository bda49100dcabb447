"""Good-example pages: the search list, create, detail and edit (with delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jamlik.core.formpost import handle_form
from jamlik.orgs.selectors import organisations_in_scope
from jamlik.reviews import selectors, services
from jamlik.reviews.forms import ExampleForm, ExampleSearchForm

EXAMPLES_PER_PAGE = 50


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


def _example_url(example: Any) -> str:
    return reverse("reviews:example", args=[example.pk])


@login_required
def example_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    requirement = request.GET.get("requirement")
    if requirement:
        initial["requirement_keys"] = [requirement]
    return handle_form(
        request,
        _example_form(request, initial=initial),
        lambda data: services.example_create(actor=request.user, **data),
        template="reviews/example_form.html",
        context={"example": None},
        success_message=_("The good example was saved."),
        success_url=_example_url,
        invalid_status=200,
    )


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
    return handle_form(
        request,
        form,
        lambda data: services.example_update(actor=request.user, example=example, **data),
        template="reviews/example_form.html",
        context={"example": example},
        success_message=_("The changes were saved."),
        success_url=_example_url(example),
        invalid_status=200,
    )

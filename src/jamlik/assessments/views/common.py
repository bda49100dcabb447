"""Helpers the assessment pages share: the organisations a filter offers, paging."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from jamlik.assessments.models import Campaign
from jamlik.orgs import selectors as org_selectors
from jamlik.orgs.models import Kind, Organisation

PAGE_SIZE = 50


def filter_organisations(user: Any, campaign: Campaign | None = None) -> QuerySet[Organisation]:
    """The organisations above unit level that the user may filter by: within their scope and,
    for a campaign, within the organisations it names."""
    organisations = org_selectors.organisations_in_scope(user=user).exclude(kind=Kind.UNIT)
    if campaign is not None:
        named = org_selectors.organisation_list(user=user).filter(
            pk__in=[o.pk for o in campaign.organisations.all()]
        )
        within = Q()
        for organisation in named.only("path"):
            within |= Q(path__startswith=organisation.path)
        organisations = organisations.filter(within) if within else organisations.none()
    return organisations.only("pk", "name", "path", "depth", "kind").order_by("path")


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def answer_item(
    response: Any,
    requirement: Any,
    *,
    number: str,
    form: Any,
    answer: Any,
    actions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One requirement of an answer form as the templates draw it (the respondent's form
    and a colleague's assigned part): its fields, its current answer and that answer's label
    in the active language."""
    from jamlik.assessments.forms import comment_name, value_name
    from jamlik.assessments.texts import localized

    options = response.campaign.framework.scale(requirement.scale_name)
    label = next(
        (localized(o, "label") for o in options if answer and o["value"] == answer.value), ""
    )
    return {
        "requirement": requirement,
        "number": number,
        "value": form[value_name(requirement.key)],
        "comment": form[comment_name(requirement.key)],
        "answer": answer,
        "answer_label": label,
        "actions": actions or [],
    }

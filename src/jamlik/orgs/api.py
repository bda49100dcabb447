"""The Organisations endpoints (docs/api.md#endpoints-organisations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from jamlik.core.api import paginate
from jamlik.orgs import selectors, services
from jamlik.orgs.inputs import OrganisationIn, OrganisationPatch
from jamlik.orgs.models import Kind

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent: int | None = Field(None, validation_alias="parent_id")
    mailbox: str
    domains: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: int | None = Field(None, validation_alias="successor_id")
    short_name: str = ""
    # A split: the organisations besides ``successor`` that took over part of this one.
    other_successors: list[int] = []

    @staticmethod
    def resolve_other_successors(obj: Any) -> list[int]:
        return sorted(o.pk for o in obj.other_successors.all())


class OrganisationFilter(Schema):
    kind: Kind | None = None
    parent: int | None = None
    q: str | None = Field(None, max_length=200)


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(
    request: HttpRequest, response: HttpResponse, filters: Query[OrganisationFilter]
) -> Any:
    organisations = selectors.organisation_list(
        user=request.user,
        kind=filters.kind.value if filters.kind else None,
        parent=filters.parent,
        q=filters.q,
    )
    return paginate(request, response, organisations.prefetch_related("other_successors"))


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    return Status(201, services.organisation_create(actor=request.user, data=payload))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> Any:
    return selectors.organisation_get(user=request.user, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Any:
    organisation = selectors.organisation_get_for_change(user=request.user, pk=organisation_id)
    return services.organisation_update(actor=request.user, organisation=organisation, data=payload)

"""The Organisations endpoints (docs/api.md#endpoints-organisations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from jamlik.core.api import paginate
from jamlik.core.schemas import (
    NOT_SENT,
    Code,
    Domain,
    InputSchema,
    Name,
    OptionalEmail,
    organisation_ref,
)
from jamlik.orgs import selectors, services
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


class OrganisationIn(InputSchema):
    code: Code
    name: Name
    kind: Kind
    parent: int | None = None
    mailbox: OptionalEmail = ""
    domains: list[Domain] = Field(default_factory=list, max_length=50)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: int | None = None


class OrganisationPatch(InputSchema):
    # The defaults only mark a field as not sent: a null code, name, kind or domains is
    # validated like any other value and refused (400); a null mailbox empties it.
    code: Code = Field(NOT_SENT)
    name: Name = Field(NOT_SENT)
    kind: Kind = Field(NOT_SENT)
    parent: int | None = None
    mailbox: OptionalEmail = Field(NOT_SENT)
    domains: list[Domain] = Field(NOT_SENT, max_length=50)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: int | None = None


class OrganisationFilter(Schema):
    kind: Kind | None = None
    parent: int | None = None
    q: str | None = Field(None, max_length=200)


def _fields(payload: Schema, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    if "kind" in data and data["kind"] is not None:
        data["kind"] = Kind(data["kind"]).value
    for ref in ("parent", "successor"):
        if ref in data:
            data[ref] = organisation_ref(data[ref], field=ref)
    return data


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
    return paginate(request, response, organisations)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    return Status(
        201, services.organisation_create(actor=request.user, **_fields(payload, partial=False))
    )


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> Any:
    return selectors.organisation_get(user=request.user, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Any:
    organisation = selectors.organisation_get_for_change(user=request.user, pk=organisation_id)
    return services.organisation_update(
        actor=request.user, organisation=organisation, **_fields(payload, partial=True)
    )

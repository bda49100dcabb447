"""Staff pages of the organisation registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jamlik.core.exports import csv_response, xlsx_response
from jamlik.core.formpost import handle_form
from jamlik.core.scoping import scope_for
from jamlik.orgs import importing, policies, selectors, services
from jamlik.orgs.forms import ImportForm, OrganisationFilterForm, OrganisationForm
from jamlik.orgs.importing import ImportReport
from jamlik.orgs.models import Organisation


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = OrganisationFilterForm(request.GET or None)
    filtered = filters.is_valid() and any(filters.cleaned_data.values())
    context = {"filters": filters, "can_add": policies.may_create_organisation(request.user)}
    if filtered:
        context["organisations"] = list(
            selectors.organisation_list(
                user=request.user,
                kind=filters.cleaned_data["kind"] or None,
                q=filters.cleaned_data["q"] or None,
            ).select_related("parent")
        )
    else:
        context["tree"] = selectors.organisation_tree(user=request.user)
    return render(request, "orgs/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "organisation": organisation,
            "children": selectors.organisation_list(user=request.user, parent=organisation.pk),
            "can_change": scope_for(request.user).covers(organisation),
        },
    )


def _parents_for(user) -> QuerySet[Organisation]:
    return selectors.organisations_in_scope(user=user).order_by("name")


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        initial["parent"] = int(parent_id)
    return handle_form(
        request,
        OrganisationForm(request.POST or None, parents=_parents_for(request.user), initial=initial),
        lambda data: services.organisation_create(actor=request.user, data=data),
        template="orgs/organisation_form.html",
        context={"organisation": None},
        success_message=_("The organisation was created."),
        success_url=lambda org: reverse("orgs:detail", args=[org.pk]),
        invalid_status=200,
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_change(user=request.user, pk=pk)
    initial = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "code": organisation.code,
        "kind": organisation.kind,
        "parent": organisation.parent_id,
        "mailbox": organisation.mailbox,
        "domains": " ".join(organisation.domains or []),
        "valid_from": organisation.valid_from,
        "valid_to": organisation.valid_to,
        "successor": organisation.successor_id,
        "other_successors": list(organisation.other_successors.values_list("pk", flat=True)),
    }
    # Any organisation in the user's scope outside the moved subtree, or the current parent.
    parents = (
        _parents_for(request.user)
        # pk=None (a root organisation) matches nothing, as meant.
        | Organisation.objects.filter(pk=organisation.parent_id)  # type: ignore[misc]
    ).exclude(path__startswith=organisation.path)
    return handle_form(
        request,
        OrganisationForm(request.POST or None, parents=parents, initial=initial),
        lambda data: services.organisation_update(
            actor=request.user, organisation=organisation, data=data
        ),
        template="orgs/organisation_form.html",
        context={"organisation": organisation},
        success_message=_("The changes were saved."),
        success_url=reverse("orgs:detail", args=[organisation.pk]),
        invalid_status=200,
    )


@login_required
def organisation_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)

    def run(data: dict[str, Any]) -> ImportReport:
        upload = data["file"]
        records = importing.read_file(upload.read(), upload.name)
        return services.organisations_import(
            actor=request.user, records=records, dry_run=data["dry_run"]
        )

    def show(report: ImportReport) -> HttpResponse:
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(
                request,
                _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": report.count("created"),
                    "updated": report.count("updated"),
                    "unchanged": report.count("unchanged"),
                },
            )
        return render(request, "orgs/organisation_import.html", {"form": form, "report": report})

    return handle_form(
        request,
        form,
        run,
        template="orgs/organisation_import.html",
        context={"report": None},
        on_success=show,
        invalid_status=200,
    )


def _export_data(user) -> list[list[object]]:
    policies.require(policies.may_export_organisations, user)
    return importing.export_rows(list(selectors.organisation_list(user=user).order_by("path")))


@login_required
def organisation_export_csv(request: HttpRequest) -> HttpResponse:
    return csv_response("organisationer.csv", importing.EXPORT_COLUMNS, _export_data(request.user))


@login_required
def organisation_export_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_response(
        "organisationer.xlsx",
        [(_("Organisations"), importing.EXPORT_COLUMNS, _export_data(request.user))],
    )

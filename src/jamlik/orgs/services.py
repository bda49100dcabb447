"""Every change to the organisation registry: create, update (including moves in the tree)
and the all-or-nothing import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.schemas import organisation_ref
from jamlik.core.scoping import scope_for
from jamlik.orgs import policies
from jamlik.orgs.chains import follow_link
from jamlik.orgs.importing import ImportReport, prepare_rows
from jamlik.orgs.inputs import OrganisationIn, OrganisationPatch
from jamlik.orgs.models import Kind, Organisation

FIELDS = (
    "kind",
    "parent",
    "name",
    "code",
    "mailbox",
    "domains",
    "valid_from",
    "valid_to",
    "successor",
    "short_name",
)


def _successor_loop(org: Organisation) -> list[int]:
    """The successor loop ``org`` would close with its (unsaved) successor, as ids."""

    def successor_of(pk: int) -> int | None:
        if pk == org.pk:
            return org.successor_id
        return Organisation.objects.filter(pk=pk).values_list("successor_id", flat=True).first()

    _chain, loop = follow_link(org.pk, successor_of)
    return loop if org.pk in loop else []


def _snapshot(org: Organisation) -> dict[str, Any]:
    return snapshot(org, SNAPSHOT_FIELDS)


# What the audit log records of an organisation: every field the services change.
SNAPSHOT_FIELDS = FIELDS


def _values(given: dict[str, Any]) -> dict[str, Any]:
    """The fields sent, as the model stores them: the kind's text, organisations for ids."""
    values = dict(given)
    if values.get("kind") is not None:
        values["kind"] = Kind(values["kind"]).value
    for ref in ("parent", "successor"):
        if ref in values:
            values[ref] = organisation_ref(values[ref], field=ref)
    return values


def _check_relations(org: Organisation, *, actor: Any, original_parent_id: int | None) -> None:
    if Organisation.objects.filter(code__iexact=org.code).exclude(pk=org.pk).exists():
        raise Invalid.field(
            "code", _("The short code “%(code)s” is already in use.") % {"code": org.code}
        )
    if (
        org.pk is not None
        and org.parent_id is not None
        and cast(Organisation, org.parent).path.startswith(org.path)
    ):
        raise Invalid.field("parent", _("An organisation cannot be placed below itself."))
    if org.pk is not None and org.successor_id == org.pk:
        raise Invalid.field("successor", _("An organisation cannot succeed itself."))
    if org.pk is not None and org.successor_id is not None:
        loop = _successor_loop(org)
        if loop:
            codes = dict(Organisation.objects.filter(pk__in=loop).values_list("pk", "code"))
            codes[org.pk] = org.code
            raise Invalid.field(
                "successor",
                _("The successors would form a loop (%(loop)s).")
                % {"loop": " → ".join(codes.get(pk, str(pk)) for pk in loop)},
            )
    scope = scope_for(actor) if actor is not None else None
    moved = org.pk is None or org.parent_id != original_parent_id
    if scope is not None and not scope.everything and moved:
        # Org coordinators change their own subtree only: a new or moved organisation must
        # land inside it.
        if org.parent_id is None or not scope.covers(org.parent):
            raise Invalid.field("parent", _("Choose a parent organisation within your own."))


def _set_path(org: Organisation) -> None:
    prefix = cast(Organisation, org.parent).path if org.parent_id else "/"
    org.path = f"{prefix}{org.pk}/"
    org.depth = org.path.count("/") - 2


@transaction.atomic
def organisation_create(
    *, actor: Any, data: OrganisationIn | Mapping[str, Any] | None = None, **fields: Any
) -> Organisation:
    """Create an organisation. ``actor`` None is the command line or the demo (trusted)."""
    if actor is not None:
        policies.require(policies.may_create_organisation, actor)
    payload = OrganisationIn.take(data, **fields)
    org = Organisation(**_values(payload.given()))
    _check_relations(org, actor=actor, original_parent_id=None)
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    audit_log(actor=actor, action="orgs.organisation.created", obj=org, new=_snapshot(org))
    return org


@transaction.atomic
def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    data: OrganisationPatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Organisation:
    if actor is not None:
        policies.require(policies.may_edit_organisation, actor)
    payload = OrganisationPatch.take(data, **fields)
    scope = scope_for(actor) if actor is not None else None
    org = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=organisation.pk)
    )
    if scope is not None and not scope.covers(org):
        raise NotFound()
    before = _snapshot(org)
    for name, value in _values(payload.given()).items():
        setattr(org, name, value)
    # The model compares the dates it was sent; one sent date must also fit the stored other.
    if org.valid_from and org.valid_to and org.valid_to < org.valid_from:
        raise Invalid.field("valid_to", _("The end date comes before the start date."))
    _check_relations(org, actor=actor, original_parent_id=before["parent"])
    old_path = org.path
    moved = before["parent"] != org.parent_id
    if moved:
        _set_path(org)
    org.save()
    if moved:
        _move_descendants(old_path=old_path, new_path=org.path)
    old, new = changes(before, _snapshot(org))
    if new:
        audit_log(actor=actor, action="orgs.organisation.updated", obj=org, old=old, new=new)
    return org


def _move_descendants(*, old_path: str, new_path: str) -> None:
    """Rewrite the paths of the whole subtree in one statement."""
    descendants = Organisation.objects.filter(path__startswith=old_path).exclude(path=old_path)
    descendants.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    # Depth follows from the path; recompute it for the moved rows only.
    for org in Organisation.objects.filter(path__startswith=new_path).only("pk", "path", "depth"):
        depth = org.path.count("/") - 2
        if org.depth != depth:
            Organisation.objects.filter(pk=org.pk).update(depth=depth)


# ---- Import ------------------------------------------------------------------------------


@transaction.atomic
def organisations_import(
    *, actor: Any, records: list[tuple[int, dict[str, Any]]], dry_run: bool = False
) -> ImportReport:
    """Create or update organisations by code from parsed records ``(line, fields)``.

    All or nothing: every row is checked first (fields, parents, cycles, duplicates) and the
    database is touched only when no row failed. Parents and successors are codes that refer
    to rows of the same file or to organisations already in the registry.
    """
    if actor is not None:
        policies.require(policies.may_import_organisations, actor)

    scope = scope_for(actor) if actor is not None else None
    existing = {o.code.lower(): o for o in Organisation.objects.all()}
    report, plan = prepare_rows(records, existing=existing, scope=scope)
    if not report.ok or dry_run:
        return report
    by_code: dict[str, Organisation] = {}
    # Parents before children: the plan is already ordered so.
    for row, fields in plan:
        fields.pop("references")
        parent_code = fields.pop("parent_code")
        successor_code = fields.pop("successor_code")
        fields["parent"] = (
            by_code.get(parent_code) or existing.get(parent_code) if parent_code else None
        )
        fields["successor"] = None
        current = existing.get(row.code.lower())
        if current is None:
            org = organisation_create(actor=actor, **fields)
            row.action = "created"
        else:
            before = _snapshot(current)
            org = organisation_update(actor=actor, organisation=current, **fields)
            row.action = "updated" if _snapshot(org) != before else "unchanged"
        by_code[row.code.lower()] = org
        fields["successor_code"] = successor_code
    for row, fields in plan:
        successor_code = fields.get("successor_code")
        org = by_code[row.code.lower()]
        successor = (
            (by_code.get(successor_code) or existing.get(successor_code))
            if successor_code
            else None
        )
        if (successor.pk if successor else None) != org.successor_id:
            organisation_update(actor=actor, organisation=org, successor=successor)
            if row.action == "unchanged":
                row.action = "updated"
    return report

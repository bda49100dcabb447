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
from jamlik.core.schemas import organisation_ref, organisation_refs
from jamlik.core.scoping import scope_for
from jamlik.orgs import policies
from jamlik.orgs.chains import follow_link, loop_through  # noqa: F401 (follow_link: re-exported)
from jamlik.orgs.importing import ImportReport, prepare_rows, stored_other_successors
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


def _successor_loop(org: Organisation, others: list[Organisation]) -> list[int]:
    """The successor loop ``org`` would close with its (unsaved) successor and other
    successors, as ids: the walk follows every successor link (a split has several)."""
    links = successor_links()
    links[org.pk] = [pk for pk in (org.successor_id, *(o.pk for o in others)) if pk]
    return loop_through(org.pk, lambda pk: links.get(pk, []))


def successor_links() -> dict[int, list[int]]:
    """Every successor link of the registry, ``{id: [successor ids]}``: the successor
    first, then the other successors of a split (two queries)."""
    links: dict[int, list[int]] = {}
    for pk, successor_id in Organisation.objects.filter(successor__isnull=False).values_list(
        "pk", "successor_id"
    ):
        links[pk] = [successor_id]
    through = Organisation.other_successors.through.objects.order_by("to_organisation_id")
    for pk, other_id in through.values_list("from_organisation_id", "to_organisation_id"):
        links.setdefault(pk, []).append(other_id)
    return links


def _other_successor_ids(org: Organisation) -> list[int]:
    if org.pk is None:
        return []
    return sorted(org.other_successors.values_list("pk", flat=True))


def _snapshot(org: Organisation) -> dict[str, Any]:
    return {**snapshot(org, SNAPSHOT_FIELDS), "other_successors": _other_successor_ids(org)}


# What the audit log records of an organisation: every field the services change.
SNAPSHOT_FIELDS = FIELDS


def _values(given: dict[str, Any]) -> dict[str, Any]:
    """The fields sent, as the model stores them: the kind's text, organisations for ids.
    ``other_successors`` (a many-to-many, set after saving) is taken out by the caller."""
    values = dict(given)
    if values.get("kind") is not None:
        values["kind"] = Kind(values["kind"]).value
    for ref in ("parent", "successor"):
        if ref in values:
            values[ref] = organisation_ref(values[ref], field=ref)
    return values


def _other_successors(given: dict[str, Any]) -> list[Organisation] | None:
    """The other successors sent (None: not sent), as organisations."""
    if "other_successors" not in given:
        return None
    return organisation_refs(given.pop("other_successors") or [], field="other_successors")


def _check_split(org: Organisation, others: list[Organisation], *, sent: bool) -> None:
    """The rules of a split: other successors only with a successor, neither the
    organisation itself nor its successor among them."""
    if not others:
        return
    if org.successor_id is None:
        raise Invalid.field(
            "other_successors" if sent else "successor",
            _("Other successors (a split) can only be given together with a successor."),
        )
    if org.pk is not None and any(o.pk == org.pk for o in others):
        raise Invalid.field("other_successors", _("An organisation cannot succeed itself."))
    if any(o.pk == org.successor_id for o in others):
        raise Invalid.field(
            "other_successors",
            _("The successor cannot also be one of the other successors."),
        )


def _check_relations(
    org: Organisation,
    *,
    actor: Any,
    original_parent_id: int | None,
    others: list[Organisation] | None = None,
    others_sent: bool = False,
) -> None:
    others = others or []
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
    _check_split(org, others, sent=others_sent)
    if org.pk is not None and org.successor_id is not None:
        loop = _successor_loop(org, others)
        if loop:
            codes = dict(Organisation.objects.filter(pk__in=loop).values_list("pk", "code"))
            codes[org.pk] = org.code
            # The loop runs through the successor or through one of the other successors.
            through_other = len(loop) > 1 and loop[1] != org.successor_id
            raise Invalid.field(
                "other_successors" if through_other else "successor",
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
    given = payload.given()
    others = _other_successors(given) or []
    org = Organisation(**_values(given))
    _check_relations(
        org, actor=actor, original_parent_id=None, others=others, others_sent=bool(others)
    )
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    if others:
        org.other_successors.set(others)
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
    given = payload.given()
    sent_others = _other_successors(given)
    others = (
        sent_others
        if sent_others is not None
        else list(Organisation.objects.filter(pk__in=before["other_successors"]))
    )
    for name, value in _values(given).items():
        setattr(org, name, value)
    # The model compares the dates it was sent; one sent date must also fit the stored other.
    if org.valid_from and org.valid_to and org.valid_to < org.valid_from:
        raise Invalid.field("valid_to", _("The end date comes before the start date."))
    _check_relations(
        org,
        actor=actor,
        original_parent_id=before["parent"],
        others=others,
        others_sent=sent_others is not None,
    )
    old_path = org.path
    moved = before["parent"] != org.parent_id
    if moved:
        _set_path(org)
    org.save()
    if sent_others is not None and sorted(o.pk for o in sent_others) != before["other_successors"]:
        org.other_successors.set(sent_others)
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
    stored_others = stored_other_successors(existing)
    by_code: dict[str, Organisation] = {}
    # Parents before children: the plan is already ordered so.
    for row, fields in plan:
        fields.pop("references")
        parent_code = fields.pop("parent_code")
        successor_code = fields.pop("successor_code")
        other_codes = fields.pop("other_codes")
        fields["parent"] = (
            by_code.get(parent_code) or existing.get(parent_code) if parent_code else None
        )
        # The successors (and a split's other successors) are set in a second pass, once
        # every organisation of the file exists.
        fields["successor"] = None
        fields["other_successors"] = []
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
        # None: the file has no such column, so the stored ones stay.
        fields["other_codes"] = (
            other_codes if other_codes is not None else stored_others.get(row.code.lower(), [])
        )
    for row, fields in plan:
        successor_code = fields.get("successor_code")
        org = by_code[row.code.lower()]
        successor = (
            (by_code.get(successor_code) or existing.get(successor_code))
            if successor_code
            else None
        )
        others = [by_code.get(code) or existing[code] for code in fields["other_codes"]]
        if (successor.pk if successor else None) != org.successor_id or others:
            organisation_update(
                actor=actor, organisation=org, successor=successor, other_successors=others
            )
            if row.action == "unchanged":
                row.action = "updated"
    return report

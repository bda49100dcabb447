"""Read queries of the organisation registry. The tree itself is visible to all staff
(docs/api.md#scoping); what an org coordinator may change is their own subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jamlik.core.errors import NotFound
from jamlik.core.lookups import get_or_404
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation


def organisation_list(
    *, user: Any, kind: str | None = None, parent: int | None = None, q: str | None = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if kind:
        organisations = organisations.filter(kind=kind)
    if parent is not None:
        organisations = organisations.filter(parent_id=parent)
    if q:
        organisations = organisations.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(mailbox__icontains=q)
        )
    return organisations.order_by("name", "id")


def organisation_get(*, user: Any, pk: int) -> Organisation:
    return get_or_404(Organisation.objects.select_related("parent", "successor"), pk)


def organisation_get_for_change(*, user: Any, pk: int) -> Organisation:
    """The organisation, if the user may change it; 404 otherwise (docs/api.md#scoping)."""
    org = organisation_get(user=user, pk=pk)
    if not scope_for(user).covers(org):
        raise NotFound()
    return org


def organisation_tree(*, user: Any) -> list[tuple[Organisation, int]]:
    """All organisations in tree order with their depth, from one query."""
    organisations = list(Organisation.objects.order_by("path"))
    children: dict[int | None, list[Organisation]] = {}
    for org in organisations:
        children.setdefault(org.parent_id, []).append(org)
    for siblings in children.values():
        siblings.sort(key=lambda o: o.name.lower())
    ordered: list[tuple[Organisation, int]] = []
    stack = [(org, 0) for org in reversed(children.get(None, []))]
    while stack:
        org, depth = stack.pop()
        ordered.append((org, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(org.pk, [])))
    return ordered


def organisations_in_scope(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose people and answers the user may see."""
    return scope_for(user).filter(Organisation.objects.all(), via="").order_by("path")


def organisation_for_email(email: str) -> Organisation | None:
    """The organisation whose e-mail domains include the address's domain (the deepest one,
    when a unit and its administration share a domain)."""
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return None
    # The registry holds hundreds of organisations, not millions: a scan of the small JSON
    # lists is simpler than a lookup table and portable across SQLite and PostgreSQL.
    candidates = [
        org
        for org in Organisation.objects.exclude(domains=[]).only("id", "domains", "depth", "name")
        if domain in (org.domains or [])
    ]
    return max(candidates, key=lambda o: o.depth, default=None)

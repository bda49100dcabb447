"""Writing the audit log. Called by services inside their transaction, so the entry and the
change commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from jamlik.core.models import AuditEntry


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must run inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=str(actor) if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        old=old,
        new=new,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The fields that differ, as (old, new) dicts of JSON-friendly values."""
    old, new = {}, {}
    for key in after:
        if before.get(key) != after[key]:
            old[key] = _jsonable(before.get(key))
            new[key] = _jsonable(after[key])
    return old, new


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return str(value)

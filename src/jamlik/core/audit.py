"""Writing the audit log. Called by services inside their transaction, so the entry and the
change commit or roll back together; ``snapshot`` gives the fields an entry records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models.sql import InsertQuery
from django.forms.models import model_to_dict

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
    entry = audit_entry(actor=actor, action=action, obj=obj, old=old, new=new)
    entry.save()
    return entry


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``audit_log`` writes, not yet written: for a service that writes its
    entries together with its other changes (``insert_statement``)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=user,
        actor_label=str(actor) if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        old=old,
        new=new,
    )


def insert_statement(entries: Sequence[AuditEntry]) -> tuple[str, list[Any]]:
    """The one INSERT of ``entries`` as Django would run it (``bulk_create``'s statement,
    with its conversions), to be run by the caller, perhaps inside a larger statement."""
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    query = InsertQuery(AuditEntry)
    query.insert_values(fields, list(entries))
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


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


def snapshot(
    obj: models.Model, fields: Sequence[str], *, rename: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``fields`` of ``obj`` as JSON-safe values (``model_to_dict``): dates and times as ISO
    strings, Decimals as strings, related objects as ids, lists as lists; ``rename`` gives
    a field another key in the entry."""
    data = model_to_dict(obj, fields=fields)
    for name in fields:
        if name not in data:  # model_to_dict leaves out fields that are not editable
            field = cast(models.Field, obj._meta.get_field(name))  # a concrete field
            data[name] = field.value_from_object(obj)
    rename = rename or {}
    return {rename.get(name, name): _snapshot_value(data[name]) for name in fields}


def _snapshot_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_snapshot_value(v) for v in value]
    return value

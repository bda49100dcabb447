"""Helpers for the few statements written in SQL (the registration path, where the ORM's
query building and ``raw()``'s per-row machinery cost more than the database's work)."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Sized
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]


def parameter_marks(values: Sized) -> str:
    """``%s, %s, …``: one parameter mark per value, for ``IN (…)``. The statement gets only
    the marks; the values go to the database as the statement's parameters."""
    return ", ".join(["%s"] * len(values))


@cache
def columns(model: type[Model], table_alias: str) -> str:
    """``e.id, e.title, …``: every concrete column of ``model`` in the order ``rows_to_models``
    expects, for a statement that reads whole rows (``SELECT {columns(Event, "e")} …``)."""
    return ", ".join(f"{table_alias}.{f.column}" for f in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], vendor: str) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    """Per column that needs one, the conversions the ORM applies to a value it reads (the
    backend's and the field's own, e.g. JSON or SQLite's dates), worked out once a model."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        expression = field.get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if chain:
            found.append((index, (expression, tuple(chain))))
    return tuple(found)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def row_to_model(model: type[M], row: Sequence[Any], start: int = 0) -> M:
    """The instance of ``model`` whose columns (``columns(model, …)``) ``row`` carries from
    ``start`` on, converted as the ORM converts a row it reads; ``Model.from_db`` with the
    full column list takes its fast path (positional arguments)."""
    count = len(model._meta.concrete_fields)
    values = list(row[start : start + count])
    for index, (expression, chain) in _converters(model, connection.vendor):
        value = values[index]
        for convert in chain:
            value = convert(value, expression, connection)
        values[index] = value
    return model.from_db(connection.alias, _attnames(model), values)


def fetch_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one statement as plain tuples (no ``cursor.description``, no model
    machinery)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_models(model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """Whole rows of ``model`` read by ``sql``, which selects ``columns(model, …)`` first."""
    return [row_to_model(model, row) for row in fetch_rows(sql, params)]


@cache
def _insert(model: type[Model], vendor: str, returning: bool) -> tuple[str, tuple[Field, ...]]:
    """The ORM's own INSERT of one new ``model`` row (returning its key when asked),
    compiled once (its text depends on the table alone), and the fields whose values it
    takes."""
    from django.db.models.sql import InsertQuery

    meta = model._meta
    fields = tuple(
        f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated
    )
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [meta.pk]
    ((sql, _params),) = compiler.as_sql()
    return sql, fields


def insert_statement(instance: Model, *, returning: bool = False) -> tuple[str, list[Any]]:
    """The INSERT of a new row and its values, as the ORM's compiler computes them (each
    field's ``pre_save`` and database preparation), for a caller that runs it with other
    statements; the text built once a model."""
    sql, fields = _insert(type(instance), connection.vendor, returning)
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert(instance: Model) -> None:
    """``instance.save()`` for a new row on the hot path: the same values, the same
    signals, one statement, without building the statement again for every row."""
    model = type(instance)
    pre_save.send(sender=model, instance=instance, raw=False, using=connection.alias)
    sql, params = insert_statement(instance, returning=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (key,) = cursor.fetchone()
    setattr(instance, model._meta.pk.attname, key)
    instance._state.adding = False
    instance._state.db = connection.alias
    post_save.send(sender=model, instance=instance, created=True, raw=False, using=connection.alias)

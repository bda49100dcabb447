"""Helpers for the few statements written in SQL (the registration path, where the ORM's
query building cost more than the database's work)."""

from __future__ import annotations

from collections.abc import Sized
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def parameter_marks(values: Sized) -> str:
    """``%s, %s, …``: one parameter mark per value, for ``IN (…)``. The statement gets only
    the marks; the values go to the database as the statement's parameters."""
    return ", ".join(["%s"] * len(values))


def prefixed_columns(model: type[Model], table_alias: str, prefix: str) -> str:
    """``a.id AS a__id, a.quota AS a__quota, …``: a model's columns in a joined statement,
    named so that ``model_from_row`` finds them."""
    return ", ".join(
        f"{table_alias}.{f.column} AS {prefix}{f.column}" for f in model._meta.concrete_fields
    )


def model_from_row(model: type[M], row: Any, prefix: str) -> M:
    """The instance of ``model`` whose columns ``row`` (a raw query's instance) carries as
    ``<prefix><column>``, converted as the ORM converts a row it reads."""
    fields = model._meta.concrete_fields
    values = []
    for field in fields:
        value = getattr(row, f"{prefix}{field.column}")
        expression = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(expression)
        for converter in converters + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        values.append(value)
    return model.from_db(row._state.db, [f.attname for f in fields], values)

"""JSON log lines (``LOG_FORMAT=json``): one object a line with ``time`` (ISO 8601, UTC),
``level``, ``logger``, ``message`` and ``request_id`` (core/requestid.py), and the traceback
as ``exc_info`` when there is one.

Only those fields and a short list of known extras are written. python-json-logger would
otherwise write every extra attribute of a record, and Django's request logging passes the
request object itself, whose text holds the raw path with its personal token; the message
went through ``RedactTokens``, the extras would not have. Tracebacks are redacted here too."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from jamlik.core.logfilters import redact

FIELDS = ("asctime", "levelname", "name", "message", "request_id")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# Extras that are never personal: numbers and ids.
EXTRAS = ("status_code", "task_id")


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", list(FIELDS))
        kwargs.setdefault("rename_fields", dict(RENAMED))
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        for field in FIELDS:
            log_data[self._get_rename(field)] = record.__dict__.get(field)
        for field in EXTRAS:
            value = record.__dict__.get(field)
            if isinstance(value, str | int):
                log_data[field] = value
        for field in ("exc_info", "stack_info"):
            if message_dict.get(field):
                # A traceback's exception text may quote a path with its token.
                log_data[field] = redact(str(message_dict[field]))

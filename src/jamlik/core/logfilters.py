"""Keep credentials and personal data out of the logs.

Django logs every 4xx and 5xx with the request path, and paths carry the personal tokens of
the public links (/r/, /m/, /a/, /s/ and their /api/v1/public/ twins). The filter replaces
those tokens with "…" before a record is written. ``DropTemplateLookups`` drops the template
engine's DEBUG records, which carry the whole template context."""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(
    r"(/(?:r|m|a|s)/|/api/v1/public/(?:links|registrations|approvals|responses)/)[^/?#\s\"']+"
)


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1…", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True


class DropTemplateLookups(logging.Filter):
    """Django's template engine logs at DEBUG every variable it could not resolve, with the
    exception, whose text is the template context: names, addresses, personal links. Those
    records never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.template" and record.levelno <= logging.DEBUG)

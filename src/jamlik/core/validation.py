"""The text rules every input model applies through core/schemas.py (docs/api.md#input-rules).

Names and titles ≤ 200 characters, texts ≤ 10,000, comments ≤ 5,000, e-mail ≤ 254. Blank
after trimming is invalid where text is required; NUL, other control characters and text
that cannot be encoded (lone surrogates) are refused, because the database would choke on
them later. Unusual but valid text (emoji, right-to-left, HTML characters) passes unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

NAME_MAX = 200
# The largest count a user may enter (seats, quotas, capacities).
MAX_COUNT = 1_000_000
TEXT_MAX = 10_000
COMMENT_MAX = 5_000
EMAIL_MAX = 254
CODE_RE = re.compile(r"^[\w-]{1,20}$")  # letters of any alphabet, digits, "-", "_"
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def unusable_text(value: str) -> str | None:
    """Why ``value`` can be stored nowhere, or None: NUL (PostgreSQL refuses it in text) and
    lone surrogates (not encodable as UTF-8). The rule for every string a request carries,
    also where no other text rule applies (keys, ids as text, free strings)."""
    if "\x00" in value:
        return _("The text contains control characters that are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("The text contains invalid characters.")
    return None


def clean_text(
    value: object, *, max_length: int = NAME_MAX, required: bool = True, multiline: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."), code="invalid")
    if len(value) > max_length * 4:
        # Refuse huge input before looking at every character of it.
        raise ValidationError(_("At most %(n)s characters.") % {"n": max_length}, code="max_length")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(_("The text contains invalid characters."), code="invalid") from None
    for char in value:
        if unicodedata.category(char) == "Cc" and not (multiline and char in _ALLOWED_CONTROLS):
            raise ValidationError(
                _("The text contains control characters that are not allowed."), code="invalid"
            )
    value = value.strip()
    if required and not value:
        raise ValidationError(_("This field cannot be blank."), code="required")
    if len(value) > max_length:
        raise ValidationError(_("At most %(n)s characters.") % {"n": max_length}, code="max_length")
    return value


def clean_email(value: object, *, required: bool = True) -> str:
    text = clean_text(value, max_length=EMAIL_MAX, required=required)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid") from None
    local, _sep, domain = text.rpartition("@")
    # Domains are case-insensitive; keep the local part as typed.
    return f"{local}@{domain.lower()}"


def clean_code(value: object) -> str:
    text = clean_text(value, max_length=20)
    if not CODE_RE.match(text):
        raise ValidationError(_("1–20 characters: letters, digits, '-' and '_'."), code="invalid")
    return text


def clean_domain(value: object) -> str:
    text = clean_text(value, max_length=253).lower().lstrip("@")
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", text):
        raise ValidationError(
            _("“%(domain)s” is not a valid e-mail domain.") % {"domain": text[:60]},
            code="invalid",
        )
    return text

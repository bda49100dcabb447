"""The input models of the user-management writes (docs/decisions/0022-input-models.md).

``UserIn`` creates a staff user, ``UserPatch`` changes some of one. Who may make the change,
a taken username, and whether an organisation coordinator keeps an organisation after a
partial change (which depends on the stored user) stay in ``core/services.py``.
"""

from __future__ import annotations

from typing import Annotated, Self

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field, model_validator

from jamlik.core.inputs import FieldError, Input
from jamlik.core.models import Role
from jamlik.core.schemas import NOT_SENT, ModelId, OptionalEmail, OptionalName, Username


def _username_characters(value: str) -> str:
    # The characters Django's login and admin accept in a username.
    try:
        UnicodeUsernameValidator()(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return value


OrganisationId = ModelId


class UserIn(Input):
    username: Annotated[Username, AfterValidator(_username_characters)]
    email: OptionalEmail = ""
    name: OptionalName = ""
    role: Role
    organisation: OrganisationId = None

    @model_validator(mode="after")
    def _coordinator_has_organisation(self) -> Self:
        if self.role == Role.ORG_COORDINATOR and self.organisation is None:
            raise FieldError(
                "organisation", _("An organisation coordinator must belong to an organisation.")
            )
        return self


class UserPatch(Input):
    """A partial change: only the fields sent change; ``organisation: null`` clears it."""

    # An unknown field (is_superuser, password, …) is a 400, not silently ignored.
    model_config = {"extra": "forbid"}

    # The defaults only mark a field as not sent; a null role or is_active is still a 400.
    email: OptionalEmail = Field(NOT_SENT)
    name: OptionalName = Field(NOT_SENT)
    role: Role = Field(NOT_SENT)
    organisation: OrganisationId = Field(None)
    is_active: bool = Field(NOT_SENT)

"""The input models of the directory's writes (docs/decisions/0022-input-models.md).

A SCIM request body is first validated by scim2-models in its RFC 7644 context
(``identity.scim``); ``ProvisionedUser`` and ``ProvisionedGroup`` are what Jamlik takes from
it, held to the same text rules as every other write (``core.schemas``). ``ScimTokenIn`` is
the administrator's form."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from jamlik.core.inputs import Input
from jamlik.core.schemas import OptionalEmail, OptionalName, Username
from jamlik.core.user_inputs import _username_characters

ShortName = Annotated[OptionalName, Field(max_length=150)]
OptionalKey = Annotated[str | None, Field(max_length=255)]


class ProvisionedUser(Input):
    username: Annotated[Username, AfterValidator(_username_characters)]
    external_id: OptionalKey = None
    name: OptionalName = ""
    first_name: ShortName = ""
    last_name: ShortName = ""
    email: OptionalEmail = ""
    # None: the directory did not say (counts as active; Entra ID always says).
    active: bool | None = None


class ProvisionedGroup(Input):
    display_name: Annotated[str, Field(min_length=1, max_length=255)]
    external_id: OptionalKey = None


class ScimTokenIn(Input):
    name: OptionalName = ""

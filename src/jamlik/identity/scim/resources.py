"""The SCIM resources Jamlik serves, as scim2-models models, and the service description
that ``/ServiceProviderConfig``, ``/ResourceTypes`` and ``/Schemas`` publish.

Jamlik publishes a *narrowed* User schema: the core User and enterprise User schemas with
only the attributes it keeps (RFC 7643 lets a service provider support a subset). What a
directory sends beyond them (phone numbers, addresses, titles…) is dropped, never stored:
the data minimisation the GDPR asks for, and a schema that says so to a client that reads
it. Entra ID does not read /Schemas; its attribute mappings are set up as README.md#scim
says.

The class names are the schema names the discovery endpoints publish (User, Group,
EnterpriseUser), and their docstrings the descriptions.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    ExtensibleStringEnum,
    Extension,
    Filter,
    GroupMembership,
    Mutability,
    Pagination,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models import Role as ScimRole

# Lists answer at most this many resources per page.
MAX_RESULTS = 200


class Name(ComplexAttribute):
    formatted: str | None = None
    """The full name, formatted for display."""

    family_name: str | None = None
    """The family name (Jamlik: last name)."""

    given_name: str | None = None
    """The given name (Jamlik: first name)."""


class Email(ComplexAttribute):
    class Type(ExtensibleStringEnum):
        work = "work"
        home = "home"
        other = "other"

    value: EmailStr | None = None
    """An email address; the primary (else the work, else the first) is the user's."""

    type: Type | None = None
    """'work', 'home' or 'other'."""

    primary: bool | None = None
    """Whether this is the preferred address."""


class User(Resource[AnyExtension]):
    """A staff member of Jamlik, provisioned by the directory."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The Jamlik username (Entra ID: userPrincipalName)."""

    name: Name | None = None
    """The components of the user's name."""

    Name: ClassVar[type[ComplexAttribute]] = Name

    display_name: str | None = None
    """The name Jamlik shows."""

    active: bool | None = None
    """Whether the directory has the user active; false ends their sessions and API tokens."""

    emails: list[Email] | None = None
    """Email addresses."""

    Emails: ClassVar[type[ComplexAttribute]] = Email

    roles: list[ScimRole] | None = None
    """App role assignments (Entra ID: AppRoleAssignmentsComplex); mapped to a Jamlik role."""

    Roles: ClassVar[type[ComplexAttribute]] = ScimRole

    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None
    """The groups the user is a member of (set through the Group resources)."""

    Groups: ClassVar[type[ComplexAttribute]] = GroupMembership


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    """The id of the SCIM User that is the manager."""

    ref: Annotated[Reference[User] | None, CaseExact.true] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    """The URI of the manager's User resource."""


class EnterpriseUser(Extension):
    """The enterprise User attributes Jamlik keeps."""

    __schema__ = URN("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")

    organization: str | None = None
    """An organisation code, when DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE=organization."""

    department: str | None = None
    """An organisation code, when DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE=department."""

    manager: Manager | None = None
    """The user's manager; Jamlik keeps the manager's email when the id is a known user."""


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    """The id of a member User."""

    ref: Annotated[Reference[User] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    """The URI of the member User."""

    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])
    """Always 'User': Jamlik has no nested groups."""


class Group(Resource[Any]):
    """A directory group; its displayName or externalId may map to a Jamlik role."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    """The group's name."""

    members: list[GroupMember] | None = None
    """The member users."""

    Members: ClassVar[type[ComplexAttribute]] = GroupMember


UserResource = User[EnterpriseUser]

# How much of the directory's deviations from RFC 7644 Jamlik accepts: attributes outside
# the narrowed schema are dropped; Entra ID's PATCH forms (a ``remove`` carrying the member
# to remove as its value; a ``replace`` of ``emails[type eq "work"].value`` when there is no
# work address yet) are applied as Entra means them.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


def service_provider_config(documentation_uri: str | None = None) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=documentation_uri,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        pagination=Pagination(cursor=False, index=True, default_page_size=100),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="The SCIM token an administrator creates in Jamlik.",
                primary=True,
            )
        ],
    )


RESOURCE_TYPES = [ResourceType.from_resource(UserResource), ResourceType.from_resource(Group)]

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group],
    resource_types=RESOURCE_TYPES,
    config=service_provider_config(),
    policy=POLICY,
)

"""Read queries of the directory connection, as ``identity.policies`` allows."""

from __future__ import annotations

from django.db.models import QuerySet

from jamlik.core.lookups import get_or_404
from jamlik.identity import policies
from jamlik.identity.models import DirectoryAccount, ScimToken


def scim_token_list(*, user) -> QuerySet[ScimToken]:
    policies.require(policies.may_manage_directory, user)
    return ScimToken.objects.select_related("created_by").order_by("-created_at")


def scim_token_get(*, user, pk: int) -> ScimToken:
    return get_or_404(scim_token_list(user=user), pk)


def account_counts(*, user) -> dict[str, int]:
    policies.require(policies.may_manage_directory, user)
    accounts = DirectoryAccount.objects.filter(removed_at__isnull=True)
    return {
        "accounts": accounts.count(),
        "active": accounts.filter(user__is_active=True).count(),
        "without_role": accounts.filter(user__is_active=False, directory_active=True).count(),
    }

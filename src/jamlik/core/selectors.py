"""Read queries of core."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from jamlik.core.lookups import get_or_404
from jamlik.core.models import ApiToken, User, hash_token


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch the token at most once a minute: a write per API call would cost more than it tells.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_list(*, user: User) -> QuerySet[User]:
    return User.objects.select_related("organisation").order_by("username")


def user_get(*, user: User, pk: int) -> User:
    return get_or_404(User.objects.select_related("organisation"), pk)


def token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")

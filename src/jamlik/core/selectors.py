"""Read queries of core: users and their API tokens (as the user policy allows), the caller
behind a token, and rate-limit counters."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from jamlik.core import policies
from jamlik.core.lookups import get_or_404
from jamlik.core.models import ApiToken, RateLimitHit, User, hash_token


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    # A deactivated user's tokens stop working at once (and work again on reactivation).
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
    policies.require(policies.may_view_users, user)
    return User.objects.select_related("organisation").order_by("username")


def user_get(*, user: User, pk: int) -> User:
    policies.require(policies.may_view_users, user)
    return get_or_404(User.objects.select_related("organisation"), pk)


def token_owner_get(*, user: User, pk: int) -> User:
    """The user whose API tokens the caller asks about: themself, or anyone for those who
    may read users (the token policy then decides what they may do with them)."""
    if pk == user.pk:
        return user
    return user_get(user=user, pk=pk)


def token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The caller's own tokens (the profile page)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_list(*, user: User, owner: User) -> QuerySet[ApiToken]:
    policies.require(policies.may_manage_tokens, user, owner)
    return ApiToken.objects.filter(user=owner).order_by("-created_at")


def token_get(*, user: User, owner: User, pk: int) -> ApiToken:
    return get_or_404(token_list(user=user, owner=owner).select_related("user"), pk)


def rate_limits_reached(*, limits: dict[str, int], window: timedelta) -> bool:
    """Whether any key has used up its limit in the current window of
    ``ratelimit.rate_limit_hit``, without counting a hit. The windows are aligned to their
    length, so the current one is the only one that started less than a window ago."""
    if not limits:
        return False
    current = Q()
    for key, limit in limits.items():
        current |= Q(key=key[:200], count__gte=limit)
    return RateLimitHit.objects.filter(current, window_start__gt=timezone.now() - window).exists()

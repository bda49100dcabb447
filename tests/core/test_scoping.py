"""The one scoping mechanism (core.scoping)."""

import pytest

from jamlik.core.models import Role
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(
        scope_for(user).filter(Organisation.objects.all(), via="").values_list("code", flat=True)
    )


def test_city_coordinator_and_admin_see_everything(personas):
    everything = set(Organisation.objects.values_list("code", flat=True))
    assert _visible(personas.city_coordinator) == everything
    assert _visible(personas.admin) == everything


def test_org_coordinator_sees_own_subtree_only(personas):
    assert _visible(personas.coordinator_a) == {"A", "A1"}
    assert _visible(personas.coordinator_b) == {"B", "B1"}


def test_sibling_with_common_id_prefix_is_not_in_scope(personas):
    # Paths end with "/" so /1/2/ never matches /1/23/.
    from tests.factories.orgs import OrganisationFactory

    for _ in range(25):
        OrganisationFactory(parent=personas.city)
    assert _visible(personas.coordinator_a) == {"A", "A1"}


def test_anonymous_and_inactive_and_orphan_users_see_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(AnonymousUser()) == set()
    personas.coordinator_a.is_active = False
    assert _visible(personas.coordinator_a) == set()
    orphan = UserFactory.build(role=Role.ORG_COORDINATOR, organisation=None)
    assert _visible(orphan) == set()


def test_covers(personas):
    scope = scope_for(personas.coordinator_a)
    assert scope.covers(personas.unit_a)
    assert not scope.covers(personas.unit_b)
    assert not scope.covers(personas.city)

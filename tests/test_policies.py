"""Who may do what, per app (``<app>/policies.py``): one matrix of personas × every ``may_*``
function, asked of the pure functions (no HTTP). A ``may_*`` function that the matrix does
not cover fails ``test_every_policy_is_in_the_matrix``: a new policy comes with its row here.

The pages, the API and the services ask these same functions; their answers through HTTP are
checked in each app's tests (e.g. tests/events/test_pages_staff.py, tests/events/test_scoping.py,
tests/assessments/test_pages_access.py) and tests/test_access_matrix.py."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest
from django.contrib.auth.models import AnonymousUser

from jamlik.assessments import policies as assessments
from jamlik.core import policies as core
from jamlik.core.errors import Forbidden
from jamlik.core.models import Role
from jamlik.events import policies as events
from jamlik.identity import policies as identity
from jamlik.orgs import policies as orgs
from jamlik.reviews import policies as reviews
from tests.factories.core import UserFactory

MODULES = [events, assessments, reviews, orgs, identity]
PERSONAS = ["admin", "city", "org_a", "org_b", "inactive", "anonymous"]

# Who is allowed: CITY = administrators and city coordinators; STAFF = every active staff
# user (an org coordinator within their subtree: which rows is scoping, not a policy).
CITY = {"admin", "city"}
ADMIN = {"admin"}
STAFF = {"admin", "city", "org_a", "org_b"}

MATRIX: dict[ModuleType, dict[str, set[str]]] = {
    events: {
        "may_edit_event": CITY,
        "may_manage_allocations": CITY,
        "may_manage_programme": CITY,
        "may_manage_links": CITY,
        "may_send_links": STAFF,
        "may_see_dashboard": STAFF,
        "may_cancel_registration": STAFF,
        "may_change_registration_sessions": STAFF,
        "may_check_in": STAFF,
        "may_resend_manage_link": STAFF,
        "may_erase_registration": CITY,
        "may_export_registrations": STAFF,
        "may_message_participants": STAFF,
        "may_register_others": STAFF,  # whom: tests/events/test_staff_registrations.py
        "may_see_radar": STAFF,
        "may_invite": STAFF,  # whom: tests/events/test_invitations.py
        "may_see_invitations": STAFF,
        "may_send_unused_seat_reminders": CITY,
        "may_see_protected_identity": CITY,
        "may_see_needs_of_people": CITY,
        "may_export_person_data": CITY,
        # Results are event-level, so city and admin only (tests/events/test_evaluation.py).
        "may_manage_evaluation": CITY,
        "may_see_evaluation": CITY,
        "may_see_allocation_proposal": CITY,
    },
    assessments: {
        "may_manage_campaigns": CITY,
        "may_load_framework": CITY,
        "may_invite": STAFF,
        "may_remind": STAFF,
        "may_set_respondents": STAFF,
        "may_change_response": STAFF,
        "may_reopen_response": STAFF,
        "may_manage_actions": STAFF,
        "may_see_results": STAFF,
        "may_assign_requirements": STAFF,  # the respondent acts through the link
        "may_withdraw_assignment": STAFF,
    },
    reviews: {
        "may_edit_review": CITY,
        "may_manage_milestones": CITY,
        "may_form_breakouts": CITY,
        "may_write_notes": CITY,
        "may_write_examples": STAFF,
        "may_edit_board_report": CITY,
        "may_export_board_report": CITY,
        "may_write_documentation": STAFF,  # which organisations: scoping
    },
    orgs: {
        "may_create_organisation": STAFF,
        "may_edit_organisation": STAFF,
        "may_import_organisations": STAFF,
        "may_export_organisations": STAFF,
    },
    identity: {
        "may_manage_directory": ADMIN,
    },
}


# Policies about one object, whose answer depends on it (tested per persona beside it).
OBJECT_POLICIES: dict[ModuleType, set[str]] = {
    assessments: {"may_sign_off"},  # tests/assessments/test_signoff.py
}


def _policies(module: ModuleType) -> dict[str, object]:
    """Every ``may_*`` function defined in ``module`` (not imported into it)."""
    return {
        name: fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("may_") and fn.__module__ == module.__name__
    }


@pytest.fixture
def actors(personas):
    return {
        "admin": personas.admin,
        "city": personas.city_coordinator,
        "org_a": personas.coordinator_a,
        "org_b": personas.coordinator_b,
        "inactive": UserFactory(username="gone", role=Role.ADMIN, is_active=False),
        "anonymous": AnonymousUser(),
    }


CASES = [
    pytest.param(module, name, persona, id=f"{module.__name__.split('.')[1]}.{name}-{persona}")
    for module, rows in MATRIX.items()
    for name in rows
    for persona in PERSONAS
]


@pytest.mark.parametrize(("module", "name", "persona"), CASES)
def test_policy_matrix(actors, django_assert_num_queries, module, name, persona):
    rule = getattr(module, name)
    allowed = persona in MATRIX[module][name]
    actor = actors[persona]
    with django_assert_num_queries(0):  # pure: the actor alone decides
        assert rule(actor) is allowed
        if allowed:
            module.require(rule, actor)
        else:
            with pytest.raises(Forbidden) as refused:
                module.require(rule, actor)
            assert str(refused.value.message) == str(module._DENIED[rule])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_policy_is_in_the_matrix(module):
    found = _policies(module)
    assert found, module.__name__
    expected = set(MATRIX[module]) | OBJECT_POLICIES.get(module, set())
    assert set(found) == expected, "a may_* function without a row in MATRIX"
    for name, fn in found.items():
        assert fn in module._DENIED, f"{module.__name__}.{name} has no refusal message"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_one_require_for_every_app(module):
    assert module.require is core.require

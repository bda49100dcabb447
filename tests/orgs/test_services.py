"""Organisation services: create, update, moves in the tree, scoping of changes."""

import pytest

from jamlik.core.errors import Invalid, NotFound
from jamlik.core.models import AuditEntry
from jamlik.orgs import services
from jamlik.orgs.models import Organisation
from tests.factories.orgs import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_create_sets_materialised_path(personas):
    assert personas.org_a.path == f"{personas.city.path}{personas.org_a.pk}/"
    assert personas.unit_a.path.startswith(personas.org_a.path)
    assert personas.unit_a.depth == 2


def test_create_writes_audit_entry(personas):
    org = services.organisation_create(
        actor=personas.admin, code="NEW", name="Ny", kind="unit", parent=personas.org_a
    )
    entry = AuditEntry.objects.get(action="orgs.organisation.created", object_id=str(org.pk))
    assert entry.actor == personas.admin and entry.new["code"] == "NEW"


def test_codes_are_unique_case_insensitively(personas):
    with pytest.raises(Invalid) as exc:
        services.organisation_create(actor=None, code="a", name="Dubblett", kind="unit")
    assert exc.value.errors[0]["field"] == "code"


def test_move_rewrites_paths_of_whole_subtree(personas):
    deep = UnitFactory(parent=personas.unit_a)
    services.organisation_update(actor=None, organisation=personas.org_a, parent=personas.org_b)
    deep.refresh_from_db()
    personas.unit_a.refresh_from_db()
    assert personas.unit_a.path.startswith(personas.org_b.path)
    assert deep.path == f"{personas.unit_a.path}{deep.pk}/"
    assert deep.depth == 4


def test_cannot_move_below_itself(personas):
    with pytest.raises(Invalid) as exc:
        services.organisation_update(
            actor=None, organisation=personas.org_a, parent=personas.unit_a
        )
    assert exc.value.errors[0]["field"] == "parent"
    personas.org_a.refresh_from_db()
    assert personas.org_a.parent == personas.city


def test_end_date_before_start_is_invalid(personas):
    import datetime as dt

    with pytest.raises(Invalid):
        services.organisation_update(
            actor=None,
            organisation=personas.org_a,
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2020, 1, 1),
        )


def test_successor_cannot_be_itself(personas):
    with pytest.raises(Invalid):
        services.organisation_update(
            actor=None, organisation=personas.org_a, successor=personas.org_a
        )


def test_org_coordinator_changes_own_subtree_only(personas):
    services.organisation_update(
        actor=personas.coordinator_a, organisation=personas.unit_a, name="Ny enhet"
    )
    with pytest.raises(NotFound):
        services.organisation_update(
            actor=personas.coordinator_a, organisation=personas.org_b, name="x"
        )


def test_org_coordinator_cannot_move_out_of_or_create_outside_subtree(personas):
    with pytest.raises(Invalid):
        services.organisation_update(
            actor=personas.coordinator_a, organisation=personas.unit_a, parent=personas.org_b
        )
    with pytest.raises(Invalid):
        services.organisation_create(
            actor=personas.coordinator_a, code="X1", name="X", kind="unit", parent=personas.org_b
        )
    with pytest.raises(Invalid):
        services.organisation_create(
            actor=personas.coordinator_a, code="X2", name="X", kind="unit", parent=None
        )
    created = services.organisation_create(
        actor=personas.coordinator_a, code="X3", name="X", kind="unit", parent=personas.org_a
    )
    assert created.path.startswith(personas.org_a.path)


def test_org_coordinator_may_rename_own_root_without_moving_it(personas):
    services.organisation_update(
        actor=personas.coordinator_a, organisation=personas.org_a, name="A nytt namn"
    )
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "A nytt namn" and personas.org_a.parent == personas.city


def test_domains_are_validated_and_deduplicated(personas):
    org = services.organisation_update(
        actor=None, organisation=personas.org_a, domains=["A.example", "a.example", "b.example"]
    )
    assert org.domains == ["a.example", "b.example"]
    with pytest.raises(Invalid):
        services.organisation_update(
            actor=None, organisation=personas.org_a, domains=["not a domain"]
        )


def test_organisation_for_email_picks_deepest_match(personas):
    from jamlik.orgs.selectors import organisation_for_email

    services.organisation_update(actor=None, organisation=personas.unit_a, domains=["a.example"])
    assert organisation_for_email("Someone@A.example") == personas.unit_a
    assert organisation_for_email("x@unknown.example") is None


def test_nothing_changes_on_invalid_update(personas):
    before = Organisation.objects.get(pk=personas.org_a.pk)
    with pytest.raises(Invalid):
        services.organisation_update(
            actor=None, organisation=personas.org_a, name="ok", code="bad code"
        )
    after = Organisation.objects.get(pk=personas.org_a.pk)
    assert (after.name, after.code) == (before.name, before.code)


def test_factory_builds_hundreds_quickly(db):
    city = OrganisationFactory(code="C")
    for _ in range(5):
        OrganisationFactory(parent=city)
    assert Organisation.objects.count() == 6

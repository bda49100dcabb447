"""The built-in version 2025.2 of ``aktiva-atgarder``: version 2025 with the references to
AFS 2023:2 and AFS 2023:1 given by section (docs/law.md, "References of version 2025.2").
Same keys and texts as 2025, so campaigns compare; 2025 itself stays as it was."""

from __future__ import annotations

import pytest

from jamlik.assessments import selectors, services
from jamlik.assessments.frameworks import BUILTIN_DIR, FrameworkSpec, parse_framework
from jamlik.assessments.models import Framework
from tests.factories import assessments as f

KEY = "aktiva-atgarder"
FILE_2019 = "aktiva-atgarder-2019.yaml"
FILE_2025 = "aktiva-atgarder-2025.yaml"
FILE_2025_2 = "aktiva-atgarder-2025-2.yaml"

# The corrected references, exactly as written in the file.
CORRECTED = {
    "ks-definition-kand": "AFS 2023:2 2 kap. 3 §",
    "ks-chefers-kunskaper": "AFS 2023:2 2 kap. 4 §",
    "ks-mal-osa": "AFS 2023:2 2 kap. 5 §",
    "ks-inte-accepterat": "AFS 2023:2 2 kap. 10 §",
    "ks-motverka-forhallanden": "AFS 2023:2 2 kap. 10 §",
    "ks-rutiner-hantering": "AFS 2023:2 2 kap. 11 §",
    "ks-rutiner-hjalp": "AFS 2023:2 2 kap. 11 §",
    "sam-risker-osa": "AFS 2023:1 11 och 13 §§",
    "sam-arlig-uppfoljning": "AFS 2023:1 14 §",
}

# The corrected references that have been read against the published text of the
# provisions (docs/law.md); their ``check`` flag is gone. None could be read yet: the rest
# keep ``check: true`` until someone has, and removing a flag changes the content (a new
# version once 2025.2 is used by a campaign).
VERIFIED: frozenset[str] = frozenset()


def spec(name: str) -> FrameworkSpec:
    return parse_framework((BUILTIN_DIR / name).read_bytes(), name)


def requirements(name: str) -> dict:
    return {r.key: r for a in spec(name).areas for r in a.requirements}


def test_new_version_is_a_builtin_file_with_its_own_version():
    new, old = spec(FILE_2025_2), spec(FILE_2025)
    assert (new.key, new.version) == (KEY, "2025.2")
    assert (old.key, old.version) == (KEY, "2025")
    assert new.content_hash != old.content_hash


def test_same_areas_and_requirement_keys_as_2025_in_the_same_order():
    new, old = spec(FILE_2025_2), spec(FILE_2025)
    assert [a.key for a in new.areas] == [a.key for a in old.areas]
    for new_area, old_area in zip(new.areas, old.areas, strict=True):
        assert [r.key for r in new_area.requirements] == [r.key for r in old_area.requirements]


def test_every_2019_key_is_in_the_new_version():
    assert set(requirements(FILE_2019)) <= set(requirements(FILE_2025_2))


def test_only_the_corrected_references_differ_from_2025():
    new, old = requirements(FILE_2025_2), requirements(FILE_2025)
    changed = {key for key in new if new[key].reference != old[key].reference}
    assert changed == set(CORRECTED)
    for key, requirement in new.items():
        before = old[key]
        # The texts (Swedish and English), guidance and scales are those of 2025.
        assert (requirement.text, requirement.text_en) == (before.text, before.text_en), key
        assert (requirement.guidance, requirement.guidance_en) == (
            before.guidance,
            before.guidance_en,
        ), key
        assert requirement.scale == before.scale, key
    assert spec(FILE_2025_2).scales == spec(FILE_2025).scales


@pytest.mark.parametrize(("key", "reference"), sorted(CORRECTED.items()))
def test_corrected_reference(key, reference):
    assert requirements(FILE_2025_2)[key].reference == reference


def test_check_flags_are_gone_exactly_where_verified():
    new, old = requirements(FILE_2025_2), requirements(FILE_2025)
    assert VERIFIED <= set(CORRECTED)
    assert not any(new[key].check for key in VERIFIED)
    # Everything not verified keeps the flag it had in 2025.
    assert {k for k, r in new.items() if r.check} == {k for k, r in old.items() if r.check} - (
        VERIFIED
    )
    assert all(new[key].check for key in set(CORRECTED) - VERIFIED)


@pytest.mark.django_db
def test_migration_loaded_the_new_version_and_left_2025_as_it_was():
    new = Framework.objects.get(key=KEY, version="2025.2")
    assert new.source_name == FILE_2025_2
    assert new.source_hash == spec(FILE_2025_2).content_hash
    stored = {r.key: r for r in new.requirements.all()}
    assert set(stored) == set(requirements(FILE_2025_2))
    for key, reference in CORRECTED.items():
        assert stored[key].reference == reference
        assert stored[key].needs_check is (key not in VERIFIED)
    assert (
        stored["ks-definition-kand"].text_en
        == requirements(FILE_2025_2)["ks-definition-kand"].text_en
    )
    old = Framework.objects.get(key=KEY, version="2025")
    assert old.source_hash == spec(FILE_2025).content_hash
    assert old.requirements.get(key="ks-definition-kand").reference == (
        "AFS 2023:2 2 kap. (tidigare AFS 2015:4 4 §)"
    )


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    source = (BUILTIN_DIR / FILE_2025_2).read_bytes()
    first = services.framework_load(source=source, name=FILE_2025_2)
    again = services.framework_load(source=source, name=FILE_2025_2)
    assert (first.action, again.action) == ("unchanged", "unchanged")
    assert first.framework.pk == again.framework.pk
    by_version = {r.framework.version: r.action for r in services.frameworks_load_builtin()}
    assert by_version == {"2019": "unchanged", "2025": "unchanged", "2025.2": "unchanged"}
    assert Framework.objects.filter(key=KEY, version="2025.2").count() == 1


@pytest.mark.django_db
def test_loading_into_an_empty_database_then_again(without_builtin_frameworks):
    source = (BUILTIN_DIR / FILE_2025_2).read_bytes()
    first = services.framework_load(source=source, name=FILE_2025_2)
    again = services.framework_load(source=source, name=FILE_2025_2)
    assert (first.action, again.action) == ("created", "unchanged")
    assert first.framework.requirements.count() == spec(FILE_2025_2).requirement_count()


def _answer_all(campaign, *, best: bool) -> None:
    """Every requirement answered with its scale's highest (or lowest) scoring value."""
    framework = campaign.framework
    values = {}
    for requirement in framework.requirements.all():
        scored = [o for o in framework.scale(requirement.scale_name) if o["score"] is not None]
        chosen = (
            max(scored, key=lambda o: o["score"]) if best else min(scored, key=lambda o: o["score"])
        )
        values[requirement.key] = chosen["value"]
    f.submit(campaign.responses.get(), values)


@pytest.mark.django_db
def test_a_2025_2_campaign_compares_with_a_2025_campaign_by_key(personas):
    old = f.campaign(
        organisations=[personas.org_a],
        fw=Framework.objects.get(key=KEY, version="2025"),
        title="Självskattning 2025",
    )
    new = f.campaign(
        organisations=[personas.org_a],
        fw=Framework.objects.get(key=KEY, version="2025.2"),
        title="Självskattning 2026",
    )
    _answer_all(old, best=False)
    _answer_all(new, best=True)
    summary = selectors.campaign_summary(
        user=personas.city_coordinator, campaign=new, compare_to=old
    )
    changes = {c.key: c for c in summary.comparison.requirements}
    assert set(changes) == set(requirements(FILE_2025))
    for key, change in changes.items():
        assert change.previous == pytest.approx(0), key
        assert change.change == pytest.approx(100), key
    assert {a.key for a in summary.comparison.areas} == {a.key for a in spec(FILE_2025).areas}
    assert all(a.change == pytest.approx(100) for a in summary.comparison.areas)

"""Framework files: strict validation with file, line and key; loading; immutability."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jamlik.assessments import services
from jamlik.assessments.frameworks import (
    FrameworkInvalid,
    builtin_files,
    normalised_score,
    parse_framework,
)
from jamlik.assessments.models import Framework, Requirement
from tests.factories import assessments as f

GOOD = f.SMALL_FRAMEWORK.format(version="1")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as info:
        parse_framework(text, "broken.yaml")
    return [str(p) for p in info.value.problems]


def test_small_framework_parses():
    spec = parse_framework(GOOD, "good.yaml")
    assert spec.key == "test-ramverk"
    assert [a.key for a in spec.areas] == ["a1", "a2"]
    assert [r.key for r in spec.areas[0].requirements] == ["r1", "r2"]
    assert spec.areas[0].requirements[1].scale == "maturity"
    assert spec.areas[1].requirements[0].check is True


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.name)
def test_builtin_frameworks_are_valid(path):
    spec = parse_framework(path.read_bytes(), path.name)
    assert spec.key == "aktiva-atgarder"
    assert spec.requirement_count() >= 35


def test_builtin_versions_share_keys():
    specs = {p.name: parse_framework(p.read_bytes(), p.name) for p in builtin_files()}
    keys = {
        name: {r.key for a in spec.areas for r in a.requirements} for name, spec in specs.items()
    }
    old, new = keys["aktiva-atgarder-2019.yaml"], keys["aktiva-atgarder-2025.yaml"]
    assert old <= new  # every 2019 requirement can be compared with 2025


def test_missing_key_names_file_line_and_key():
    text = GOOD.replace('        reference: "Lag 3 §"\n', "")
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith("broken.yaml:")
    assert "areas.a2.requirements.r3.reference: missing required key" in found[0]
    line = int(found[0].split(":")[1])
    assert GOOD.splitlines()[line - 1].strip() == "- key: r3"


def test_duplicate_key_in_a_mapping_is_reported_with_both_lines():
    text = GOOD.replace("    title: Område två\n", "    title: Område två\n    title: Igen\n")
    (found,) = problems(text)
    line = text.splitlines().index("    title: Igen") + 1
    assert found == (
        f"broken.yaml:{line}: areas.a2.title: duplicate key (first given on line {line - 1})"
    )


def test_duplicate_requirement_key():
    text = GOOD.replace("      - key: r3\n", "      - key: r1\n")
    (found,) = problems(text)
    assert "requirements.r1.key: duplicate requirement key (first on line" in found


def test_duplicate_area_key():
    text = GOOD.replace("  - key: a2\n", "  - key: a1\n")
    (found,) = problems(text)
    assert "areas.a1.key: duplicate area key" in found


def test_unknown_scale_is_named():
    text = GOOD.replace("scale: maturity", "scale: mognad")
    (found,) = problems(text)
    line = text.splitlines().index("        scale: mognad") + 1
    assert found == (
        f"broken.yaml:{line}: areas.a1.requirements.r2.scale: unknown scale “mognad”; "
        "defined scales: compliance, maturity"
    )


def test_unknown_default_scale():
    (found,) = problems(GOOD.replace("default_scale: compliance", "default_scale: ja-nej"))
    assert "default_scale: unknown scale “ja-nej”" in found


def test_score_of_wrong_type():
    (found,) = problems(GOOD.replace("label: Uppfyllt, score: 2", 'label: Uppfyllt, score: "2"'))
    assert "scales.compliance.#1.score: must be a number or null, not “2”" in found
    assert found.startswith("broken.yaml:7:")


def test_boolean_score_is_refused():
    (found,) = problems(GOOD.replace("label: Uppfyllt, score: 2", "label: Uppfyllt, score: true"))
    assert "score: must be a number or null" in found


def test_value_that_is_not_a_string():
    # Unquoted yes is a boolean in YAML and 0 a number: both must be quoted.
    text = GOOD.replace('{value: "yes",', "{value: yes,").replace('{value: "0",', "{value: 0,")
    found = problems(text)
    assert any(
        "scales.compliance.#1.value: expected text, got yes; put it in quotes" in p for p in found
    )
    assert any(
        "scales.maturity.#1.value: expected text, got 0; put it in quotes" in p for p in found
    )


def test_version_must_be_quoted():
    (found,) = problems(GOOD.replace('version: "1"', "version: 1"))
    assert found == "broken.yaml:2: version: expected text, got 1; put it in quotes"


def test_unknown_key_lists_the_allowed_ones():
    text = GOOD.replace("        check: true\n", "        check: true\n        weight: 2\n")
    (found,) = problems(text)
    assert "requirements.r3.weight: unknown key; allowed here: key, text, reference" in found


def test_duplicate_scale_value():
    text = GOOD.replace('{value: "partly",', '{value: "yes",')
    (found,) = problems(text)
    assert "scales.compliance.#2.value: duplicate value “yes” (first on line 7)" in found


def test_scale_needs_two_scores():
    text = GOOD.replace("label: Delvis uppfyllt, score: 1", "label: Delvis uppfyllt, score: 2")
    text = text.replace("label: Ej uppfyllt, score: 0", "label: Ej uppfyllt, score: 2")
    (found,) = problems(text)
    assert "scales.compliance: a scale needs at least two different scores" in found


def test_blank_text_and_empty_lists():
    text = GOOD.replace("text: Krav ett", 'text: "  "').replace(
        """    requirements:
      - key: r3
        text: Krav tre
        reference: "Lag 3 §"
        check: true
""",
        "    requirements: []\n",
    )
    found = problems(text)
    assert any("areas.a1.requirements.r1.text: must not be blank" in p for p in found)
    assert any("areas.a2.requirements: the list is empty" in p for p in found)


def test_check_must_be_boolean():
    (found,) = problems(GOOD.replace("check: true", "check: ja"))
    assert "areas.a2.requirements.r3.check: must be true or false" in found


def test_bad_key_pattern():
    (found,) = problems(GOOD.replace("- key: r1", "- key: R 1"))
    assert "“R 1” is not a valid key" in found


def test_yaml_syntax_error_names_the_line():
    text = GOOD.replace("title: Område ett", "title: [Område ett")
    (found,) = problems(text)
    assert found.startswith("broken.yaml:")
    assert "YAML syntax error" in found


def test_not_a_mapping_and_empty_file_and_binary():
    assert problems("- a\n- b\n") == ["broken.yaml:1: expected a mapping of keys to values"]
    assert problems("") == ["broken.yaml:1: the file is empty"]
    with pytest.raises(FrameworkInvalid, match="not UTF-8"):
        parse_framework(b"key: \xff\n", "bin.yaml")
    with pytest.raises(FrameworkInvalid, match="NUL"):
        parse_framework("key: a\x00\n", "nul.yaml")


def test_several_problems_are_all_reported_in_line_order():
    text = GOOD.replace('version: "1"', "version: 1").replace("scale: maturity", "scale: x")
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("broken.yaml:2:")


def test_normalised_score():
    compliance = parse_framework(GOOD).scales["compliance"]
    maturity = parse_framework(GOOD).scales["maturity"]
    assert normalised_score(compliance, "yes") == 100
    assert normalised_score(compliance, "partly") == 50
    assert normalised_score(compliance, "no") == 0
    assert normalised_score(compliance, "na") is None
    assert normalised_score(compliance, "dont_know") is None
    assert normalised_score(compliance, "unknown") is None
    assert normalised_score(maturity, "1") == pytest.approx(100 / 3)
    assert normalised_score(maturity, "2") == pytest.approx(200 / 3)


# ---- Loading -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_creates_then_is_a_no_op_for_the_same_content():
    first = services.framework_load(source=GOOD, name="t.yaml")
    assert first.action == "created"
    framework = first.framework
    assert framework.areas.count() == 2
    r2 = Requirement.objects.get(framework=framework, key="r2")
    assert (r2.scale_name, r2.own_scale, r2.area.key) == ("maturity", True, "a1")
    assert Requirement.objects.get(framework=framework, key="r3").needs_check is True
    # A comment or another layout does not change the content.
    again = services.framework_load(source="# kommentar\n" + GOOD, name="t.yaml")
    assert again.action == "unchanged"
    assert again.framework.pk == framework.pk


@pytest.mark.django_db
def test_changed_file_updates_an_unused_version():
    services.framework_load(source=GOOD, name="t.yaml")
    result = services.framework_load(
        source=GOOD.replace("Krav ett", "Krav ett, ändrat"), name="t.yaml"
    )
    assert result.action == "updated"
    assert Requirement.objects.get(framework=result.framework, key="r1").text == "Krav ett, ändrat"
    assert Requirement.objects.filter(framework=result.framework).count() == 3


@pytest.mark.django_db
def test_used_version_is_immutable(personas):
    framework = f.framework()
    f.campaign(organisations=[personas.org_a], fw=framework)
    framework.refresh_from_db()
    assert framework.locked
    with pytest.raises(services.FrameworkLocked, match="cannot change"):
        services.framework_load(
            source=GOOD.replace("Krav ett", "Krav ett, ändrat"), name="test-1.yaml"
        )
    assert services.framework_load(source=GOOD, name="test-1.yaml").action == "unchanged"
    assert Requirement.objects.get(framework=framework, key="r1").text == "Krav ett"


@pytest.mark.django_db
def test_builtin_frameworks_are_there_after_migrate():
    # The data migration loaded them into the test database; nobody ran a load command.
    loaded = Framework.objects.filter(key="aktiva-atgarder").order_by("version")
    assert [f.version for f in loaded] == ["2019", "2025", "2025.2"]
    assert all(f.requirements.count() > 30 for f in loaded)
    results = services.frameworks_load_builtin()
    assert [r.action for r in results] == ["unchanged", "unchanged", "unchanged"]


@pytest.mark.django_db
def test_builtin_load_and_command(tmp_path, capsys, without_builtin_frameworks):
    results = services.frameworks_load_builtin()
    assert [r.action for r in results] == ["created", "created", "created"]
    assert Framework.objects.filter(key="aktiva-atgarder").count() == 3
    call_command("frameworks", "load", "--builtin")
    out = capsys.readouterr().out
    assert "aktiva-atgarder 2019: unchanged" in out
    call_command("frameworks", "list")
    assert "aktiva-atgarder 2025" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_reports_problems_and_loads_nothing(tmp_path, without_builtin_frameworks):
    path = tmp_path / "fel.yaml"
    path.write_text(GOOD.replace("scale: maturity", "scale: x"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"fel.yaml:\d+: areas.a1.requirements.r2.scale"):
        call_command("frameworks", "load", str(path))
    assert not Framework.objects.exists()
    with pytest.raises(CommandError, match="1 file"):
        call_command("frameworks", "check", str(path))

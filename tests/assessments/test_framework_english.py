"""Frameworks carry English texts beside the Swedish ones (``*_en``): the built-in files have
one for every text, loading fills them by key without changing the content hash (also on a
version in use), the pages, the XLSX export and the charts show them when the language is
English, the API adds them as fields of their own, and a framework without them shows
Swedish."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from jamlik.assessments import chartrules, services, texts
from jamlik.assessments.frameworks import FrameworkInvalid, builtin_files, parse_framework
from jamlik.assessments.models import Area, Framework, Requirement
from jamlik.assessments.services.common import FrameworkLocked
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
SV = {"Accept-Language": "sv"}

# The factory's small framework with an English text beside every Swedish one.
ENGLISH = {
    "title: Testramverk {version}\n": (
        "title: Testramverk {version}\ntitle_en: Test framework {version}\n"
    ),
    "description: Ett litet ramverk för tester.\n": (
        "description: Ett litet ramverk för tester.\ndescription_en: A small framework for tests.\n"
    ),
    "label: Uppfyllt, score": 'label: Uppfyllt, label_en: "Met", score',
    "label: Delvis uppfyllt, score": 'label: Delvis uppfyllt, label_en: "Partly met", score',
    "label: Ej uppfyllt, score": 'label: Ej uppfyllt, label_en: "Not met", score',
    'label: "3 – etablerat och utvärderat", score': (
        'label: "3 – etablerat och utvärderat", label_en: "3 – established and evaluated", score'
    ),
    "    title: Område ett\n": "    title: Område ett\n    title_en: Area one\n",
    "    title: Område två\n": "    title: Område två\n    title_en: Area two\n",
    "        text: Krav ett\n": "        text: Krav ett\n        text_en: Requirement one\n",
    "        guidance: Vägledning ett\n": (
        "        guidance: Vägledning ett\n        guidance_en: Guidance one\n"
    ),
    "        text: Krav två\n": "        text: Krav två\n        text_en: Requirement two\n",
    "        text: Krav tre\n": "        text: Krav tre\n        text_en: Requirement three\n",
}


def english_source(version: str = "1") -> str:
    source = f.SMALL_FRAMEWORK
    for swedish, both in ENGLISH.items():
        assert swedish in source, swedish
        source = source.replace(swedish, both)
    return source.format(version=version)


def english_framework(version: str = "1") -> Framework:
    return services.framework_load(source=english_source(version), name="en.yaml").framework


@pytest.fixture
def results(personas, monkeypatch):
    """A campaign on the English-speaking framework with two submitted responses."""
    monkeypatch.setattr(chartrules, "MIN_ANSWERS_FOR_RANKING", 1)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], fw=english_framework())
    f.submit(
        campaign.responses.get(unit=personas.unit_a),
        {"r1": "partly", "r2": "3", "r3": "no"},
        r1="En kommentar",
    )
    f.submit(campaign.responses.get(unit=personas.unit_b), {"r1": "no", "r2": "0", "r3": "yes"})
    return campaign


# ---- The built-in files --------------------------------------------------------------------


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.name)
def test_builtin_files_have_an_english_text_for_every_text(path):
    spec = parse_framework(path.read_bytes(), path.name)
    assert spec.title_en and spec.description_en
    for name, options in spec.scales.items():
        for option in options:
            assert option.label_en and option.label_en != option.label, (name, option.value)
    assert spec.areas
    for area in spec.areas:
        assert area.title_en and area.title_en != area.title, area.key
        assert bool(area.description_en) == bool(area.description), area.key
        assert area.requirements
        for requirement in area.requirements:
            where = requirement.key
            assert requirement.text_en and requirement.text_en != requirement.text, where
            assert bool(requirement.guidance_en) == bool(requirement.guidance), where
            assert requirement.guidance_en != requirement.guidance, where
            for swedish in (" och ", " att ", " är ", " inte "):
                assert swedish not in requirement.text_en + requirement.guidance_en, where


def test_builtin_versions_translate_the_same_texts_alike():
    """A requirement with the same Swedish text in both versions has the same English one."""
    by_version = {}
    for path in builtin_files():
        spec = parse_framework(path.read_bytes(), path.name)
        by_version[spec.version] = {
            r.key: (r.text, r.text_en, r.guidance, r.guidance_en)
            for a in spec.areas
            for r in a.requirements
        }
    first, second = by_version["2019"], by_version["2025"]
    for key in first.keys() & second.keys():
        if first[key][0] == second[key][0]:
            assert first[key][1] == second[key][1], key
        if first[key][2] == second[key][2]:
            assert first[key][3] == second[key][3], key


def test_builtin_frameworks_have_their_english_texts_after_migrate():
    for framework in Framework.objects.filter(key="aktiva-atgarder"):
        assert framework.title_en == "Active measures and victimisation"
        assert all(a.title_en for a in framework.areas.all())
        assert all(r.text_en and r.guidance_en for r in framework.requirements.all())
        for options in framework.scales.values():
            assert all(o.get("label_en") for o in options)
    assert Framework.objects.filter(key="aktiva-atgarder").count() == 3


# ---- Reading and loading --------------------------------------------------------------------


def test_english_texts_are_optional_and_leave_the_content_hash():
    swedish = parse_framework(f.SMALL_FRAMEWORK.format(version="1"))
    english = parse_framework(english_source())
    assert swedish.title_en == "" and english.title_en == "Test framework 1"
    assert english.areas[0].requirements[0].guidance_en == "Guidance one"
    assert english.scales["compliance"][0].label_en == "Met"
    assert english.scales["compliance"][3].label_en == ""  # not given: Swedish is shown
    assert english.content_hash == swedish.content_hash


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("        text: Krav ett\n        text_en: [a, b]\n", "text_en"),
        ("        text: Krav ett\n        text_en: 12\n", "text_en"),
        ("        text: Krav ett\n        name_en: x\n", "name_en"),
    ],
)
def test_english_texts_are_validated(source, path):
    text = f.SMALL_FRAMEWORK.format(version="1").replace("        text: Krav ett\n", source)
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(text, "bad.yaml")
    assert any(p.path.endswith(path) for p in caught.value.problems), caught.value.problems


def test_loading_again_fills_the_english_texts_of_a_version_in_use(personas):
    fw = f.framework("1")
    campaign = f.campaign(organisations=[personas.org_a], fw=fw)
    f.answer(campaign.responses.get(), {"r1": "yes"})
    ids = dict(Requirement.objects.filter(framework=fw).values_list("key", "pk"))
    area_ids = dict(Area.objects.filter(framework=fw).values_list("key", "pk"))

    result = services.framework_load(source=english_source(), name="en.yaml")

    assert result.action == "translated" and result.framework.pk == fw.pk
    fw.refresh_from_db()
    assert fw.title_en == "Test framework 1" and fw.source_hash == result.framework.source_hash
    assert fw.scale()[0] == {"value": "yes", "label": "Uppfyllt", "label_en": "Met", "score": 2}
    assert "label_en" not in fw.scale()[3]
    assert dict(Requirement.objects.filter(framework=fw).values_list("key", "pk")) == ids
    assert dict(Area.objects.filter(framework=fw).values_list("key", "pk")) == area_ids
    assert Requirement.objects.get(framework=fw, key="r1").text_en == "Requirement one"
    assert Area.objects.get(framework=fw, key="a2").title_en == "Area two"
    # The same again is a no-op; changed Swedish content of a version in use is still refused.
    again = services.framework_load(source=english_source(), name="en.yaml")
    assert again.action == "unchanged"
    with pytest.raises(FrameworkLocked):
        services.framework_load(
            source=english_source().replace("text: Krav ett", "text: Krav 1"), name="en.yaml"
        )


def test_builtin_load_and_the_migration_fill_english_texts_of_an_existing_database():
    Requirement.objects.filter(framework__key="aktiva-atgarder").update(text_en="", guidance_en="")
    Area.objects.filter(framework__key="aktiva-atgarder").update(title_en="")
    results = services.frameworks_load_builtin()
    assert [r.action for r in results] == ["translated", "translated", "translated"]
    assert not Requirement.objects.filter(framework__key="aktiva-atgarder", text_en="").exists()

    # 0006 fills the two versions it names; 2025.2 came later with English texts (0008).
    named = Requirement.objects.filter(
        framework__key="aktiva-atgarder", framework__version__in=["2019", "2025"]
    )
    named.update(text_en="")
    migration = importlib.import_module(
        "jamlik.assessments.migrations.0006_builtin_frameworks_english"
    )
    migration.fill_english(django_apps, None)
    assert not Requirement.objects.filter(framework__key="aktiva-atgarder", text_en="").exists()
    assert [r.action for r in services.frameworks_load_builtin()] == ["unchanged"] * 3


# ---- The accessor ---------------------------------------------------------------------------


def test_localized_picks_english_only_when_active_and_given():
    requirement = Requirement(text="Krav", text_en="Requirement", guidance="Råd", guidance_en="")
    option = {"value": "yes", "label": "Uppfyllt", "label_en": "Met"}
    with translation.override("sv"):
        assert texts.localized(requirement, "text") == "Krav"
        assert texts.localized(option, "label") == "Uppfyllt"
    for language in ("en", "en-gb"):
        with translation.override(language):
            assert texts.localized(requirement, "text") == "Requirement"
            assert texts.localized(requirement, "guidance") == "Råd"  # blank English
            assert texts.localized(option, "label") == "Met"
            assert texts.localized({"label": "Vet ej"}, "label") == "Vet ej"
            assert texts.localized({"label": "Vet ej", "label_en": None}, "label") == "Vet ej"


# ---- Pages, export, API -----------------------------------------------------------------------


def test_response_form_in_english_and_swedish(client, personas):
    campaign = f.campaign(organisations=[personas.org_a], fw=english_framework())
    response = campaign.responses.get()
    english = client.get(f"/s/{response.token}", headers=EN).content.decode()
    for text in ("Requirement one", "Guidance one", "Area two", "Partly met", "Test framework 1"):
        assert text in english, text
    assert "3 – established and evaluated" in english
    for text in ("Krav ett", "Vägledning ett", "Område två", "Delvis uppfyllt"):
        assert text not in english, text
    assert "Lag 1 §" in english  # legal references stay as they are
    assert "Ej tillämpligt" in english  # an option without an English label: Swedish

    swedish = client.get(f"/s/{response.token}", headers=SV).content.decode()
    for text in ("Krav ett", "Vägledning ett", "Område två", "Delvis uppfyllt"):
        assert text in swedish, text
    for text in ("Requirement one", "Guidance one", "Area two", "Partly met"):
        assert text not in swedish, text


def test_submitted_response_and_version_in_english(client, personas):
    campaign = f.campaign(organisations=[personas.org_a], fw=english_framework())
    response = campaign.responses.get()
    f.submit(response, {"r1": "partly", "r2": "3", "r3": "no"})
    page = client.get(f"/s/{response.token}", headers=EN).content.decode()
    assert "Requirement three" in page and "Partly met" in page and "Krav tre" not in page
    version = client.get(f"/s/{response.token}/versions/1", headers=EN)
    assert version.status_code == 200
    html = version.content.decode()
    assert "Requirement one" in html and "Partly met" in html and "Delvis uppfyllt" not in html
    html = client.get(f"/s/{response.token}/versions/1", headers=SV).content.decode()
    assert "Krav ett" in html and "Delvis uppfyllt" in html


def test_results_page_in_english_and_swedish(personas, results):
    web = personas.web(personas.city_coordinator)
    url = f"/assessments/campaigns/{results.pk}/results/"
    english = web.get(url, headers=EN).content.decode()
    for text in ("Area one", "Area two", "Requirement one", "Partly met", "Not met"):
        assert text in english, text
    for text in ("Område ett", "Krav ett", "Delvis uppfyllt"):
        assert text not in english, text
    swedish = web.get(url, headers=SV).content.decode()
    for text in ("Område ett", "Krav ett", "Delvis uppfyllt"):
        assert text in swedish, text
    for text in ("Area one", "Requirement one", "Partly met"):
        assert text not in swedish, text


def test_xlsx_export_in_english_and_swedish(personas, results):
    from openpyxl import load_workbook

    web = personas.web(personas.city_coordinator)
    url = f"/assessments/campaigns/{results.pk}/export.xlsx"

    english = load_workbook(io.BytesIO(web.get(url, headers=EN).content))
    cells = {
        str(c)
        for sheet in english.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    for text in ("Area one", "Area two", "Requirement one", "Partly met", "Not met"):
        assert text in cells, text
    assert any("Area one" in c for c in cells)  # the heat map's column headings
    for text in ("Område ett", "Krav ett", "Delvis uppfyllt"):
        assert text not in cells, text

    swedish = load_workbook(io.BytesIO(web.get(url, headers=SV).content))
    cells = {
        str(c)
        for sheet in swedish.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    for text in ("Område ett", "Krav ett", "Delvis uppfyllt"):
        assert text in cells, text
    assert "Requirement one" not in cells and "Partly met" not in cells


def test_a_framework_without_english_texts_shows_swedish_in_english(client, personas):
    campaign = f.campaign(organisations=[personas.org_a], fw=f.framework("1"))
    response = campaign.responses.get()
    f.submit(response, {"r1": "partly", "r2": "3", "r3": "no"})
    html = client.get(f"/s/{response.token}", headers=EN).content.decode()
    assert "Krav ett" in html and "Område två" in html and "Delvis uppfyllt" in html
    results = (
        personas.web(personas.city_coordinator)
        .get(f"/assessments/campaigns/{campaign.pk}/results/", headers=EN)
        .content.decode()
    )
    assert "Område ett" in results and "Krav" in results
    with translation.override("en"):
        assert (
            texts.localized(Requirement.objects.get(framework=campaign.framework, key="r1"), "text")
            == "Krav ett"
        )


def test_api_adds_the_english_fields_and_keeps_the_swedish_ones(personas, results):
    api = personas.api(personas.city_coordinator, language="en")
    body = api.get(f"/api/v1/frameworks/{results.framework_id}").json()
    assert (body["title"], body["title_en"]) == ("Testramverk 1", "Test framework 1")
    assert body["description_en"] == "A small framework for tests."
    assert body["scale"][0] == {"value": "yes", "label": "Uppfyllt", "label_en": "Met", "score": 2}
    area = body["areas"][0]
    assert (area["title"], area["title_en"]) == ("Område ett", "Area one")
    first = area["requirements"][0]
    assert (first["text"], first["text_en"]) == ("Krav ett", "Requirement one")
    assert (first["guidance"], first["guidance_en"]) == ("Vägledning ett", "Guidance one")
    assert area["requirements"][1]["scale"][3]["label_en"] == "3 – established and evaluated"

    summary = api.get(f"/api/v1/campaigns/{results.pk}/summary").json()
    assert [(a["title"], a["title_en"]) for a in summary["areas"]] == [
        ("Område ett", "Area one"),
        ("Område två", "Area two"),
    ]
    comments = api.get(f"/api/v1/campaigns/{results.pk}/comments").json()
    assert comments[0]["text"] == "Krav ett" and comments[0]["text_en"] == "Requirement one"
    assert comments[0]["comments"][0]["label"] == "Delvis uppfyllt"
    assert comments[0]["comments"][0]["label_en"] == "Partly met"

    response = results.responses.get(unit=personas.unit_a)
    answers = api.get(f"/api/v1/responses/{response.pk}/answers").json()
    first_answer = next(a for a in answers if a["requirement"] == "r1")
    assert (first_answer["label"], first_answer["label_en"]) == ("Delvis uppfyllt", "Partly met")

    plain = personas.api(personas.city_coordinator).get(f"/api/v1/frameworks/{f.framework('2').pk}")
    body = plain.json()
    assert body["title_en"] == "" and body["areas"][0]["requirements"][0]["text_en"] == ""
    assert "label_en" not in body["scale"][0]


def test_openapi_document_lists_the_english_fields(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"text_en", "guidance_en"} <= set(schemas["RequirementOut"]["properties"])
    assert {"title_en", "description_en"} <= set(schemas["AreaOut"]["properties"])
    assert {"title_en", "description_en"} <= set(schemas["FrameworkOut"]["properties"])
    assert "label_en" in schemas["ScaleOptionOut"]["properties"]
    assert "title_en" in schemas["AreaScoreOut"]["properties"]
    assert "label_en" in schemas["AnswerOut"]["properties"]

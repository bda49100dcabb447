"""The comparison files (docs/framework-keys.md): ``jamlik-scores/1`` (scores per
organisation and requirement key; API CSV and JSON, page CSV and JSON) and
``jamlik-framework-keys/1`` (API and ``jamlik frameworks keys``). Figures by hand and equal
to the summary's, the same rows in every format, scoped per persona, constant queries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.assessments import selectors
from jamlik.assessments.frameworks import builtin_files, parse_framework
from jamlik.assessments.models import Framework
from jamlik.assessments.selectors.scores import campaign_scores
from tests.factories import assessments as f
from tests.factories.orgs import UnitFactory

pytestmark = pytest.mark.django_db

FIXED = [
    "format",
    "campaign_id",
    "campaign_title",
    "framework_key",
    "framework_version",
    "organisation_code",
    "organisation_name",
    "requirement_key",
    "area_key",
    "answered",
    "scored",
    "score",
]
VALUES = ["yes", "partly", "no", "na", "dont_know", "0", "1", "2", "3"]


@pytest.fixture
def setup(personas):
    """A2 under A, B2 under B; three submitted responses and a draft (not counted)."""
    a2 = UnitFactory(parent=personas.org_a, name="Enhet A2", code="A2")
    b2 = UnitFactory(parent=personas.org_b, name="Enhet B2", code="B2")
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], title="Omgång 2021")

    def response(unit):
        return campaign.responses.get(unit=unit)

    f.submit(response(personas.unit_a), {"r1": "yes", "r2": "1", "r3": "na"})
    f.submit(response(a2), {"r1": "partly", "r2": "3", "r3": "no"})
    f.submit(response(personas.unit_b), {"r1": "dont_know", "r2": "0", "r3": "yes"})
    f.answer(response(b2), {"r1": "no", "r2": "0", "r3": "no"})  # a draft
    return personas, campaign


def api_json(client, campaign, **params):
    answer = client.get(f"/api/v1/campaigns/{campaign.pk}/scores.json", params)
    assert answer.status_code == 200, answer.content[:300]
    return json.loads(answer.content.decode("utf-8"))


def api_csv(client, campaign, **params):
    answer = client.get(f"/api/v1/campaigns/{campaign.pk}/scores.csv", params)
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["X-Jamlik-Format"] == "jamlik-scores/1"
    assert not answer.content.startswith(b"\xef\xbb\xbf")  # no BOM
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))


def by_cell(rows):
    return {(r["organisation_code"], r["requirement_key"]): r for r in rows}


# ---- Figures -------------------------------------------------------------------------------


def test_figures_by_hand(setup):
    personas, campaign = setup
    document = api_json(personas.api(personas.city_coordinator), campaign)
    assert document["format"] == "jamlik-scores/1"
    assert document["campaign"] == {"id": campaign.pk, "title": "Omgång 2021"}
    assert document["framework"]["key"] == "test-ramverk"
    assert document["framework"]["version"] == "1"
    assert document["framework"]["content_hash"] == campaign.framework.source_hash
    assert document["values"] == VALUES
    rows = by_cell(document["rows"])
    assert len(document["rows"]) == 6  # 2 organisations × 3 requirements
    a1 = rows[("A", "r1")]
    assert a1 == {
        "campaign_id": campaign.pk,
        "campaign_title": "Omgång 2021",
        "framework_key": "test-ramverk",
        "framework_version": "1",
        "organisation_code": "A",
        "organisation_name": "Förvaltning A",
        "requirement_key": "r1",
        "area_key": "a1",
        "answered": 2,
        "scored": 2,
        "score": 75.0,
        "counts": {"yes": 1, "partly": 1, "no": 0, "na": 0, "dont_know": 0},
    }
    # r2 on the maturity scale: (33.33 + 100) / 2 = 66.67, shown 66.7
    assert rows[("A", "r2")]["score"] == 66.7
    assert rows[("A", "r2")]["counts"] == {"0": 0, "1": 1, "2": 0, "3": 1}
    assert (rows[("A", "r3")]["answered"], rows[("A", "r3")]["scored"]) == (2, 1)
    assert rows[("A", "r3")]["score"] == 0.0
    # B: the draft of B2 does not count; don't know has no score
    assert (rows[("B", "r1")]["answered"], rows[("B", "r1")]["scored"]) == (1, 0)
    assert rows[("B", "r1")]["score"] is None
    assert rows[("B", "r2")]["score"] == 0.0
    assert rows[("B", "r3")]["score"] == 100.0
    assert rows[("B", "r3")]["counts"]["no"] == 0


def test_scores_equal_the_summary_for_the_same_organisation_and_requirement(setup):
    personas, campaign = setup
    user = personas.city_coordinator
    rows = by_cell(api_json(personas.api(user), campaign)["rows"])
    for organisation in (personas.org_a, personas.org_b):
        summary = selectors.campaign_summary(
            user=user, campaign=campaign, organisation=organisation
        )
        for requirement in summary.requirements:
            row = rows[(organisation.code, requirement.key)]
            expected = None if requirement.score is None else round(requirement.score, 1)
            assert row["score"] == expected
            assert row["answered"] == requirement.answered
            assert row["scored"] == requirement.scored
            assert row["counts"] == requirement.counts
            assert row["area_key"] == requirement.area


# ---- Formats -------------------------------------------------------------------------------


def _from_csv(row, values):
    """A CSV row in the JSON row's shape."""
    return {
        **{k: row[k] for k in FIXED[1:] if k not in ("campaign_id", "answered", "scored", "score")},
        "campaign_id": int(row["campaign_id"]),
        "answered": int(row["answered"]),
        "scored": int(row["scored"]),
        "score": float(row["score"].replace(",", ".")) if row["score"] else None,
        "counts": {v: int(row[f"count_{v}"]) for v in values if row[f"count_{v}"] != ""},
    }


def test_api_csv_and_json_have_the_same_rows(setup):
    personas, campaign = setup
    client = personas.api(personas.admin)
    document = api_json(client, campaign)
    rows = api_csv(client, campaign)
    assert list(rows[0]) == FIXED + [f"count_{v}" for v in VALUES]
    assert {r["format"] for r in rows} == {"jamlik-scores/1"}
    assert [_from_csv(r, VALUES) for r in rows] == document["rows"]
    assert rows[1]["score"] == "66.7"  # a decimal point for programs


def test_page_csv_is_for_swedish_excel_and_holds_the_same_rows(setup):
    personas, campaign = setup
    web = personas.web(personas.city_coordinator)
    answer = web.get(f"/assessments/campaigns/{campaign.pk}/scores.csv")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    text = answer.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = table[0], table[1:]
    assert len(header) == len(FIXED) + len(VALUES)
    assert header[5] == "Organisationskod"
    assert header[11] == "Poäng (0–100)"
    rows = [dict(zip(FIXED + [f"count_{v}" for v in VALUES], r, strict=True)) for r in body]
    assert rows[1]["score"] == "66,7"  # decimal comma for Swedish Excel
    document = api_json(personas.api(personas.city_coordinator), campaign)
    assert [_from_csv(r, VALUES) for r in rows] == document["rows"]
    page_json = web.get(f"/assessments/campaigns/{campaign.pk}/scores.json")
    assert page_json.status_code == 200
    assert json.loads(page_json.content) == document


def test_page_links_to_the_files(setup):
    personas, campaign = setup
    html = personas.web(personas.city_coordinator).get(
        f"/assessments/campaigns/{campaign.pk}/results/"
    )
    assert html.status_code == 200
    content = html.content.decode()
    assert f"/assessments/campaigns/{campaign.pk}/scores.csv" in content
    assert f"/assessments/campaigns/{campaign.pk}/scores.json" in content


def test_a_formula_in_a_name_is_neutralised_in_the_page_csv_only(setup):
    personas, campaign = setup
    personas.org_a.name = "=HYPERLINK(1)"
    personas.org_a.save()
    web = personas.web(personas.admin)
    text = web.get(f"/assessments/campaigns/{campaign.pk}/scores.csv").content.decode("utf-8-sig")
    names = {r[6] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}
    assert "'=HYPERLINK(1)" in names
    rows = api_csv(personas.api(personas.admin), campaign)
    assert "=HYPERLINK(1)" in {r["organisation_name"] for r in rows}


def test_organisation_filter(setup):
    personas, campaign = setup
    client = personas.api(personas.city_coordinator)
    rows = api_json(client, campaign, organisation=personas.org_b.pk)["rows"]
    assert {r["organisation_code"] for r in rows} == {"B"}


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999", "1e400", "\u0661"])
def test_bad_input_is_a_4xx(setup, value):
    personas, campaign = setup
    client = personas.api(personas.admin)
    web = personas.web(personas.admin)
    for path in ("scores.csv", "scores.json"):
        answer = client.get(f"/api/v1/campaigns/{campaign.pk}/{path}", {"organisation": value})
        assert answer.status_code == 400, (path, value, answer.status_code)
        page = web.get(f"/assessments/campaigns/{campaign.pk}/{path}", {"organisation": value})
        assert page.status_code == 400, (path, value, page.status_code)
    assert client.get("/api/v1/campaigns/999999/scores.json").status_code == 404
    assert web.get("/assessments/campaigns/999999/scores.csv").status_code == 404
    assert client.get("/api/v1/frameworks/999999/keys.json").status_code == 404


# ---- Scoping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("admin", {"A", "B"}),
        ("city_coordinator", {"A", "B"}),
        ("coordinator_a", {"A"}),
        ("coordinator_b", {"B"}),
    ],
)
def test_scoping_per_persona(setup, persona, codes):
    personas, campaign = setup
    user = getattr(personas, persona)
    document = api_json(personas.api(user), campaign)
    assert {r["organisation_code"] for r in document["rows"]} == codes
    assert {r["organisation_code"] for r in api_csv(personas.api(user), campaign)} == codes
    web = personas.web(user)
    page = web.get(f"/assessments/campaigns/{campaign.pk}/scores.json")
    assert {r["organisation_code"] for r in json.loads(page.content)["rows"]} == codes
    text = web.get(f"/assessments/campaigns/{campaign.pk}/scores.csv").content.decode("utf-8-sig")
    assert {r[5] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]} == codes
    everything = {r[6] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}
    if codes == {"A"}:
        assert "Förvaltning B" not in everything and "Förvaltning B" not in str(document)


def test_a_coordinator_gets_their_subtree_only_and_no_sibling_campaign(setup):
    personas, campaign = setup
    # Only B's answers would reach a sibling's rows: A's coordinator never sees them.
    client = personas.api(personas.coordinator_a)
    assert (
        client.get(
            f"/api/v1/campaigns/{campaign.pk}/scores.json", {"organisation": personas.org_b.pk}
        ).status_code
        == 400
    )
    only_b = f.campaign(organisations=[personas.org_b], title="Bara B")
    f.submit(only_b.responses.get(unit=personas.unit_b))
    for path in ("scores.csv", "scores.json"):
        assert client.get(f"/api/v1/campaigns/{only_b.pk}/{path}").status_code == 404
        web = personas.web(personas.coordinator_a)
        assert web.get(f"/assessments/campaigns/{only_b.pk}/{path}").status_code == 404
    assert personas.api().get(f"/api/v1/campaigns/{campaign.pk}/scores.json").status_code == 401
    assert personas.api().get(f"/api/v1/campaigns/{campaign.pk}/scores.csv").status_code == 401
    anonymous = personas.web().get(f"/assessments/campaigns/{campaign.pk}/scores.csv")
    assert anonymous.status_code == 302


def test_a_unit_below_a_named_organisation_counts_under_it(personas):
    """Rows are the campaign's named organisations (as the heat map), not the units."""
    deep = UnitFactory(parent=personas.unit_a, name="Del av A1", code="A1X")
    campaign = f.campaign(organisations=[personas.org_a])
    f.submit(campaign.responses.get(unit=deep), {"r1": "no", "r2": "0", "r3": "no"})
    rows = campaign_scores(user=personas.admin, campaign=campaign).rows
    assert {r.organisation_code for r in rows} == {"A"}
    assert {r.requirement_key: r.score for r in rows} == {"r1": 0.0, "r2": 0.0, "r3": 0.0}


# ---- Queries -------------------------------------------------------------------------------


def _count_queries(personas, units):
    parent_a = UnitFactory(parent=personas.org_a, kind="administration", name=f"Del {units}")
    f.many_units(parent_a, units)
    f.many_units(personas.org_b, units)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b], title=f"{units}")
    f.answer_in_bulk(campaign, submitted_every=2)
    client = personas.api(personas.city_coordinator)
    web = personas.web(personas.coordinator_a)
    counts = []
    for call in (
        lambda: campaign_scores(user=personas.city_coordinator, campaign=campaign),
        lambda: client.get(f"/api/v1/campaigns/{campaign.pk}/scores.csv"),
        lambda: client.get(f"/api/v1/campaigns/{campaign.pk}/scores.json"),
        lambda: web.get(f"/assessments/campaigns/{campaign.pk}/scores.csv"),
    ):
        with CaptureQueriesContext(connection) as captured:
            result = call()
        assert getattr(result, "status_code", 200) == 200
        counts.append(len(captured))
    return counts


def test_queries_are_constant_whatever_the_size(personas):
    small = _count_queries(personas, 10)
    large = _count_queries(personas, 100)
    assert small == large
    assert small[0] <= 5


# ---- Framework keys ------------------------------------------------------------------------


def _builtin_specs():
    return [parse_framework(path.read_bytes(), path.name) for path in builtin_files()]


def test_keys_cover_every_requirement_of_every_builtin_framework(personas):
    specs = _builtin_specs()
    assert len(specs) == 3
    client = personas.api(personas.coordinator_a)
    for spec in specs:
        framework = Framework.objects.get(key=spec.key, version=spec.version)
        answer = client.get(f"/api/v1/frameworks/{framework.pk}/keys.json")
        assert answer.status_code == 200
        document = json.loads(answer.content)
        assert document["format"] == "jamlik-framework-keys/1"
        (entry,) = document["frameworks"]
        assert (entry["key"], entry["version"]) == (spec.key, spec.version)
        assert entry["content_hash"] == spec.content_hash
        assert [a["key"] for a in entry["areas"]] == [a.key for a in spec.areas]
        keys = [r["key"] for a in entry["areas"] for r in a["requirements"]]
        expected = [r.key for a in spec.areas for r in a.requirements]
        assert keys == expected
        assert len(keys) == len(set(keys))
        requirements = {r.key: r for a in spec.areas for r in a.requirements}
        for area in entry["areas"]:
            assert area["title"] and area["title_en"]
            for item in area["requirements"]:
                spec_requirement = requirements[item["key"]]
                assert item["text"] == spec_requirement.text
                assert item["text_en"] == spec_requirement.text_en
                assert item["reference"] == spec_requirement.reference
    assert personas.api().get(f"/api/v1/frameworks/{framework.pk}/keys.json").status_code == 401


def test_the_command_writes_keys_that_parse(personas):
    specs = _builtin_specs()
    every = {(s.key, s.version, r.key) for s in specs for a in s.areas for r in a.requirements}
    out = io.StringIO()
    call_command("frameworks", "keys", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[:4] == ["format", "framework_key", "framework_version", "content_hash"]
    assert {(r["framework_key"], r["framework_version"], r["requirement_key"]) for r in rows} >= (
        every
    )
    out = io.StringIO()
    call_command("frameworks", "keys", stdout=out)
    document = json.loads(out.getvalue())
    assert document["format"] == "jamlik-framework-keys/1"
    spec = specs[0]
    out = io.StringIO()
    call_command("frameworks", "keys", "--format", "json", spec.key, spec.version, stdout=out)
    (entry,) = json.loads(out.getvalue())["frameworks"]
    assert entry["version"] == spec.version
    assert entry in document["frameworks"]
    with pytest.raises(CommandError):
        call_command("frameworks", "keys", spec.key)
    with pytest.raises(CommandError):
        call_command("frameworks", "keys", "no-such", "1")


def test_shared_requirement_keys_of_the_two_builtin_versions_compare(personas):
    """The stability promise: the versions share keys, so scores join on them."""
    old, *_, new = sorted(_builtin_specs(), key=lambda s: s.version)
    assert old.key == new.key
    old_keys = {r.key for a in old.areas for r in a.requirements}
    new_keys = {r.key for a in new.areas for r in a.requirements}
    assert len(old_keys & new_keys) >= len(old_keys) // 2

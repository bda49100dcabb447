"""The demo's yearly documentation of active measures (Diskrimineringslagen 3 kap. 13 §) for
the year of the 2019 self-assessment: Kommunstyrelsen (one version, as drawn from the
answers) and Göteborg Energi AB (a first version from the answers, then one edited by the
HR manager), so the overview shows both produced and missing organisations and the editor
shows a version history.

Idempotent: an organisation that already has a version for the year is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from jamlik.assessments.models import Campaign
from jamlik.orgs.models import Organisation
from jamlik.reviews.models import DocumentationVersion
from jamlik.reviews.services import documentation

CAMPAIGN_2019 = "Självskattning arbetsmiljö 2019"  # the assessments demo's title

EDITED_GE = {
    "causes": (
        "Analysen i samverkansgruppen visar att rutinerna finns men inte är kända ute i "
        "verksamheten, och att uppföljningen saknar en fast tidpunkt under året."
    ),
    "wage_survey": (
        "Lönekartläggningen 2019 omfattade samtliga anställda. Inga osakliga skillnader i lön "
        "mellan kvinnor och män kunde påvisas för lika arbete. För likvärdigt arbete "
        "jämfördes kvinnodominerade grupper med icke kvinnodominerade; analysen genomfördes "
        "tillsammans med de fackliga organisationerna och ledde inte till lönejusteringar."
    ),
    "follow_up": (
        "Åtgärderna följs upp i samverkansgruppen i mars och oktober. Resultatet redovisas "
        "för ledningsgruppen i samband med årsbokslutet."
    ),
}


def load(result: Any) -> None:
    campaign = Campaign.objects.filter(title=CAMPAIGN_2019).first()
    if campaign is None:
        result.summary.append(
            f"Documentation: the campaign “{CAMPAIGN_2019}” was not found; none made."
        )
        return
    year = timezone.localtime(campaign.opens_at).year
    made = 0
    with translation.override("sv"):
        for code, author, edits in (
            ("KS", "Lisa Ekström, HR-strateg", None),
            ("GE", "Anders Holm, HR-chef", EDITED_GE),
        ):
            organisation = Organisation.objects.filter(code=code).first()
            if (
                organisation is None
                or DocumentationVersion.objects.filter(
                    documentation__organisation=organisation, documentation__year=year
                ).exists()
            ):
                continue
            if edits:  # first the text as drawn from the answers, then the edited one
                documentation.documentation_save(
                    actor=None, organisation=organisation, year=year, author="HR-specialist"
                )
            documentation.documentation_save(
                actor=None,
                organisation=organisation,
                data={"year": year, "author": author, **(edits or {})},
            )
            made += 1
    result.summary.append(
        f"Årlig dokumentation av aktiva åtgärder {year}: {made} nya organisationer"
    )

"""Demo users, one or more per role. They all share one password, printed by ``jamlik demo``."""

from __future__ import annotations

from typing import cast

from jamlik.core import services
from jamlik.core.models import Role, User
from jamlik.orgs.models import Organisation

PASSWORD = "jamlik-demo"  # noqa: S105 -- the demo's published password, printed by `jamlik demo`

USERS = [
    ("admin", "Ada Administratör", Role.ADMIN, None),
    ("stad", "Samira Stadsledning", Role.CITY_COORDINATOR, "SLK"),
    ("angered", "Anders HR Angered", Role.ORG_COORDINATOR, "SDF-ANG"),
    ("lundby", "Lena HR Lundby", Role.ORG_COORDINATOR, "SDF-LUN"),
    ("trafik", "Eva HR Trafikkontoret", Role.ORG_COORDINATOR, "TK"),
]


def load(organisations: dict[str, Organisation]) -> list[tuple[str, str]]:
    """Create the demo users if missing and (re)set their password; returns (login, role)."""
    logins = []
    for username, name, role, org_code in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                email=f"{username}@jamlik.example",
                name=name,
                role=role,
                organisation=organisations.get(org_code) if org_code else None,
                password=PASSWORD,
            )
        else:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        label = user.get_role_display()
        if user.organisation_id:
            label += f", {cast(Organisation, user.organisation).name}"
        logins.append((username, str(label)))
    return logins

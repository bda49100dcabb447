"""The organisation registry (organisationsregistret): the city's tree of committees,
administrations, companies, units and external partners."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

SHORT_NAME_MAX = 40


class Kind(models.TextChoices):
    COMMITTEE = "committee", _("Committee")
    ADMINISTRATION = "administration", _("Administration")
    COMPANY = "company", _("Company")
    UNIT = "unit", _("Unit")
    EXTERNAL = "external", _("External")


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    # Shown where the full name does not fit (the heat map's rows); blank: the name.
    short_name = models.CharField(_("short name"), max_length=SHORT_NAME_MAX, blank=True)
    code = models.CharField(_("short code"), max_length=20, unique=True)
    mailbox = models.EmailField(_("functional mailbox"), max_length=254, blank=True)
    domains = models.JSONField(_("e-mail domains"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    # A split: the organisations besides ``successor`` that took over part of this one
    # (only with a successor; the services refuse loops through any successor link).
    other_successors = models.ManyToManyField(
        "self",
        verbose_name=_("other successors (split)"),
        symmetrical=False,
        blank=True,
        related_name="split_predecessors",
    )
    # Materialised path of ids ("/1/5/12/"), kept by the services; the scoping of every
    # people-and-answers query is a prefix match on it.
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="organisation_code_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="organisation_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """The organisation's own id and its ancestors' ids, the root first (from ``path``)."""
        return [int(part) for part in self.path.strip("/").split("/") if part] or [self.pk]

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

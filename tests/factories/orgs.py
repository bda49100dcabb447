import factory

from jamlik.orgs import services
from jamlik.orgs.models import Kind, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Goes through the service, so the materialised path is right."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    code = factory.Sequence(lambda n: f"ORG{n}")
    kind = Kind.ADMINISTRATION
    parent = None
    mailbox = factory.LazyAttribute(lambda o: f"brevlada@{o.code.lower()}.example")
    domains = factory.LazyAttribute(lambda o: [f"{o.code.lower()}.example"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.organisation_create(actor=None, **kwargs)


class UnitFactory(OrganisationFactory):
    kind = Kind.UNIT
    name = factory.Sequence(lambda n: f"Enhet {n}")
    code = factory.Sequence(lambda n: f"UNIT{n}")
    domains = factory.LazyFunction(list)
    mailbox = ""

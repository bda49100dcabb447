"""Factories per app: ``from tests.factories.orgs import OrganisationFactory``."""

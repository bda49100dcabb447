import factory

from jamlik.core.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@stad.example")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.ORG_COORDINATOR
    password = factory.django.Password("secret-password-1")

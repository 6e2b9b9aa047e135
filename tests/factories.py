"""factory_boy factories shared by the whole suite."""

import factory
from django.utils.text import slugify

from organizations.models import Membership, Organization, User

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105 - tests only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    sector = "Financial services"
    size_band = Organization.SizeBand.LARGE
    region = "United Kingdom"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.CONSULTANT

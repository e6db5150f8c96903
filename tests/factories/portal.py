"""Factories of the platform: countries, companies, sites, users and their rights."""

import factory
from allauth.account.models import EmailAddress

from portal.applications import App
from portal.models import Authorization, Company, Country, Membership, Role, Site, User

ALL_APPS = [a.value for a in App]


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "FR"
    name = "France"
    name_fr = "France"
    apps = factory.LazyFunction(lambda: list(ALL_APPS))
    features = factory.LazyFunction(lambda: ["services_assistant"])
    currency = "EUR"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    customer_number = factory.Sequence(lambda n: f"{9000000 + n}")
    name = factory.Sequence(lambda n: f"Company {n}")
    country = factory.SubFactory(CountryFactory)
    address = "1 Test Street\nParis"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Paris"
    country = factory.SelfAttribute("company.country")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, verified=True, primary=True
            )


def member(
    company: Company,
    *,
    role: str | None = Role.VIEWER,
    apps: list[str] | None = None,
    admin: bool = False,
    **user_fields,
) -> User:
    """A user of `company` with `role` on `apps` (all offered apps by default); role None: no rights."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, company=company, is_company_admin=admin)
    if role is not None:
        for app in apps or company.country.apps:
            Authorization.objects.create(
                user=user, company=company, app=app, role=role, status=Authorization.Status.GRANTED
            )
    return user

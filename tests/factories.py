"""factory_boy factories shared by the whole suite."""

import itertools

import factory
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Answer, Assessment, Respondent
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


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment on a questionnaire; pass `questionnaire=` (the `questionnaire` fixture)."""

    class Meta:
        model = Assessment

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"GenAI alignment round {n}")
    status = Assessment.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    assessment = factory.SubFactory(AssessmentFactory)
    role = Respondent.Role.CEO
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"exec{n}@client.example")
    invited_at = factory.LazyFunction(timezone.now)


def answer_all(respondent: Respondent, values, *, comment: str = "") -> list[Answer]:
    """Answer every question of the respondent's questionnaire, in order.

    `values` is a sequence of 1..5 or "dk" (don't know), cycled when shorter than the bank.
    """
    questions = list(respondent.assessment.questionnaire.questions.order_by("order"))
    answers = []
    for question, value in zip(questions, itertools.cycle(values)):
        dont_know = value == "dk"
        answers.append(
            Answer(
                respondent=respondent,
                question=question,
                value=None if dont_know else value,
                dont_know=dont_know,
                comment=comment,
            )
        )
    return Answer.objects.bulk_create(answers)


def completed_assessment(questionnaire, *, organization=None, ceo=(4,), ciso=(2,), submit=True):
    """An open assessment whose CEO and CISO have answered everything (and submitted).

    Writes rows directly, without the submit service, so no scoring is triggered.
    """
    assessment = AssessmentFactory(
        questionnaire=questionnaire, organization=organization or OrganizationFactory()
    )
    for role, values in ((Respondent.Role.CEO, ceo), (Respondent.Role.CISO, ciso)):
        respondent = RespondentFactory(assessment=assessment, role=role)
        answer_all(respondent, values)
        if submit:
            respondent.submitted_at = timezone.now()
            respondent.save(update_fields=["submitted_at"])
    return assessment

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Dimension, Questionnaire
from organizations.models import Membership
from tests.factories import MembershipFactory, scored_assessment


@pytest.fixture
def scored(questionnaire, organization):
    """A realistic scored round of Acme Health (varied answers, "don't know"s, comments)."""
    return scored_assessment(questionnaire, organization=organization)


@pytest.fixture
def theirs(questionnaire, other_organization):
    """A scored round of another tenant."""
    return scored_assessment(questionnaire, organization=other_organization)


@pytest.fixture
def executive_client(client, organization):
    """A signed-in member of Acme Health who is only an executive there."""
    user = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    client.force_login(user)
    return client


def soon(days: int = 90):
    """A due date well inside the accepted range (today to two years ahead)."""
    from datetime import timedelta

    return timezone.localdate() + timedelta(days=days)


def url(name: str, assessment=None, organization=None, **kwargs) -> str:
    if assessment is not None:
        kwargs = {"org_slug": assessment.organization.slug, "code": assessment.code, **kwargs}
    elif organization is not None:
        kwargs = {"org_slug": organization.slug, **kwargs}
    return reverse(f"workspace:{name}", kwargs=kwargs)


def htmx(client, path, data=None, **extra):
    """A POST as htmx sends it."""
    return client.post(path, data or {}, HTTP_HX_REQUEST="true", **extra)


def publish_version_2(questionnaire):
    """A newer version of the bank (the next number after every published one, the shipped
    version 2 included): item 1.5 dropped, an item 1.6 added."""
    latest = Questionnaire.objects.filter(slug=questionnaire.slug).order_by("-version").first()
    new = Questionnaire.objects.create(
        slug=questionnaire.slug,
        version=latest.version + 1,
        title=questionnaire.title,
        content_hash="2" * 64,
        published_at=timezone.now(),
    )
    for dimension in questionnaire.dimensions.all():
        copy = Dimension.objects.create(
            questionnaire=new, code=dimension.code, name=dimension.name, order=dimension.order
        )
        for question in dimension.questions.exclude(code="1.5"):
            question.pk, question.questionnaire, question.dimension = None, new, copy
            question.save()
    template = new.questions.get(code="1.4")
    template.pk, template.code, template.order = None, "1.6", 99
    template.save()
    return new

"""A signed-in user's interface language: their profile, then the browser's; and the
organisation's report language, set on its settings page."""

import pytest
from django.urls import reverse

from organizations.models import Organization

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_without_a_choice_the_browsers_language_is_used(consultant_client):
    response = consultant_client.get(reverse("account_language"), headers={"accept-language": "es"})
    assert _lang(response) == "es"


def test_the_profiles_language_comes_before_the_browsers(consultant_client, consultant):
    response = consultant_client.post(reverse("account_language"), {"language": "ja"})
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert consultant.language == "ja"
    page = consultant_client.get(reverse("workspace:dashboard"), headers={"accept-language": "de"})
    assert _lang(page) == "ja"
    consultant_client.post(reverse("account_language"), {"language": ""})
    page = consultant_client.get(reverse("workspace:dashboard"), headers={"accept-language": "de"})
    assert _lang(page) == "de"


def test_a_language_parley_does_not_offer_is_refused(consultant_client, consultant):
    response = consultant_client.post(reverse("account_language"), {"language": "xx"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    consultant.refresh_from_db()
    assert consultant.language == ""


def test_the_organisations_report_language_is_set_on_its_settings_page(
    consultant_client, organization
):
    url = reverse("organizations:settings", kwargs={"slug": organization.slug})
    assert consultant_client.get(url).status_code == 200
    data = {"name": organization.name, "report_language": "ja"}
    assert consultant_client.post(url, data).status_code == 302
    assert Organization.objects.get(pk=organization.pk).report_language == "ja"


def test_another_tenants_settings_page_is_not_found(consultant_client, other_organization):
    url = reverse("organizations:settings", kwargs={"slug": other_organization.slug})
    assert consultant_client.get(url).status_code == 404
    assert (
        consultant_client.post(url, {"name": "Taken", "report_language": "ja"}).status_code == 404
    )
    assert Organization.objects.get(pk=other_organization.pk).report_language == "en"


def test_a_new_organisation_gets_its_report_language(consultant_client):
    data = {"name": "Tokyo Trading", "slug": "tokyo-trading", "report_language": "ja"}
    assert consultant_client.post(reverse("organizations:create"), data).status_code == 302
    assert Organization.objects.get(slug="tokyo-trading").report_language == "ja"


def test_the_consultant_sets_each_executives_language(
    consultant_client, organization, questionnaire
):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Assessment

    data = {
        "title": "Two languages",
        "questionnaire": questionnaire.pk,
        "due_date": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "ceo_email": "ceo@acme.example",
        "ceo_language": "de",
        "ciso_email": "ciso@acme.example",
        "ciso_language": "ja",
    }
    new = reverse("assessments:new", kwargs={"org_slug": organization.slug})
    assert consultant_client.post(new, data).status_code == 302
    assessment = Assessment.objects.get(title="Two languages")
    assert dict(assessment.respondents.values_list("role", "language")) == {
        "ceo": "de",
        "ciso": "ja",
    }
    edit = reverse(
        "assessments:edit",
        kwargs={"org_slug": organization.slug, "code": assessment.code, "role": "ciso"},
    )
    form = {"name": "", "email": "ciso@acme.example", "language": "fr"}
    assert consultant_client.post(edit, form).status_code == 302
    assert assessment.respondents.get(role="ciso").language == "fr"

"""AlignmentResult in the admin: listed and searchable, never added, changed or deleted."""

import pytest
from django.urls import reverse

from alignment.scoring import SCORING_VERSION
from alignment.services import assessment_score
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(questionnaire, organization):
    assessment = completed_assessment(questionnaire, organization=organization)
    return assessment_score(assessment_id=assessment.pk)


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_list_shows_and_finds_results(admin_client, result):
    url = reverse("admin:alignment_alignmentresult_changelist")
    response = admin_client.get(url, {"q": result.assessment.organization.name})
    assert response.status_code == 200
    html = response.content.decode()
    assert result.assessment.code in html and "50.0" in html and "misaligned" in html
    assert "Add alignment result" not in html
    nothing = admin_client.get(url, {"q": "no such organisation"}).content.decode()
    assert result.assessment.code not in nothing


def test_a_result_is_read_only(admin_client, result):
    url = reverse("admin:alignment_alignmentresult_change", args=[result.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"&quot;scoring_version&quot;: &quot;{SCORING_VERSION}&quot;" in html  # the data
    assert 'name="band"' not in html  # no form field
    assert admin_client.post(url, {"band": "strongly_aligned"}).status_code == 403
    result.refresh_from_db()
    assert result.band == "misaligned"
    add = reverse("admin:alignment_alignmentresult_add")
    assert admin_client.get(add).status_code == 403
    delete = reverse("admin:alignment_alignmentresult_delete", args=[result.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403

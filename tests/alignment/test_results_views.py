"""The results pages: the consultant's, through the organisation, and each executive's,
through their link once both have submitted. Query counts do not grow with the items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment.services import assessment_score
from assessments.models import Respondent
from assessments.tokens import new_token
from organizations.models import Membership
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    completed_assessment,
    small_questionnaire,
)

pytestmark = pytest.mark.django_db
SEVERITIES = ("aligned", "minor", "material", "critical")


def _scored(questionnaire, organization, **answers):
    assessment = completed_assessment(questionnaire, organization=organization, **answers)
    assessment_score(assessment_id=assessment.pk)
    return assessment


def _url(assessment, slug=None):
    return reverse(
        "workspace:results",
        kwargs={"org_slug": slug or assessment.organization.slug, "code": assessment.code},
    )


def test_the_consultant_sees_every_figure(consultant_client, questionnaire, organization):
    assessment = _scored(questionnaire, organization, ceo=(4, 5, "dk"), ciso=(2, 5, 3))

    response = consultant_client.get(_url(assessment))

    assert response.status_code == 200
    html = response.content.decode()
    result = assessment.results.get()
    assert f'data-figure="alignment-index">{round(result.alignment_index)}<' in html
    assert 'data-figure="band">' in html
    assert 'data-figure="pct-exact">' in html and 'data-figure="severity-critical">' in html
    assert 'data-figure="knowledge-gaps">' in html
    positions = [html.index(f'data-figure="severity-{s}"') for s in SEVERITIES]
    assert positions == sorted(positions), "severities in scale order (jsonb reorders keys)"
    assert html.count("<tr data-dimension=") == 10
    assert html.count("<tr data-item=") == 44
    assert "Don\u2019t know" in html
    assert html.count("<svg ") == 2  # radar and bars, inline
    assert "Response-pattern similarity" in html


def test_answers_show_as_anchor_labels_and_figures_are_rounded(consultant_client, organization):
    bank = small_questionnaire(dimensions=1, items_per_dimension=3)
    assessment = _scored(bank, organization, ceo=(5, 4, 4), ciso=(1, 4, 3))
    html = consultant_client.get(_url(assessment)).content.decode()
    assert "5 \u2013 Full" in html and "1 \u2013 None" in html
    assert "CEO more optimistic" in html
    assert "+1.67" in html  # mean signed gap (4 + 0 + 1) / 3, rounded for display only
    assert "Critical gap" in html and "Aligned" in html


def test_kappa_and_ac2_are_hidden_when_undefined(consultant_client, organization):
    bank = small_questionnaire(dimensions=1, items_per_dimension=2, slug="two-items")
    assessment = _scored(bank, organization, ceo=("dk",), ciso=(3,))  # nothing paired
    html = consultant_client.get(_url(assessment)).content.decode()
    assert "Response-pattern similarity" not in html
    assert 'data-figure="kappa"' not in html
    assert "n/a" in html


def test_an_unscored_assessment_says_why(consultant_client, questionnaire, organization):
    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    html = consultant_client.get(_url(pending)).content.decode()
    assert "0 of 2 executives have submitted" in html
    submitted = completed_assessment(questionnaire, organization=organization)
    html = consultant_client.get(_url(submitted)).content.decode()
    assert "being computed" in html


def test_another_organisations_assessment_is_not_found(
    consultant_client, questionnaire, organization, other_organization
):
    theirs = _scored(questionnaire, other_organization)
    # Their assessment under our organisation's slug, and under their own slug.
    assert consultant_client.get(_url(theirs, slug=organization.slug)).status_code == 404
    assert consultant_client.get(_url(theirs)).status_code == 404


def test_an_executive_member_may_not_read_the_consultant_page(client, questionnaire, organization):
    executive = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    client.force_login(executive)
    assert client.get(_url(_scored(questionnaire, organization))).status_code == 404


def test_signing_in_is_required(client, questionnaire, organization):
    response = client.get(_url(_scored(questionnaire, organization)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_any_organisation(client, staff_user, questionnaire, organization):
    client.force_login(staff_user)
    assert client.get(_url(_scored(questionnaire, organization))).status_code == 200


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_consultant_page_query_count_does_not_grow_with_the_items(
    consultant_client, organization, django_assert_max_num_queries
):
    small = small_questionnaire(dimensions=1, items_per_dimension=2, slug="small")
    large = small_questionnaire(dimensions=10, items_per_dimension=8, slug="large")
    few = _url(_scored(small, organization))
    many = _url(_scored(large, organization, ceo=(1, 2, "dk"), ciso=(5, 3)))
    # Warm the session and each published bank's layout (read once per process).
    consultant_client.get(few)
    consultant_client.get(many)
    assert _count_queries(consultant_client, few) == _count_queries(consultant_client, many)
    # Session, user, organisation, assessment, result, respondents, answers (+ a throttled
    # session write); the questions come from the process's layout cache.
    with django_assert_max_num_queries(8):
        consultant_client.get(many)


# --- The executives' page ---------------------------------------------------------------


def _link(assessment, role: str) -> str:
    token = new_token()
    InvitationFactory(respondent=assessment.respondents.get(role=role), token=token)
    return reverse("workspace:respondent_results", kwargs={"token": token})


def test_an_executive_sees_the_results_once_both_have_submitted(client, questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(4,), ciso=(2,))
    assessment_score(assessment_id=assessment.pk)

    response = client.get(_link(assessment, "ciso"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr data-item=") == 44
    assert 'data-figure="alignment-index">50<' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_nothing_shows_before_the_other_has_submitted(client, questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(4,), ciso=(2,))
    Respondent.objects.filter(assessment=assessment, role="ciso").update(submitted_at=None)

    response = client.get(_link(assessment, "ceo"))

    assert response.status_code == 404
    html = response.content.decode()
    assert "once both the CEO and the CISO have submitted" in html
    assert "data-item=" not in html and "data-figure" not in html


def test_both_submitted_but_not_scored_yet(client, questionnaire):
    assessment = completed_assessment(questionnaire)
    response = client.get(_link(assessment, "ceo"))
    assert response.status_code == 200
    assert "being computed" in response.content.decode()


def test_an_unknown_or_revoked_link_shows_the_link_error(client, questionnaire):
    assessment = completed_assessment(questionnaire)
    unknown = reverse("workspace:respondent_results", kwargs={"token": new_token()})
    assert client.get(unknown).status_code == 404
    url = _link(assessment, "ceo")
    assessment.respondents.filter(role="ceo").update(revoked_at=timezone.now())
    assert client.get(url).status_code == 410


def test_the_executive_page_query_count_does_not_grow_with_the_items(
    client, organization, django_assert_max_num_queries
):
    small = small_questionnaire(dimensions=1, items_per_dimension=2, slug="small")
    large = small_questionnaire(dimensions=10, items_per_dimension=8, slug="large")
    few = _link(_scored(small, organization), "ceo")
    many = _link(_scored(large, organization, ceo=(1, 2, "dk"), ciso=(5, 3)), "ciso")
    # Warm what a process reads once: the branding (cached) and each published bank's layout.
    client.get(few)
    client.get(many)
    assert _count_queries(client, few) == _count_queries(client, many)
    # Link, submitted count, result, questions, the ready PDF report (+ the session, when
    # there is a cookie).
    with django_assert_max_num_queries(6):
        client.get(many)

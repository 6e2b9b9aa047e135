"""Query counts pinned: the questionnaire pages (and the consultant's) do not grow with the
number of answers or assessments."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Questionnaire
from tests.factories import answer_all, assessment_with_links

pytestmark = pytest.mark.django_db

# link lookup (1 query joining respondent, assessment, questionnaire, organisation and
# consultant) and the respondent's answers (1). The questionnaire's pages and items are read
# once per process and questionnaire (LAYOUT), so the tests below warm them up first.
PAGE = 2
WELCOME = 4  # link, the first-opened stamp, answers, the practice's privacy notice
REVIEW = 2  # link, answers
SUBMITTED = 3  # link, answers, both-submitted count
AUTOSAVE = 3  # link with the item by its code, lock-and-stamp the respondent, upsert
SUBMIT = 5  # link, lock both respondents, find unanswered items, stamp submitted_at, audit
LAYOUT = 2  # the dimensions and the items, on the first page of a questionnaire only
# The first page of a visit also writes "link opened" to the audit log (each test below uses
# a fresh client, so each request is a first visit); later pages of the visit do not.
VISIT = 1


@pytest.fixture(autouse=True)
def layout_loaded(rnd):
    """Another respondent's first page reads the questionnaire's layout for the process."""
    assert Client().get(rnd.page("ciso", "D1")).status_code == 200


@pytest.fixture(params=[0, 20, 44], ids=["no-answers", "some-answers", "all-answers"])
def answered(request, rnd):
    if request.param:
        answer_all(rnd.respondent("ceo"), [1, 2, "dk", 4, 5], comment="A considered comment")
        rnd.respondent("ceo").answers.filter(question__order__gt=request.param).delete()
    return request.param


def _savepoints(queries) -> int:
    return sum(1 for q in queries if "SAVEPOINT" in q["sql"])


def test_the_welcome_page(rnd, answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(WELCOME + VISIT):
        assert Client().get(rnd.url("ceo")).status_code == 200


@pytest.mark.parametrize("code", ["D1", "D10"])
def test_each_questionnaire_page(rnd, answered, code, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE + VISIT):
        assert Client().get(rnd.page("ceo", code)).status_code == 200


def test_the_review_page(rnd, answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(REVIEW + VISIT):
        assert Client().get(rnd.url("ceo", "review")).status_code == 200


def test_the_autosave(rnd, answered, django_assert_max_num_queries):
    # In the test's own transaction the service's atomic block is a savepoint: not counted.
    with django_assert_max_num_queries(AUTOSAVE + 2) as captured:
        response = Client().post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "3"})
    assert response.status_code == 200
    assert len(captured.captured_queries) - _savepoints(captured.captured_queries) <= AUTOSAVE


def test_the_submit_and_the_read_only_page(rnd, django_assert_max_num_queries):
    answer_all(rnd.respondent("ceo"), [3])
    with django_assert_max_num_queries(SUBMIT + 2) as captured:
        response = Client().post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    assert response.status_code == 302
    assert len(captured.captured_queries) - _savepoints(captured.captured_queries) <= SUBMIT
    with django_assert_max_num_queries(SUBMITTED + VISIT):
        assert Client().get(rnd.url("ceo")).status_code == 200


@pytest.mark.parametrize("rounds", [1, 6])
def test_the_consultants_list_and_detail_pages(
    consultant_client, rnd, questionnaire, rounds, django_assert_max_num_queries
):
    for _ in range(rounds - 1):
        other, _ = assessment_with_links(questionnaire, organization=rnd.assessment.organization)
        answer_all(other.respondents.get(role="ceo"), [2])
    org_slug = rnd.assessment.organization.slug
    consultant_client.get("/")  # the first request after sign-in writes the session once
    # session, user, organisation, assessments (with item counts), respondents (with progress)
    with django_assert_max_num_queries(6):
        consultant_client.get(reverse("assessments:list", kwargs={"org_slug": org_slug}))
    detail = reverse(
        "assessments:detail", kwargs={"org_slug": org_slug, "code": rnd.assessment.code}
    )
    with django_assert_max_num_queries(6):
        consultant_client.get(detail)


def test_the_layout_is_read_once_per_published_questionnaire(
    rnd, questionnaire, django_assert_num_queries
):
    other, tokens = assessment_with_links(questionnaire)
    page = reverse("respond:page", kwargs={"token": tokens["ceo"], "code": "D2"})
    with django_assert_num_queries(PAGE + VISIT):  # a new round of a cached questionnaire
        assert Client().get(page).status_code == 200


def test_a_questionnaire_without_publication_is_read_on_every_page(
    rnd, questionnaire, django_assert_num_queries
):
    Questionnaire.objects.filter(pk=questionnaire.pk).update(published_at=None)
    for _ in range(2):
        with django_assert_num_queries(PAGE + LAYOUT + VISIT):
            assert Client().get(rnd.page("ceo", "D3")).status_code == 200

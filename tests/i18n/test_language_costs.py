"""Translation adds no query: a page in German costs what it costs in English, the
autosave's quick path stays one statement, and the hand-written link lookup still builds what
the ORM builds with the new columns filled in."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import linksql
from assessments.models import Answer, Invitation, Questionnaire, Respondent
from assessments.question_bank import SHIPPED_BANKS
from assessments.tokens import hash_token
from tests.assessments.test_linksql import RELATED, _chain, _fields
from tests.assessments.test_queries import PAGE, VISIT
from tests.services import require_postgres

from .banks import bank_with_translations, load, translation_of
from .catalogs import require_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(rnd, tmp_path):
    load(bank_with_translations(tmp_path, {"de": translation_of(SHIPPED_BANKS[0], "de", "DE")}))
    Respondent.objects.filter(assessment=rnd.assessment).update(language="de")
    return rnd


@pytest.mark.parametrize("code", ["D1", "D10"])
def test_a_page_in_german_costs_the_queries_of_a_page_in_english(
    german, code, django_assert_max_num_queries
):
    assert Client().get(german.page("ciso", "D1")).status_code == 200  # the layout, once
    with django_assert_max_num_queries(PAGE + VISIT):
        response = Client().get(german.page("ceo", code))
    assert response.status_code == 200 and '<html lang="de">' in response.content.decode()


def test_the_autosave_quick_path_stays_one_statement_and_records_the_language(german):
    require_postgres()
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(german.url("ceo", "autosave"), {"question": "1.1", "answer": "3"})
    assert response.status_code == 200
    assert len(queries) == 1
    assert Answer.objects.get(respondent=german.respondent("ceo")).language == "de"


def test_the_link_lookup_builds_what_the_orm_builds_with_languages_set(german):
    require_postgres()
    user = german.assessment.created_by
    get_user_model().objects.filter(pk=user.pk).update(language="ja")
    german.assessment.organization.__class__.objects.filter(
        pk=german.assessment.organization_id
    ).update(report_language="fr")
    assert Questionnaire.objects.get(pk=german.assessment.questionnaire_id).translations["de"]
    token_hash = hash_token(german.tokens["ceo"])
    by_hand = linksql.link(token_hash)
    by_orm = Invitation.objects.select_related(*RELATED).get(token_hash=token_hash)
    for name, orm_object in _chain(by_orm).items():
        assert _fields(_chain(by_hand)[name]) == _fields(orm_object), name
    assert by_hand.respondent.language == "de"
    assert by_hand.respondent.assessment.questionnaire.translations["de"]["title"].startswith("DE ")
    assert by_hand.respondent.assessment.created_by.language == "ja"


def test_the_saved_answers_read_by_hand_carry_their_language(german, client):
    require_postgres()
    client.post(german.url("ceo", "autosave"), {"question": "1.1", "answer": "3"})
    respondent = german.respondent("ceo")
    by_hand = sorted(linksql.answers(respondent.pk))
    by_orm = sorted(respondent.answers.values_list("question_id", *linksql.ANSWER_COLUMNS))
    assert by_hand == by_orm
    assert by_hand[0][-1] == "de"


def _queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_on_the_shipped_bank_and_catalogs_every_language_costs_what_english_costs(rnd):
    """The shipped bank files and the real catalogs: welcome, a questionnaire page and the
    review cost, in German and Japanese, exactly the queries they cost in English."""
    require_catalogs(["de", "ja"])
    assert Client().get(rnd.page("ciso", "D1")).status_code == 200  # the layout, once
    assert Client().get(rnd.url("ceo")).status_code == 200  # the link's first opening, once
    costs = {}
    for language in ("en", "de", "ja"):
        Respondent.objects.filter(assessment=rnd.assessment).update(language=language)
        client = Client()
        pages = {"welcome": rnd.url("ceo"), "page": rnd.page("ceo", "D3"),
                 "review": rnd.url("ceo", "review")}  # fmt: skip
        costs[language] = {name: _queries_of(client, url) for name, url in pages.items()}
        body = client.get(rnd.page("ceo", "D3")).content.decode()
        assert f'<html lang="{language}">' in body
    assert costs["de"] == costs["en"] == costs["ja"], costs
    assert costs["en"]["page"] == PAGE  # the pinned English figure (the visit is counted once)

"""The write services other apps rely on: answer_save, respondent_submit, assessment_create
and the selectors both_submitted / respondent_for_token."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assessments.errors import AnswersLocked, IncompleteAnswers
from assessments.invitations import respondent_revoke_link
from assessments.models import Answer, Assessment
from assessments.selectors import both_submitted
from assessments.services import (
    Person,
    answer_save,
    assessment_create,
    respondent_submit,
)
from tests.factories import RespondentFactory, answer_all, assessment_with_links
from tests.services import require_postgres


@pytest.mark.django_db
class TestAnswerSave:
    def test_it_upserts_on_respondent_and_question(self, rnd):
        ceo, question = rnd.respondent("ceo"), rnd.question("3.2")
        first = answer_save(respondent=ceo, question=question, value=2, dont_know=False, comment="")
        answer_save(respondent=ceo, question=question, value=None, dont_know=True, comment="hm")
        stored = Answer.objects.get()
        assert (stored.value, stored.dont_know, stored.comment) == (None, True, "hm")
        assert first.question == question

    def test_it_refuses_a_revoked_respondent(self, rnd):
        ceo = rnd.respondent("ceo")
        respondent_revoke_link(respondent=ceo, send_new=False)
        with pytest.raises(AnswersLocked, match="withdrawn"):
            answer_save(respondent=ceo, question=rnd.question("1.1"), value=3, dont_know=False)

    def test_it_refuses_an_expired_respondent(self, rnd):
        ceo = rnd.respondent("ceo")
        rnd.assessment.due_date = None
        rnd.assessment.save()
        ceo.token_expires_at = timezone.now() - timedelta(seconds=1)
        with pytest.raises(AnswersLocked, match="expired"):
            answer_save(respondent=ceo, question=rnd.question("1.1"), value=3, dont_know=False)

    def test_it_refuses_a_round_that_is_not_open(self, rnd):
        rnd.assessment.status = Assessment.Status.CLOSED
        rnd.assessment.save()
        with pytest.raises(AnswersLocked, match="not open"):
            answer_save(
                respondent=rnd.respondent("ceo"),
                question=rnd.question("1.1"),
                value=3,
                dont_know=False,
            )

    def test_it_refuses_when_a_submit_landed_since_the_respondent_was_read(self, rnd, client):
        stale = rnd.respondent("ceo")
        answer_all(stale, [3])
        respondent_submit(respondent=rnd.respondent("ceo"))
        with pytest.raises(AnswersLocked, match="submitted"):
            answer_save(respondent=stale, question=rnd.question("1.1"), value=1, dont_know=False)
        assert Answer.objects.get(respondent=stale, question__code="1.1").value == 3


@pytest.mark.django_db
class TestRespondentSubmit:
    def test_it_enqueues_scoring_when_the_second_respondent_submits(self, rnd):
        ceo, ciso = rnd.respondent("ceo"), rnd.respondent("ciso")
        answer_all(ceo, [4, "dk"])
        answer_all(ciso, [2])
        with mock.patch("alignment.handoffs.enqueue_on_commit") as enqueue:
            respondent_submit(respondent=ceo)
            assert enqueue.call_count == 0
            assert not both_submitted(rnd.assessment)
            respondent_submit(respondent=ciso)
            respondent_submit(respondent=ciso)  # a double submit enqueues nothing more
        from alignment.tasks import score_assessment  # the receiver of the hand-off

        enqueue.assert_called_once_with(score_assessment, rnd.assessment.id, report_to=None)
        assert both_submitted(rnd.assessment)

    def test_it_is_idempotent(self, rnd):
        ceo = rnd.respondent("ceo")
        answer_all(ceo, [1])
        first = respondent_submit(respondent=ceo).submitted_at
        again = respondent_submit(respondent=rnd.respondent("ceo"))
        assert again.submitted_at == first

    def test_it_refuses_unanswered_items_and_names_them(self, rnd):
        ceo = rnd.respondent("ceo")
        answer_save(respondent=ceo, question=rnd.question("1.1"), value=3, dont_know=False)
        with pytest.raises(IncompleteAnswers) as refused:
            respondent_submit(respondent=ceo)
        assert refused.value.missing_codes[:2] == ["1.2", "1.3"]
        assert len(refused.value.missing_codes) == 43
        assert rnd.respondent("ceo").submitted_at is None

    def test_a_comment_without_an_answer_does_not_count_as_answered(self, rnd):
        ceo = rnd.respondent("ceo")
        answer_all(ceo, [3])
        answer_save(
            respondent=ceo, question=rnd.question("5.1"), value=None, dont_know=False, comment="?"
        )
        with pytest.raises(IncompleteAnswers) as refused:
            respondent_submit(respondent=ceo)
        assert refused.value.missing_codes == ["5.1"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_enqueue_scoring_exactly_once(questionnaire):
    """On PostgreSQL the two submits really run at once, each in its own connection."""
    require_postgres()
    assessment, _ = assessment_with_links(questionnaire)
    respondents = list(assessment.respondents.all())
    for respondent in respondents:
        answer_all(respondent, [3])
    barrier = threading.Barrier(2)
    errors = []

    def submit(respondent):
        try:
            barrier.wait(timeout=5)
            respondent_submit(respondent=respondent)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch("alignment.handoffs.enqueue_on_commit") as enqueue:
        threads = [threading.Thread(target=submit, args=(r,)) for r in respondents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert errors == []
    assert enqueue.call_count == 1
    assert both_submitted(assessment)


@pytest.mark.django_db
def test_assessment_create_refuses_an_unpublished_questionnaire(organization, questionnaire):
    questionnaire.published_at = None
    questionnaire.save()
    with pytest.raises(ValidationError):
        assessment_create(
            organization=organization,
            questionnaire=questionnaire,
            title="x",
            due_date=None,
            ceo=Person("a@x.example"),
            ciso=Person("b@x.example"),
        )


@pytest.mark.django_db
def test_answer_save_accepts_respondents_made_by_factories(questionnaire):
    """Other apps' tests build respondents with factories (no link issued): they can answer."""
    respondent = RespondentFactory(assessment__questionnaire=questionnaire)
    question = questionnaire.questions.get(code="1.1")
    answer_save(respondent=respondent, question=question, value=5, dont_know=False, comment="")
    assert Answer.objects.get().value == 5

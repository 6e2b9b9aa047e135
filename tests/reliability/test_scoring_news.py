"""Redis stopped at the second submit: the page and `import_responses --submit` say the
round will be scored when the task queue is back, never that scoring is under way (the
sweeper `alignment.sweep_unscored` sends it later; test_broker_outage.py covers that)."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Respondent
from assessments.services import respondent_submit
from tests.factories import AssessmentFactory, RespondentFactory, answer_all, assessment_with_links

from .support import celery_on_broker

pytestmark = pytest.mark.integration


def test_the_submit_page_says_scoring_waits_for_the_task_queue(redis_server, questionnaire, client):
    assessment, tokens = assessment_with_links(questionnaire)
    ceo, ciso = (Respondent.objects.get(assessment=assessment, role=r) for r in ("ceo", "ciso"))
    answer_all(ceo, (4,))
    answer_all(ciso, (2,))
    respondent_submit(respondent=ceo)

    with celery_on_broker(redis_server.url()):
        redis_server.stop()
        response = client.post(f"/r/{tokens['ciso']}/submit/", {"confirm": "yes"})
        assert response.status_code == 302
        assert response.url.endswith("?scoring=later")
        page = client.get(response.url).content.decode()

    assert "our task queue is unavailable" in page
    assert "They will be computed as soon as it is back" in page
    assert "being prepared" not in page


def test_the_submit_page_promises_nothing_more_when_scoring_was_queued(
    redis_server, questionnaire, client
):
    assessment, tokens = assessment_with_links(questionnaire)
    ceo, ciso = (Respondent.objects.get(assessment=assessment, role=r) for r in ("ceo", "ciso"))
    answer_all(ceo, (4,))
    answer_all(ciso, (2,))
    respondent_submit(respondent=ceo)

    with celery_on_broker(redis_server.url()):
        response = client.post(f"/r/{tokens['ciso']}/submit/", {"confirm": "yes"})
        assert redis_server.queued("default") == 1  # the scoring message is waiting

    assert response.url.endswith(f"/r/{tokens['ciso']}/")
    assert "task queue is unavailable" not in client.get(response.url).content.decode()


def _import_and_submit(questionnaire, tmp_path, *, broker_down: bool, redis_server) -> str:
    assessment = AssessmentFactory(questionnaire=questionnaire)
    for role in ("ceo", "ciso"):
        RespondentFactory(assessment=assessment, role=role)
    codes = questionnaire.questions.order_by("order").values_list("code", flat=True)
    rows = [f"{code},{role},3," for role in ("ceo", "ciso") for code in codes]
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(["question,role,value,comment", *rows]) + "\n")
    out = StringIO()
    with celery_on_broker(redis_server.url()):
        if broker_down:
            redis_server.stop()
        call_command("import_responses", "--submit", "--", assessment.code, str(path), stdout=out)
    return out.getvalue()


def test_import_with_submit_says_scoring_waits_for_the_task_queue(
    redis_server, questionnaire, tmp_path
):
    out = _import_and_submit(questionnaire, tmp_path, broker_down=True, redis_server=redis_server)
    assert "Submitted the CEO and CISO." in out
    assert "the round will be scored when it is back" in out
    assert "under way" not in out


def test_import_with_submit_says_scoring_is_under_way_once_queued(
    redis_server, questionnaire, tmp_path
):
    out = _import_and_submit(questionnaire, tmp_path, broker_down=False, redis_server=redis_server)
    assert "Submitted the CEO and CISO. Both have submitted: scoring is under way." in out
    assert redis_server.queued("default") == 1

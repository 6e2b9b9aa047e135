"""`manage.py create_assessment` and the demo assessment of `manage.py seed_demo`."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Assessment
from assessments.selectors import respondent_for_token

pytestmark = pytest.mark.django_db
SOON = (timezone.localdate() + timedelta(days=120)).isoformat()

ARGS = [
    "--organization",
    "acme-health",
    "--title",
    "Spring round",
    "--ceo-email",
    "ceo@acme.example",
    "--ciso-email",
    "ciso@acme.example",
]


def _run(*args) -> str:
    out = StringIO()
    call_command("create_assessment", *args, stdout=out)
    return out.getvalue()


def test_it_creates_and_opens_a_round_and_prints_one_json_object(
    client, organization, questionnaire_v2, settings, mailoutbox
):
    settings.PARLEY_BASE_URL = "https://parley.example.com"
    output = _run(*ARGS, "--ceo-name", "Alex", "--ciso-name", "Sam", "--due", SOON)
    data = json.loads(output)
    assert list(data) == ["assessment", "invitations"]
    assert output.strip().count("\n") == 0
    assessment = Assessment.objects.get(code=data["assessment"])
    assert assessment.status == Assessment.Status.OPEN
    assert str(assessment.due_date) == SOON
    assert assessment.questionnaire == questionnaire_v2  # the latest published version
    for role in ("ceo", "ciso"):
        url = data["invitations"][role]
        assert url.startswith("https://parley.example.com/r/")
        token = re.search(r"/r/([^/]+)/$", url).group(1)
        respondent = respondent_for_token(token)
        assert (respondent.role, respondent.email) == (role, f"{role}@acme.example")
        assert client.get(url.removeprefix("https://parley.example.com")).status_code == 200
    assert mailoutbox == []


@pytest.mark.parametrize("label", ["parley-genai:1", "parley-genai@1"])
def test_it_takes_a_questionnaire_as_slug_and_version(organization, questionnaire, label):
    data = json.loads(_run(*ARGS, "--questionnaire", label))
    assert Assessment.objects.get(code=data["assessment"]).questionnaire == questionnaire


def test_a_slug_alone_takes_its_latest_version(organization, questionnaire_v2):
    data = json.loads(_run(*ARGS, "--questionnaire", "parley-genai"))
    assert Assessment.objects.get(code=data["assessment"]).questionnaire == questionnaire_v2


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--questionnaire", "parley-genai@9"], "no such published questionnaire"),
        (["--questionnaire", "parley-genai@x"], "expected SLUG:VERSION"),
        (["--due", "31/03/2031"], "expected a date as YYYY-MM-DD"),
        (["--due", "2001-01-01"], "The due date is in the past."),
        (["--due", "9999-12-31"], "The due date is more than 2 years away"),
    ],
)
def test_it_explains_a_bad_argument_and_creates_nothing(
    organization, questionnaire, extra, message
):
    with pytest.raises(CommandError, match=re.escape(message)):
        _run(*ARGS, *extra)
    assert not Assessment.objects.exists()


def test_it_refuses_an_unknown_organisation_or_the_same_email_twice(organization, questionnaire):
    with pytest.raises(CommandError, match="no such organisation"):
        _run("--organization", "nope", *ARGS[2:])
    same = [*ARGS[:-1], "CEO@acme.example"]
    with pytest.raises(CommandError, match="different email addresses"):
        _run(*same)
    assert not Assessment.objects.exists()


def test_it_can_also_email_the_invitations(
    organization, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run(*ARGS, "--send-emails")
    assert sorted(m.to[0] for m in mailoutbox) == ["ceo@acme.example", "ciso@acme.example"]


def test_seed_demo_prints_working_links_to_one_demo_round_and_is_idempotent(
    client, questionnaire, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # scores the scored demo round
        call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert Assessment.objects.filter(organization__slug="acme-health").count() == 1
    assessment = Assessment.objects.get(organization__slug="acme-health")
    assert assessment.status == Assessment.Status.OPEN
    scored = Assessment.objects.get(organization__slug="borealis-logistics")
    assert scored.status == Assessment.Status.SCORED and scored.results.count() == 1
    links = {}
    for run, output in (("first", first), ("second", second)):
        found = dict(re.findall(r"(CEO|CISO)\s+link: https?://[^/]+(/r/\S+/)", output.getvalue()))
        assert set(found) == {"CEO", "CISO"}
        links[run] = found
        for path in found.values():
            assert client.get(path).status_code == 200
    assert links["first"] != links["second"]  # fresh links each run (tokens are not stored)
    assert f"/assessments/{assessment.code}/" in second.getvalue()
    # Both demo rounds use bank version 2; the scored one shows every view at least once.
    assert assessment.questionnaire.version == scored.questionnaire.version == 2
    perception = scored.results.get().data["perception"]
    for view in ("blind_spots", "imagined_gaps", "seen_gaps", "seen_agreements"):
        assert perception["ceo"][view] + perception["ciso"][view] >= 1, view
    assert perception["ceo"]["felt"] == 4 and perception["ciso"]["felt"] == 2

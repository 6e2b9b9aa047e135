"""The question-bank loader: idempotent, immutable once published, precise errors."""

import json

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Dimension, Question, Questionnaire
from assessments.question_bank import DEFAULT_BANK

pytestmark = pytest.mark.django_db


def _bank() -> dict:
    return json.loads(DEFAULT_BANK.read_text())


def _write(tmp_path, data, name="bank.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def _counts():
    return Questionnaire.objects.count(), Dimension.objects.count(), Question.objects.count()


def test_it_loads_the_default_bank_with_stable_codes():
    call_command("load_question_bank", verbosity=0)
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    assert questionnaire.is_published
    assert list(questionnaire.dimensions.values_list("code", flat=True)) == [
        f"D{n}" for n in range(1, 11)
    ]
    codes = list(questionnaire.questions.values_list("code", flat=True))
    assert len(codes) == 44 and codes[0] == "1.1" and codes[-1] == "10.5"
    reverse = set(questionnaire.questions.filter(reverse=True).values_list("code", flat=True))
    assert reverse == {"6.1", "8.1"}
    question = questionnaire.questions.get(code="3.2")
    assert question.anchors[0] == "Strongly disagree" and len(question.anchors) == 5
    assert "B6" in question.benchmark_ids


def test_loading_twice_changes_nothing(capsys):
    call_command("load_question_bank")
    before = _counts()
    hashes = list(Questionnaire.objects.values_list("content_hash", "updated_at"))
    call_command("load_question_bank")
    assert _counts() == before
    assert list(Questionnaire.objects.values_list("content_hash", "updated_at")) == hashes
    assert "already loaded; nothing changed" in capsys.readouterr().out


def test_it_refuses_a_changed_file_with_a_published_version(tmp_path):
    call_command("load_question_bank", verbosity=0)
    changed = _bank()
    changed["dimensions"][2]["items"][1]["ceo_text"] = "Responsibilities are crystal clear."
    before = _counts()
    with pytest.raises(CommandError, match="already published with different content"):
        call_command("load_question_bank", _write(tmp_path, changed))
    assert _counts() == before
    question = Question.objects.get(code="3.2", questionnaire__version=2)
    assert question.ceo_text != "Responsibilities are crystal clear."


def test_a_new_version_loads_beside_the_published_ones(tmp_path):
    call_command("load_question_bank", verbosity=0)
    changed = _bank()
    changed["version"] = 3
    call_command("load_question_bank", _write(tmp_path, changed), verbosity=0)
    assert list(Questionnaire.objects.values_list("version", flat=True)) == [3, 2, 1]


PREDICTED = {"1.2", "2.3", "3.2", "4.1", "5.1", "6.1", "7.2", "8.1", "9.1", "10.1"}


def test_version_2_predicts_ten_items_and_asks_the_felt_question_version_1_neither():
    call_command("load_question_bank", verbosity=0)
    first, second = (
        Questionnaire.objects.get(slug="parley-genai", version=version) for version in (1, 2)
    )
    assert first.is_published and second.is_published
    assert not first.questions.filter(predict=True).exists() and not first.has_felt
    predicted = set(second.questions.filter(predict=True).values_list("code", flat=True))
    assert predicted == PREDICTED
    assert second.felt_text_for("ceo") == "How aligned are you and your CISO on generative AI?"
    assert second.felt_text_for("ciso") == "How aligned are you and your CEO on generative AI?"
    assert second.felt_anchors[0] == "Not at all aligned" and second.felt_anchor(5) == (
        "Fully aligned"
    )
    # The same 44 items, worded and scaled alike: version 1 figures stay comparable.
    fields = ("code", "ceo_text", "ciso_text", "anchors", "reverse", "order")
    assert list(first.questions.values_list(*fields)) == list(second.questions.values_list(*fields))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b["dimensions"][2]["items"][1].pop("ciso_text"), 'item 3.2: field "ciso_text"'),
        (
            lambda b: b["dimensions"][0]["items"][0].__setitem__("anchors", ["a", "b"]),
            'item 1.1: field "anchors"',
        ),
        (
            lambda b: b["dimensions"][5]["items"][0].__setitem__("reverse", "yes"),
            'item 6.1: field "reverse"',
        ),
        (
            lambda b: b["dimensions"][1]["items"][0].__setitem__("scale", "Z"),
            'item 2.1: field "scale"',
        ),
        (lambda b: b["dimensions"][3].__setitem__("name", ""), 'dimension D4: field "name"'),
        (
            lambda b: b["dimensions"][0]["items"][1].__setitem__("code", "1.1"),
            'item 1.1: field "code" is used twice',
        ),
        (lambda b: b.__setitem__("version", "one"), 'bank: field "version"'),
        (
            lambda b: b["dimensions"][0]["items"][1].__setitem__("predict", "yes"),
            'item 1.2: field "predict"',
        ),
        (lambda b: b["felt"].__setitem__("scale", "Q"), 'felt question: field "scale"'),
        (lambda b: b["felt"].pop("ciso_text"), 'felt question: field "ciso_text"'),
    ],
)
def test_a_malformed_file_names_the_item_and_field_and_loads_nothing(tmp_path, mutate, message):
    bank = _bank()
    mutate(bank)
    with pytest.raises(CommandError) as raised:
        call_command("load_question_bank", _write(tmp_path, bank))
    assert message in str(raised.value)
    assert _counts() == (0, 0, 0)


def test_a_file_that_is_not_json_gets_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_question_bank", str(path))


def test_the_completed_assessment_factory_answers_every_item(questionnaire):
    from tests.factories import completed_assessment

    assessment = completed_assessment(questionnaire, ceo=(5, "dk"), ciso=(1,))
    ceo, ciso = assessment.respondents.order_by("role")
    assert ceo.answers.count() == ciso.answers.count() == 44
    assert ceo.answers.filter(dont_know=True).count() == 22
    assert all(r.submitted_at for r in (ceo, ciso))


def test_public_codes_never_look_like_command_line_options(monkeypatch):
    """Codes are passed to manage.py commands; one starting with "-" would read as an option."""
    from assessments import models

    drawn = iter(["-leading-dash-code", "Ab3-second-draw"])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda n: next(drawn))
    assert models.new_public_code() == "Ab3-second-draw"

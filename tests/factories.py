"""factory_boy factories shared by the whole suite."""

import itertools

import factory
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Answer, Assessment, Respondent
from organizations.models import Membership, Organization, User

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105 - tests only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    sector = "Financial services"
    size_band = Organization.SizeBand.LARGE
    region = "United Kingdom"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.CONSULTANT


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment on a questionnaire; pass `questionnaire=` (the `questionnaire` fixture)."""

    class Meta:
        model = Assessment

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"GenAI alignment round {n}")
    status = Assessment.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    assessment = factory.SubFactory(AssessmentFactory)
    role = Respondent.Role.CEO
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"exec{n}@client.example")
    invited_at = factory.LazyFunction(timezone.now)


def answer_all(
    respondent: Respondent, values, *, comment: str = "", predictions=None, felt=3
) -> list[Answer]:
    """Answer every question of the respondent's questionnaire, in order.

    `values` is a sequence of 1..5 or "dk" (don't know), cycled when shorter than the bank.
    On a bank with predictions (version 2) every predicted item also gets a prediction:
    `predictions` (item code -> 1..5 or "dk" for "can't say"), else the respondent's own
    answer; and the felt question gets `felt` (1..5 or "dk").
    """
    questionnaire = respondent.assessment.questionnaire
    questions = list(questionnaire.questions.order_by("order"))
    answers = []
    for question, value in zip(questions, itertools.cycle(values)):
        dont_know = value == "dk"
        answer = Answer(
            respondent=respondent,
            question=question,
            value=None if dont_know else value,
            dont_know=dont_know,
            comment=comment,
        )
        if question.predict:
            predicted = (predictions or {}).get(question.code, 3 if dont_know else value)
            answer.predicted_cant_say = predicted == "dk"
            answer.predicted_value = None if predicted == "dk" else predicted
        answers.append(answer)
    if questionnaire.has_felt:
        respondent.felt_cant_say = felt == "dk"
        respondent.felt_value = None if felt == "dk" else felt
        respondent.save(update_fields=["felt_value", "felt_cant_say"])
    return Answer.objects.bulk_create(answers)


def completed_assessment(questionnaire, *, organization=None, ceo=(4,), ciso=(2,), submit=True):
    """An open assessment whose CEO and CISO have answered everything (and submitted).

    Writes rows directly, without the submit service, so no scoring is triggered.
    """
    assessment = AssessmentFactory(
        questionnaire=questionnaire, organization=organization or OrganizationFactory()
    )
    for role, values in ((Respondent.Role.CEO, ceo), (Respondent.Role.CISO, ciso)):
        respondent = RespondentFactory(assessment=assessment, role=role)
        answer_all(respondent, values)
        if submit:
            respondent.submitted_at = timezone.now()
            respondent.save(update_fields=["submitted_at"])
    return assessment


# --- A realistic assessment: the PDF report's tests, its benchmark and its visual checks ------

# A CEO keen on GenAI and a more sceptical CISO, with a few "don't know"s on both sides, so the
# report shows every kind of gap, both directions and knowledge gaps.
REALISTIC_CEO = {
    "1.1": 4, "1.2": 5, "1.3": 4, "1.4": 3, "1.5": 4,
    "2.1": 4, "2.2": 3, "2.3": 5, "2.4": 4, "2.5": 4,
    "3.1": 4, "3.2": 4, "3.3": 3, "3.4": 4, "3.5": 3,
    "4.1": 3, "4.2": 2, "4.3": "dk", "4.4": 3,
    "5.1": 4, "5.2": 3, "5.3": "dk", "5.4": 2,
    "6.1": 2, "6.2": 4, "6.3": 3, "6.4": "dk",
    "7.1": 4, "7.2": 3, "7.3": 3, "7.4": 2,
    "8.1": 4, "8.2": 4, "8.3": 3, "8.4": 4,
    "9.1": 2, "9.2": 2, "9.3": 2, "9.4": 3,
    "10.1": 4, "10.2": 4, "10.3": 3, "10.4": 4, "10.5": 4,
}  # fmt: skip
REALISTIC_CISO = {
    "1.1": 3, "1.2": 4, "1.3": "dk", "1.4": 4, "1.5": 2,
    "2.1": 2, "2.2": 2, "2.3": 3, "2.4": 2, "2.5": 1,
    "3.1": 2, "3.2": 2, "3.3": 1, "3.4": 2, "3.5": 3,
    "4.1": 3, "4.2": 4, "4.3": 3, "4.4": 4,
    "5.1": 3, "5.2": 3, "5.3": 3, "5.4": 3,
    "6.1": 4, "6.2": 2, "6.3": 3, "6.4": 2,
    "7.1": 4, "7.2": 4, "7.3": 3, "7.4": 1,
    "8.1": 2, "8.2": 4, "8.3": 2, "8.4": 4,
    "9.1": 4, "9.2": 1, "9.3": 3, "9.4": 3,
    "10.1": 3, "10.2": 2, "10.3": 3, "10.4": 2, "10.5": 4,
}  # fmt: skip
# Bank version 2: the CEO mostly assumes the CISO agrees (two blind spots, one imagined gap);
# the CISO reads the CEO better, misses one gap and cannot say on 5.1. Between them every
# view (blind spot, imagined gap, seen gap, seen agreement) shows at least once.
REALISTIC_CEO_PREDICTIONS = {
    "1.2": 5, "2.3": 5, "3.2": 4, "4.1": 3, "5.1": 4,
    "6.1": 4, "7.2": 3, "8.1": 2, "9.1": 4, "10.1": 2,
}  # fmt: skip
REALISTIC_CISO_PREDICTIONS = {
    "1.2": 5, "2.3": 5, "3.2": 4, "4.1": 5, "5.1": "dk",
    "6.1": 2, "7.2": 4, "8.1": 3, "9.1": 2, "10.1": 4,
}  # fmt: skip
# The CEO feels "Fully aligned", the CISO "Slightly aligned".
REALISTIC_FELT = {"ceo": 5, "ciso": 2}
REALISTIC_COMMENTS = {
    ("ceo", "1.2"): "Our two largest competitors announced GenAI-assisted underwriting this year.",
    ("ciso", "1.5"): (
        "The board expects headcount savings in year one; the data platform will not be ready "
        "before Q3 and nobody has costed the controls."
    ),
    ("ceo", "2.1"): "We cannot afford to wait for a perfect framework.",
    ("ciso", "2.5"): "Nobody has signed off residual risk for the pilots running in claims.",
    ("ciso", "3.1"): (
        "There is a draft acceptable-use note from legal (March), never approved. Staff are using "
        "public chatbots with client data in at least two teams."
    ),
    ("ceo", "3.3"): "I assumed IT keeps a list of the tools we pay for.",
    ("ciso", "3.3"): "We found 31 GenAI tools in the proxy logs; 4 are sanctioned.",
    ("ceo", "4.3"): "Not sure what this involves in practice.",
    ("ciso", "6.1"): "The policy admin system is 20 years old and blocks most integrations.",
    ("ciso", "7.4"): "Single provider for the chatbot, no exit plan, no tested fallback.",
    ("ceo", "9.2"): "We did a cyber tabletop last year, but not on AI.",
    ("ceo", "4.2"): "Security tends to be brought in at the end, when the vendor is chosen.",
    ("ciso", "4.2"): "Since January every GenAI proposal goes through our design review.",
    ("ceo", "8.1"): "Legal review added three months to the customer-service assistant.",
    ("ciso", "10.4"): "We last discussed GenAI together at the strategy offsite, five months ago.",
}


def realistic_assessment(questionnaire, *, organization=None, title=None):
    """A submitted assessment with varied answers, don't-knows and comments (not scored)."""
    assessment = AssessmentFactory(
        questionnaire=questionnaire,
        organization=organization or OrganizationFactory(name="Northwind Mutual Insurance"),
        title=title or "Board GenAI alignment review, spring round",
    )
    questions = list(questionnaire.questions.order_by("order"))
    people = {Respondent.Role.CEO: "Dana Whitfield", Respondent.Role.CISO: "Ravi Menon"}
    for role, values in (
        (Respondent.Role.CEO, REALISTIC_CEO),
        (Respondent.Role.CISO, REALISTIC_CISO),
    ):
        respondent = RespondentFactory(
            assessment=assessment, role=role, name=people[role], submitted_at=timezone.now()
        )
        predictions = (
            REALISTIC_CEO_PREDICTIONS if role == Respondent.Role.CEO else REALISTIC_CISO_PREDICTIONS
        )
        Answer.objects.bulk_create(
            _realistic_answer(respondent, question, values.get(question.code), predictions)
            for question in questions
        )
        if questionnaire.has_felt:
            respondent.felt_value = REALISTIC_FELT[role]
            respondent.save(update_fields=["felt_value"])
    return assessment


def _realistic_answer(respondent, question, value, predictions) -> Answer:
    answer = Answer(
        respondent=respondent,
        question=question,
        value=None if value == "dk" else value,
        dont_know=value == "dk",
        comment=REALISTIC_COMMENTS.get((respondent.role, question.code), ""),
    )
    if question.predict:
        predicted = predictions[question.code]
        answer.predicted_cant_say = predicted == "dk"
        answer.predicted_value = None if predicted == "dk" else predicted
    return answer


# --- The respondent journey (assessments.invitations) ----------------------------------


def _new_token() -> str:
    from assessments.tokens import new_token

    return new_token()


def _hash_token(raw: str) -> str:
    from assessments.tokens import hash_token

    return hash_token(raw)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A sent personal link; pass `token` to choose its raw token (it is stored hashed)."""

    class Meta:
        model = "assessments.Invitation"
        exclude = ["token"]

    respondent = factory.SubFactory(RespondentFactory)
    kind = "invitation"
    email = factory.LazyAttribute(lambda o: o.respondent.email)
    token = factory.LazyFunction(_new_token)
    token_hash = factory.LazyAttribute(lambda o: _hash_token(o.token))
    sent_at = factory.LazyFunction(timezone.now)


def assessment_with_links(questionnaire, *, organization=None, created_by=None, due_date=None):
    """An open assessment whose CEO and CISO each hold a live personal link.

    Returns (assessment, {"ceo": raw_token, "ciso": raw_token}); links are issued by the
    service, as the create_assessment command issues them.
    """
    from assessments.invitations import link_issue

    assessment = AssessmentFactory(
        questionnaire=questionnaire,
        organization=organization or OrganizationFactory(),
        created_by=created_by,
        due_date=due_date,
    )
    tokens = {}
    for role in (Respondent.Role.CEO, Respondent.Role.CISO):
        respondent = RespondentFactory(assessment=assessment, role=role, invited_at=None)
        tokens[role] = link_issue(respondent=respondent)
    return assessment, tokens


# --- Alignment: questionnaires of any size ----------------------------------------------


def small_questionnaire(*, dimensions=2, items_per_dimension=2, slug="tiny-bank", reverse=()):
    """A published questionnaire of `dimensions` x `items_per_dimension` items (codes D1…,
    1.1…), for tests that show a figure does not depend on the number of items."""
    from assessments.models import Dimension, Question, Questionnaire

    questionnaire = Questionnaire.objects.create(
        slug=slug, version=1, title=f"{slug} bank", content_hash="0" * 64,
        published_at=timezone.now(),
    )  # fmt: skip
    order = 0
    for d in range(1, dimensions + 1):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire, code=f"D{d}", name=f"Dimension {d}", order=d
        )
        for i in range(1, items_per_dimension + 1):
            order += 1
            code = f"{d}.{i}"
            Question.objects.create(
                questionnaire=questionnaire, dimension=dimension, code=code,
                ceo_text=f"CEO wording of {code}", ciso_text=f"CISO wording of {code}",
                scale="A", anchors=["None", "Little", "Some", "Much", "Full"],
                reverse=code in reverse, order=order,
            )  # fmt: skip
    return questionnaire


# --- The consultant's workspace ----------------------------------------------------------


def scored_assessment(questionnaire, *, organization=None, title=None, realistic=True, **answers):
    """A submitted and scored assessment (status "scored", with its current result).

    `realistic` uses the varied answers and comments of `realistic_assessment`; otherwise
    `ceo=`/`ciso=` go to `completed_assessment`. Scoring runs the service directly (no task,
    no report)."""
    from alignment.services import assessment_score

    if realistic and not answers:
        assessment = realistic_assessment(
            questionnaire, organization=organization or OrganizationFactory(), title=title
        )
    else:
        assessment = completed_assessment(questionnaire, organization=organization, **answers)
        if title:
            Assessment.objects.filter(pk=assessment.pk).update(title=title)
    assessment_score(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    return assessment


class WorkshopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "alignment.WorkshopSession"

    assessment = factory.SubFactory(AssessmentFactory)


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open action; pass `session=` and `dimension=` (a Dimension of its questionnaire)."""

    class Meta:
        model = "alignment.ActionItem"

    description = factory.Sequence(lambda n: f"Agree an acceptable-use policy, step {n}")
    owner_role = "ciso"
    due_date = factory.LazyFunction(lambda: _in_days(30))


def _in_days(days: int):
    from datetime import timedelta

    return timezone.localdate() + timedelta(days=days)

"""Demo data for a first look: a consultancy, two client organisations, a consultant, an
organisation admin and a site admin (for the Django admin at /admin/).

Running it again updates the same rows, with one exception: once either executive has used
a link of the open demo round, the next run sets that round aside (renamed, left as it is)
and opens a fresh one, so the printed links always lead to an unanswered round.
`--reset` deletes every round of the demo organisations first and says so (`make demo`).
Every link it prints starts with PARLEY_BASE_URL (`make run` sets it from HOST and PORT).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from assessments.forms import published_questionnaires
from assessments.invitations import link_issue, respondent_url
from assessments.models import Assessment
from assessments.services import (
    Person,
    PredictionInput,
    answer_save,
    assessment_create,
    assessment_open,
    felt_save,
    predictions_save,
    respondent_submit,
)
from organizations.models import Membership, Organization, User
from reports.models import Report

DEMO_EMAIL = "consultant@demo.parley.test"
# Published demo credentials (seed_demo refuses to run with DEBUG off).
DEMO_PASSWORD = "parley-demo-consultant"  # noqa: S105  # nosec B105
ORG_ADMIN_EMAIL = "org-admin@demo.parley.test"
ORG_ADMIN_PASSWORD = "parley-demo-org-admin"  # noqa: S105  # nosec B105
ORG_ADMIN_ORGANIZATION = "acme-health"
SITE_ADMIN_EMAIL = "site-admin@demo.parley.test"
SITE_ADMIN_PASSWORD = "parley-demo-site-admin"  # noqa: S105  # nosec B105
ORGANIZATIONS = [
    {
        "slug": "northbridge-advisory",
        "name": "Northbridge Advisory",
        "sector": "Professional services",
        "size_band": Organization.SizeBand.SMALL,
        "region": "United Kingdom",
        "role": Membership.Role.ADMIN,
    },
    {
        "slug": "acme-health",
        "name": "Acme Health",
        "sector": "Healthcare",
        "size_band": Organization.SizeBand.LARGE,
        "region": "United Kingdom",
        "role": Membership.Role.CONSULTANT,
    },
    {
        "slug": "borealis-logistics",
        "name": "Borealis Logistics",
        "sector": "Transport and logistics",
        "size_band": Organization.SizeBand.ENTERPRISE,
        "region": "Nordics",
        "role": Membership.Role.CONSULTANT,
    },
]

DEMO_ASSESSMENT = {
    "organization": "acme-health",
    "title": "GenAI alignment (demo)",
    "ceo": ("ceo@acme-health.example", "Alex Morgan"),
    "ciso": ("ciso@acme-health.example", "Sam Okafor"),
}

# A finished round, so the results page, the report and the workshop have something to show.
SCORED_DEMO = {
    "organization": "borealis-logistics",
    "title": "GenAI alignment (scored demo)",
    "ceo": ("ceo@borealis.example", "Kari Lund"),
    "ciso": ("ciso@borealis.example", "Jonas Berg"),
}
# Answers by item position, cycled: the CEO is more optimistic than the CISO on most items.
SCORED_DEMO_CEO = (5, 4, 4, 5, 4, 4, 3, 5, 4, 4, 3, "dk")
SCORED_DEMO_CISO = (3, 2, 4, 3, 2, 3, 3, 2, 1, 4, "dk", 2)
# Bank version 2, the predicted items: (CEO answer, CISO answer, CEO's prediction of the CISO,
# CISO's prediction of the CEO), chosen so the scored demo shows every view at least once
# (the CEO misses three gaps and imagines one; the CISO cannot say on 5.1).
SCORED_DEMO_PREDICTED = {
    "1.2": (4, 2, 4, 4), "2.3": (5, 2, 3, 5), "3.2": (4, 4, 2, 4), "4.1": (4, 3, 4, 3),
    "5.1": (5, 2, 5, "dk"), "6.1": (3, 3, 3, 1), "7.2": (4, 2, 2, 4), "8.1": (5, 2, 4, 3),
    "9.1": (2, 4, 3, 2), "10.1": (4, 3, 4, 4),
}  # fmt: skip
SCORED_DEMO_FELT = {"ceo": 4, "ciso": 2}  # "Largely aligned" against "Slightly aligned"
SCORED_DEMO_COMMENTS = {
    "3.1": ("A policy is drafted and with legal.", "Nothing approved; staff use public chatbots."),
    "4.2": ("Security signs off every project.", "We usually hear about projects at go-live."),
}


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo consultancy, two client organisations, a consultant, an "
        "organisation admin and a site admin; --reset deletes the demo rounds first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Allow with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every round of the demo organisations, then create fresh ones.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates a known password; it runs only with DEBUG on.")
        if options["reset"]:
            deleted = self._reset()
            self.stdout.write(
                self.style.WARNING(
                    f"Demo reset: deleted {deleted} round{'s' if deleted != 1 else ''} of the "
                    "demo organisations (answers, results, workshops and reports with them)."
                )
            )
        consultant = self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self._print_accounts(consultant)
        self._after_seed(consultant)

    def _print_accounts(self, consultant: User) -> None:
        base = settings.PARLEY_BASE_URL
        self.stdout.write(f"  Sign in at {base}/accounts/login/")
        self.stdout.write("  Consultant (runs the rounds and the workshop):")
        self.stdout.write(f"    email:    {consultant.email}")
        self.stdout.write(f"    password: {DEMO_PASSWORD}")
        organization = Organization.objects.get(slug=ORG_ADMIN_ORGANIZATION)
        self.stdout.write(f"  Organisation admin of {organization.name} (members, audit log):")
        self.stdout.write(f"    email:    {ORG_ADMIN_EMAIL}")
        self.stdout.write(f"    password: {ORG_ADMIN_PASSWORD}")
        self.stdout.write(f"  Site admin (staff, superuser): the Django admin at {base}/admin/")
        self.stdout.write(f"    email:    {SITE_ADMIN_EMAIL}")
        self.stdout.write(f"    password: {SITE_ADMIN_PASSWORD}")

    @transaction.atomic
    def _reset(self) -> int:
        """Delete the demo organisations' rounds (and their report files); the number deleted."""
        rounds = Assessment.objects.filter(
            organization__slug__in=[spec["slug"] for spec in ORGANIZATIONS]
        )
        for report in Report.objects.filter(assessment__in=rounds).exclude(file=""):
            report.file.delete(save=False)
        count = rounds.count()
        rounds.delete()
        return count

    @transaction.atomic
    def _seed(self) -> User:
        consultant = _demo_user(DEMO_EMAIL, DEMO_PASSWORD, full_name="Dana Demo")
        for spec in ORGANIZATIONS:
            spec = dict(spec)
            role = spec.pop("role")
            organization, _ = Organization.objects.update_or_create(
                slug=spec.pop("slug"), defaults=spec
            )
            Membership.objects.update_or_create(
                user=consultant, organization=organization, defaults={"role": role}
            )
        org_admin = _demo_user(ORG_ADMIN_EMAIL, ORG_ADMIN_PASSWORD, full_name="Olu Admin")
        Membership.objects.update_or_create(
            user=org_admin,
            organization=Organization.objects.get(slug=ORG_ADMIN_ORGANIZATION),
            defaults={"role": Membership.Role.ADMIN},
        )
        _demo_user(
            SITE_ADMIN_EMAIL,
            SITE_ADMIN_PASSWORD,
            full_name="Sasha Site-Admin",
            is_staff=True,
            is_superuser=True,
        )
        return consultant

    def _after_seed(self, consultant: User) -> None:
        """An open, unanswered demo assessment for Acme Health, and a fresh link for each
        executive.

        The raw tokens are never stored, so every run issues new links (the earlier ones keep
        working until they expire) and prints them.
        """
        questionnaire = (
            published_questionnaires().filter(slug="parley-genai").order_by("-version").first()
            or published_questionnaires().first()
        )
        if questionnaire is None:
            self.stdout.write("  (No demo assessment: run `manage.py load_question_bank` first.)")
            return
        assessment = self._demo_assessment(consultant, questionnaire)
        self.stdout.write(
            f"Demo assessment \u201c{assessment.title}\u201d ({assessment.organization}):"
        )
        self.stdout.write(
            f"  consultant page: {settings.PARLEY_BASE_URL}/organisations/"
            f"{assessment.organization.slug}/assessments/{assessment.code}/"
        )
        for respondent in assessment.respondents.order_by("role"):
            try:
                url = respondent_url(link_issue(respondent=respondent, by=consultant))
            except ValidationError as error:  # a demo round someone closed in the admin
                self.stdout.write(
                    f"  (No {respondent.get_role_display()} link: {error.messages[0]})"
                )
                continue
            self.stdout.write(f"  {respondent.get_role_display():<5} link: {url}")
        scored = self._scored_demo(consultant, questionnaire)
        self.stdout.write(
            f"Scored demo \u201c{scored.title}\u201d ({scored.organization}): results, report "
            f"and workshop at {settings.PARLEY_BASE_URL}/organisations/"
            f"{scored.organization.slug}/assessments/{scored.code}/results/"
        )

    def _scored_demo(self, consultant: User, questionnaire):
        """Create, answer and submit the scored demo round once (scoring follows the submit)."""
        organization = Organization.objects.get(slug=SCORED_DEMO["organization"])
        existing = Assessment.objects.filter(
            organization=organization, title=SCORED_DEMO["title"]
        ).first()
        if existing is not None:
            return existing
        with transaction.atomic():
            assessment = self._open_round(consultant, questionnaire, organization, SCORED_DEMO)
            self._answer_and_submit(assessment)
        return assessment

    def _open_round(self, consultant, questionnaire, organization, spec):
        assessment = assessment_create(
            organization=organization,
            questionnaire=questionnaire,
            title=spec["title"],
            due_date=None,
            ceo=Person(*spec["ceo"]),
            ciso=Person(*spec["ciso"]),
            created_by=consultant,
        )
        assessment_open(assessment=assessment, by=consultant, send_invitations=False)
        return assessment

    def _answer_and_submit(self, assessment) -> None:
        questions = list(assessment.questionnaire.questions.order_by("order"))
        patterns = {"ceo": (SCORED_DEMO_CEO, 0), "ciso": (SCORED_DEMO_CISO, 1)}
        for respondent in assessment.respondents.order_by("role"):
            values, side = patterns[respondent.role]
            predictions = []
            for position, question in enumerate(questions):
                value = values[position % len(values)]
                if question.predict and question.code in SCORED_DEMO_PREDICTED:
                    value = SCORED_DEMO_PREDICTED[question.code][side]
                    predicted = SCORED_DEMO_PREDICTED[question.code][2 + side]
                    predictions.append(
                        PredictionInput(
                            question, None if predicted == "dk" else predicted, predicted == "dk"
                        )
                    )
                comment = SCORED_DEMO_COMMENTS.get(question.code, ("", ""))[side]
                answer_save(
                    respondent=respondent,
                    question=question,
                    value=None if value == "dk" else value,
                    dont_know=value == "dk",
                    comment=comment,
                )
            predictions_save(respondent=respondent, entries=predictions)
            if assessment.questionnaire.has_felt:
                felt = SCORED_DEMO_FELT[respondent.role]
                felt_save(respondent=respondent, value=felt, cant_say=False)
            respondent_submit(respondent=respondent)

    @transaction.atomic
    def _demo_assessment(self, consultant: User, questionnaire):
        organization = Organization.objects.get(slug=DEMO_ASSESSMENT["organization"])
        assessment = (
            Assessment.objects.filter(organization=organization, title=DEMO_ASSESSMENT["title"])
            .order_by("created_at")
            .first()
        )
        if assessment is not None and _walked(assessment):
            _set_aside(assessment)
            self.stdout.write(
                f"  (The earlier demo round was used; kept as \u201c{assessment.title}\u201d.)"
            )
            assessment = None
        if assessment is None:
            assessment = assessment_create(
                organization=organization,
                questionnaire=questionnaire,
                title=DEMO_ASSESSMENT["title"],
                due_date=timezone.localdate() + timedelta(days=21),
                ceo=Person(*DEMO_ASSESSMENT["ceo"]),
                ciso=Person(*DEMO_ASSESSMENT["ciso"]),
                created_by=consultant,
            )
        if assessment.status == Assessment.Status.DRAFT:
            # The demo prints its links instead of emailing them.
            assessment_open(assessment=assessment, by=consultant, send_invitations=False)
        return assessment


def _demo_user(email: str, password: str, *, full_name: str, **flags) -> User:
    """The demo account with this email, its known password and flags set again each run."""
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    for name, value in flags.items():
        setattr(user, name, value)
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


def _walked(assessment: Assessment) -> bool:
    """Whether someone has used the demo round: past "open", or a link opened or answered."""
    if assessment.status not in (Assessment.Status.DRAFT, Assessment.Status.OPEN):
        return True
    used = Q(opened_at__isnull=False) | Q(started_at__isnull=False)
    used |= Q(submitted_at__isnull=False) | Q(answers__isnull=False)
    return assessment.respondents.filter(used).exists()


def _set_aside(assessment: Assessment) -> None:
    """Rename a used demo round so that the next run opens a fresh one; nothing is lost."""
    moment = date_format(timezone.localtime(), "j M Y H:i:s")
    title = f"{DEMO_ASSESSMENT['title']}, set aside {moment}"
    Assessment.objects.filter(pk=assessment.pk).update(title=title)
    assessment.title = title

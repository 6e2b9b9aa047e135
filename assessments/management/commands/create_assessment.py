"""Create and open an assessment from the command line; print its links as one JSON object.

By default no email is sent: the printed links are the invitations (pass --send-emails to
also email each executive their own, separate, link).
"""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.forms import default_questionnaire, published_questionnaires
from assessments.invitations import link_issue, respondent_url
from assessments.models import Questionnaire, Respondent
from assessments.services import Person, assessment_create, assessment_open
from organizations.models import Organization


def _questionnaire(label: str | None) -> Questionnaire:
    """SLUG, SLUG:VERSION or SLUG@VERSION; without a label the latest published version of
    parley-genai (or, when it is not loaded, the latest published questionnaire)."""
    published = published_questionnaires()
    if not label:
        questionnaire = default_questionnaire()
        if questionnaire is None:
            raise CommandError("No published questionnaire: run load_question_bank first.")
        return questionnaire
    slug, _, version = label.replace(":", "@").partition("@")
    found = published.filter(slug=slug)
    if version:
        if not version.isdigit():
            raise CommandError(
                f"--questionnaire {label!r}: expected SLUG:VERSION, e.g. parley-genai:2."
            )
        found = found.filter(version=int(version))
    questionnaire = found.order_by("-version").first()
    if questionnaire is None:
        raise CommandError(f"--questionnaire {label!r}: no such published questionnaire.")
    return questionnaire


def _due(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--due {value!r}: expected a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Create and open an assessment for an organisation and print "
        '{"assessment": CODE, "invitations": {"ceo": URL, "ciso": URL}}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, metavar="SLUG")
        parser.add_argument("--title", required=True)
        parser.add_argument("--ceo-email", required=True, metavar="EMAIL")
        parser.add_argument("--ciso-email", required=True, metavar="EMAIL")
        parser.add_argument("--ceo-name", default="", metavar="NAME")
        parser.add_argument("--ciso-name", default="", metavar="NAME")
        parser.add_argument(
            "--questionnaire",
            metavar="SLUG[:VERSION]",
            help="default: the latest published version of parley-genai",
        )
        parser.add_argument("--due", metavar="YYYY-MM-DD", help="due date (optional)")
        parser.add_argument(
            "--send-emails",
            action="store_true",
            help="also email each executive an invitation (with its own link)",
        )

    def handle(self, *args, **options):
        try:
            organization = Organization.objects.get(slug=options["organization"])
        except Organization.DoesNotExist:
            raise CommandError(
                f"--organization {options['organization']!r}: no such organisation."
            ) from None
        try:
            with transaction.atomic():
                assessment = assessment_create(
                    organization=organization,
                    questionnaire=_questionnaire(options["questionnaire"]),
                    title=options["title"],
                    due_date=_due(options["due"]),
                    ceo=Person(options["ceo_email"], options["ceo_name"]),
                    ciso=Person(options["ciso_email"], options["ciso_name"]),
                )
                assessment_open(assessment=assessment, send_invitations=options["send_emails"])
                links = {
                    respondent.role: respondent_url(link_issue(respondent=respondent))
                    for respondent in assessment.respondents.order_by("role")
                }
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        output = {
            "assessment": assessment.code,
            "invitations": {
                "ceo": links[Respondent.Role.CEO],
                "ciso": links[Respondent.Role.CISO],
            },
        }
        self.stdout.write(json.dumps(output))

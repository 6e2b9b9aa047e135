"""manage.py erase_respondent --assessment CODE --role ceo|ciso [--with-answers]"""

from django.core.management.base import BaseCommand, CommandError

from assessments.lifecycle import LifecycleRefused, respondent_erase
from assessments.models import Assessment, Respondent


class Command(BaseCommand):
    help = (
        "Erase one executive's personal data (name, email, comments) at once; their answers "
        "stay as anonymous figures, or go too with --with-answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--assessment", required=True, metavar="CODE")
        parser.add_argument("--role", required=True, choices=Respondent.Role.values)
        parser.add_argument(
            "--with-answers",
            action="store_true",
            help="Remove the answers too (the round loses its result).",
        )

    def handle(self, *args, assessment: str, role: str, with_answers: bool, **options):
        found = Assessment.objects.filter(code=assessment).first()
        if found is None:
            raise CommandError(f"No assessment with code {assessment!r} (or it is deleted).")
        respondent = found.respondents.filter(role=role).first()
        if respondent is None:
            raise CommandError(f"Assessment {assessment} has no {role.upper()}.")
        try:
            respondent_erase(
                respondent=respondent,
                with_answers=with_answers,
                label="manage.py erase_respondent",
            )
        except LifecycleRefused as refused:
            raise CommandError(refused.message) from None
        kept = "removed" if with_answers else "kept as anonymous figures"
        self.stdout.write(
            f"Erased the {respondent.get_role_display()} of assessment {assessment}: "
            f"name, email and comments cleared; answers {kept}."
        )

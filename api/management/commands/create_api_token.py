"""manage.py create_api_token --user EMAIL [--organization SLUG] [--read-only] [--expires DAYS]

Prints the new token once (Parley keeps only its hash)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization, User

from ...tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the owner's email address")
        parser.add_argument("--organization", help="narrow the token to this organisation")
        parser.add_argument("--read-only", action="store_true", help="reads only")
        parser.add_argument("--expires", type=int, default=90, help="days (default 90; 0: never)")
        parser.add_argument("--name", default="command line", help="what will use it")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user {options['user']!r}: no active user with that email.")
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"--organization {options['organization']!r}: no such slug.")
        try:
            issued = api_token_create(
                user=user,
                name=options["name"],
                organization=organization,
                read_only=options["read_only"],
                expires_in_days=options["expires"] or None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(issued.raw)
        self.stderr.write(f"Token {issued.token.prefix} for {user.email}: shown once, keep it now.")

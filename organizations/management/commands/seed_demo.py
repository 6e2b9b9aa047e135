"""Demo data for a first look: a consultancy, two client organisations, a consultant.

Idempotent: running it again updates the same rows instead of adding new ones.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organizations.models import Membership, Organization, User

DEMO_EMAIL = "consultant@demo.parley.test"
DEMO_PASSWORD = "parley-demo-consultant"  # noqa: S105 - a published demo credential
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


class Command(BaseCommand):
    help = "Create (or refresh) the demo consultancy, two client organisations and a consultant."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Allow with DEBUG off (never in production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates a known password; it runs only with DEBUG on.")
        consultant = self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Sign in at {settings.PARLEY_BASE_URL}/accounts/login/")
        self.stdout.write(f"  email:    {consultant.email}")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        self._after_seed(consultant)

    @transaction.atomic
    def _seed(self) -> User:
        consultant, _ = User.objects.get_or_create(
            email=DEMO_EMAIL, defaults={"full_name": "Dana Demo"}
        )
        consultant.set_password(DEMO_PASSWORD)
        consultant.save()
        for spec in ORGANIZATIONS:
            spec = dict(spec)
            role = spec.pop("role")
            organization, _ = Organization.objects.update_or_create(
                slug=spec.pop("slug"), defaults=spec
            )
            Membership.objects.update_or_create(
                user=consultant, organization=organization, defaults={"role": role}
            )
        return consultant

    def _after_seed(self, consultant: User) -> None:
        """Hook for the demo assessment (added with the respondent journey)."""

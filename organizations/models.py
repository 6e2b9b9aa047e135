"""Tenancy and people: users sign in by email; an Organization is the tenant."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def fold_email(value) -> str:
    """The one form of an email address that identifies an account: what sign-in looks up,
    what the brute-force lockout counts (organizations.auth.lockout_username), what is stored.
    Without it `Exec@a.test` and `exec@a.test` were one account but two lockout counters."""
    return str(value or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=fold_email(self.normalize_email(email)), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Emails are stored lower-case; signing in must not depend on the case typed.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": fold_email(username)})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False,
        help_text=_("Site staff: may use the Django admin and see every organisation."),
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The interface language the user chose on their profile; blank follows the browser.
    language = models.CharField(
        _("interface language"), max_length=8, blank=True, choices=settings.LANGUAGES
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = fold_email(self.__class__.objects.normalize_email(self.email))

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class LiveOrganizationManager(models.Manager):
    """Organisations that are not deleted: what every page, command and selector sees.

    A deleted organisation (see assessments.lifecycle) is hidden at once and purged later;
    only the lifecycle code (undo, purge) reads `Organization.all_objects`."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Organization(models.Model):
    class SizeBand(models.TextChoices):
        MICRO = "1-49", _("1–49 employees")
        SMALL = "50-249", _("50–249 employees")
        MEDIUM = "250-999", _("250–999 employees")
        LARGE = "1000-4999", _("1,000–4,999 employees")
        ENTERPRISE = "5000+", _("5,000+ employees")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    sector = models.CharField(max_length=100, blank=True)
    size_band = models.CharField(max_length=20, choices=SizeBand.choices, blank=True)
    region = models.CharField(max_length=100, blank=True)
    # The language of the organisation's PDF reports unless one is asked for (docs/report.md).
    report_language = models.CharField(
        _("report language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Set by organization_delete: hidden everywhere, undoable until purged (see lifecycle).
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveOrganizationManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["name"]
        # The unfiltered manager is the default one so that a slug stays unique across
        # deleted organisations too (full_clean checks uniqueness through it). Nothing reads
        # organisations through a reverse relation, so nothing else depends on it.
        default_manager_name = "all_objects"

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        CONSULTANT = "consultant", _("Consultant")
        EXECUTIVE = "executive", _("Executive")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            # One role per person per organisation; the selector filters on (user, org).
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.organization}"


class AuditEvent(models.Model):
    """An append-only record of who did what, to which organisation, when and from where."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_OUT = "sign_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        ACCESS_DENIED = "access_denied", _("Access denied")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        LINK_OPENED = "link_opened", _("Invitation link opened")
        ANSWERS_SUBMITTED = "answers_submitted", _("Answers submitted")
        ASSESSMENT_REOPENED = "assessment_reopened", _("Assessment reopened")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        DATA_DOWNLOADED = "data_downloaded", _("Personal data downloaded")
        RESPONDENT_ERASED = "respondent_erased", _("Executive's personal data erased")
        ROUND_DELETED = "round_deleted", _("Assessment deleted")
        ROUND_RESTORED = "round_restored", _("Assessment deletion undone")
        ROUND_PURGED = "round_purged", _("Assessment purged")
        ROUND_HELD = "round_held", _("Legal hold changed")
        ORGANIZATION_DELETED = "organization_deleted", _("Organisation deleted")
        ORGANIZATION_RESTORED = "organization_restored", _("Organisation deletion undone")
        ORGANIZATION_PURGED = "organization_purged", _("Organisation purged")
        MFA_ADDED = "mfa_added", _("Second factor added")
        MFA_REMOVED = "mfa_removed", _("Second factor removed")
        MFA_CODES_RENEWED = "mfa_codes_renewed", _("Recovery codes renewed")
        MFA_FAILED = "mfa_failed", _("Failed second-factor check")
        MFA_RESET = "mfa_reset", _("Multi-factor sign-in reset by site staff")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        SESSIONS_ENDED = "sessions_ended", _("Other sessions ended")
        SSO_SIGN_IN = "sso_sign_in", _("Signed in with single sign-on")
        SSO_LINKED = "sso_linked", _("Single sign-on linked")
        SSO_UNLINKED = "sso_unlinked", _("Single sign-on unlinked")
        SSO_REFUSED = "sso_refused", _("Single sign-on refused")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        API_WRITE = "api_write", _("Changed through the API")
        WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint changed")
        BRANDING_CHANGED = "branding_changed", _("Branding changed")
        BANK_IMPORTED = "bank_imported", _("Question bank imported as a draft")
        BANK_PUBLISHED = "bank_published", _("Question bank published")
        BANK_DISCARDED = "bank_discarded", _("Question bank draft deleted")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    # Who, in words that survive the user's deletion: an email, or "CEO (invitation link)".
    actor_label = models.CharField(max_length=254, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    target = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The organisation admin's audit page lists one organisation's events, newest first.
            models.Index(fields=["organization", "-created_at"], name="audit_org_recent"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"


class Branding(models.Model):
    """The practice's own name, logo, colours and footer lines: one row for the whole site.

    No row means Parley's own branding. Read it through `organizations.branding`, which
    caches it; the logo is kept in the database so that web and worker read the same bytes
    and the PDF gets it without fetching any file (see docs/branding.md)."""

    SINGLETON_ID = 1

    name = models.CharField("practice name", max_length=80)
    logo = models.BinaryField(blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)
    primary_colour = models.CharField(max_length=7)
    accent_colour = models.CharField(max_length=7)
    contact_line = models.CharField(max_length=200, blank=True)
    legal_footer = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "branding"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="branding_singleton")]

    def __str__(self):
        return self.name

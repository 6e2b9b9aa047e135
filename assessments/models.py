"""Question banks (versioned, immutable once published) and assessment rounds with their
respondents and answers."""

import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

# The language the bank's source text is written in; translations are keyed by language code.
BANK_SOURCE_LANGUAGE = "en"


def bank_language(language: str | None = None) -> str:
    """The key of a bank translation for `language` (default: the active language): "de" for
    "de" or "de-ch"; English when none is active."""
    return (language or get_language() or BANK_SOURCE_LANGUAGE).split("-")[0].lower()


class Translated:
    """Bank text in a language: `translations` is {"de": {"field": "…"}, …}; a field a
    translation lacks (or an empty one) falls back to the English source, field by field."""

    translations: dict

    def translated(self, name: str, language: str | None = None):
        language = bank_language(language)
        if language != BANK_SOURCE_LANGUAGE:
            value = (self.translations or {}).get(language, {}).get(name)
            if value:
                return value
        return getattr(self, name)


def end_of_day(day: date | None) -> datetime | None:
    """The first moment after `day` in the site's time zone (a due date is inclusive)."""
    if day is None:
        return None
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def new_public_code() -> str:
    """An unguessable identifier for URLs (about 96 bits); never a sequential id.

    It never starts with "-", which command lines would read as an option.
    """
    while True:
        code = secrets.token_urlsafe(12)
        if code[0] != "-":
            return code


class Questionnaire(Translated, models.Model):
    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # SHA-256 of the canonical source file: the same version loaded twice must be identical.
    content_hash = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # The felt-alignment question (bank version 2), asked after the last dimension. It is
    # kept off the Question table on purpose: it is not one of the scored items, so item
    # counts, the layout and version 1 scoring read the questions exactly as before.
    felt_ceo_text = models.TextField("felt question, CEO wording", blank=True)
    felt_ciso_text = models.TextField("felt question, CISO wording", blank=True)
    felt_anchors = models.JSONField(default=list, blank=True)
    # The bank in other languages, loaded from the files beside the bank's (see
    # docs/translations.md): {"de": {"title", "description", "felt_ceo_text",
    # "felt_ciso_text", "felt_anchors"}}. Not part of content_hash: a published bank's
    # wording in a language may be added or corrected without a new version.
    translations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_questionnaire_version")
        ]
        # Bank editors (docs/question-banks.md): grant it through a group in the admin.
        permissions = [("edit_banks", "Can import, preview and publish question banks")]

    def __str__(self):
        return f"{self.title} ({self.slug}@{self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def label(self) -> str:
        return f"{self.slug}@{self.version}"

    @property
    def has_felt(self) -> bool:
        return bool(self.felt_ceo_text)

    def felt_text_for(self, role: str) -> str:
        """The felt question for `role`, in the active language."""
        return self.translated("felt_ceo_text" if role == Respondent.Role.CEO else "felt_ciso_text")

    def felt_anchor(self, value: int | None) -> str:
        return self.shown_felt_anchors[value - 1] if value else ""

    @property
    def shown_felt_anchors(self) -> list:
        """The felt question's anchors in the active language."""
        return self.translated("felt_anchors")

    @property
    def shown_title(self) -> str:
        return self.translated("title")


class Dimension(Translated, models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField()
    # {"de": {"name", "description"}}: see Questionnaire.translations.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_dimension_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Question(Translated, models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=10)
    ceo_text = models.TextField("CEO wording")
    ciso_text = models.TextField("CISO wording")
    scale = models.CharField(max_length=10, help_text=_("Scale code from the bank file, e.g. A."))
    anchors = models.JSONField(help_text=_("The five anchor labels, for values 1 to 5."))
    reverse = models.BooleanField(default=False, help_text=_("Higher is worse."))
    predict = models.BooleanField(
        default=False,
        db_default=False,
        help_text=_("The respondent also predicts the other executive's answer (bank version 2)."),
    )
    references = models.JSONField(default=list, blank=True)
    benchmark_ids = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField()
    # {"de": {"ceo_text", "ciso_text", "anchors"}}: see Questionnaire.translations.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_question_code")
        ]

    def __str__(self):
        return f"{self.code} {self.ceo_text[:60]}"

    def text_for(self, role: str) -> str:
        """The item as `role` reads it, in the active language."""
        return self.translated("ceo_text" if role == Respondent.Role.CEO else "ciso_text")

    def anchor(self, value: int | None) -> str:
        return self.translated("anchors")[value - 1] if value else ""


class LiveAssessmentManager(models.Manager):
    """Rounds that are not deleted: what every page, command, selector and related manager
    (`organization.assessments`) sees. A deleted round is hidden at once and purged later
    (see assessments.lifecycle); only the lifecycle reads `Assessment.all_objects`."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("assessment status", "Draft")
        OPEN = "open", pgettext_lazy("assessment status", "Open")
        SCORED = "scored", pgettext_lazy("assessment status", "Scored")
        CLOSED = "closed", pgettext_lazy("assessment status", "Closed")

    # The status inside a sentence ("This assessment is scored."): words of their own, since
    # lower-casing the label is wrong in German (a noun keeps its capital) and elsewhere.
    STATUS_IN_SENTENCE = {
        Status.DRAFT: pgettext_lazy("assessment status, within a sentence", "draft"),
        Status.OPEN: pgettext_lazy("assessment status, within a sentence", "open"),
        Status.SCORED: pgettext_lazy("assessment status, within a sentence", "scored"),
        Status.CLOSED: pgettext_lazy("assessment status, within a sentence", "closed"),
    }

    code = models.CharField(max_length=32, unique=True, default=new_public_code, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_created",
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # Deletion (assessments.lifecycle): hidden from deleted_at on, purged 30 days later.
    # `deleted_with_organization` marks a round hidden because its organisation was deleted,
    # so undoing the organisation's deletion brings back exactly those rounds.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    deleted_with_organization = models.BooleanField(default=False, editable=False)
    # Retention (PARLEY_RETENTION_MONTHS): a round on legal hold is never purged.
    legal_hold = models.BooleanField(
        default=False, help_text=_("Never purge this round, whatever the retention period.")
    )
    retention_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveAssessmentManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The dashboard lists an organisation's rounds, newest first.
            models.Index(fields=["organization", "-created_at"], name="assessment_org_recent"),
            # The sweeper looks for rounds by status.
            models.Index(fields=["status"], name="assessment_status"),
            # The purge looks for rounds deleted more than 30 days ago.
            models.Index(
                fields=["deleted_at"],
                condition=models.Q(deleted_at__isnull=False),
                name="assessment_deleted",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.organization})"

    def status_in_sentence(self) -> str:
        return str(self.STATUS_IN_SENTENCE[self.status])


class Respondent(models.Model):
    class Role(models.TextChoices):
        CEO = "ceo", _("CEO")
        CISO = "ciso", _("CISO")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="respondents")
    role = models.CharField(max_length=4, choices=Role.choices)
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    # The personal links themselves are Invitation rows (one per email sent, each with its
    # own token hash). Every live link of a respondent stops working at this moment; sending
    # a new link moves it later (see assessments.invitations.access_expiry).
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when the consultant withdraws every link and sends no new one yet; cleared when a
    # new link is sent. A revoked respondent can neither answer nor be reminded.
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Set by respondent_erase: name, email and comments are gone; answers may remain.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The felt-alignment question (bank version 2): 1..5, or "can't say".
    felt_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    felt_cant_say = models.BooleanField(default=False, db_default=False)
    # The language the executive answers in and receives emails in: set by the consultant
    # (the invitation's language) or chosen on the welcome page; blank until either.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "role"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "role"], name="unique_respondent_role"),
            models.CheckConstraint(
                condition=models.Q(felt_value__isnull=True)
                | models.Q(felt_value__gte=1, felt_value__lte=5),
                name="respondent_felt_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(felt_cant_say=True, felt_value__isnull=False),
                name="respondent_felt_or_cant_say",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name or self.email}"

    @property
    def felt_complete(self) -> bool:
        return self.felt_cant_say or self.felt_value is not None

    @property
    def access_expires_at(self):
        """When this respondent's links stop working: the later of the stored expiry and the
        end of the due date (so a link never expires before the round is due, even when the
        due date moves later). None before any link was issued."""
        due_end = end_of_day(self.assessment.due_date)
        candidates = [moment for moment in (self.token_expires_at, due_end) if moment]
        return max(candidates) if candidates else None

    def access_expired(self, now=None) -> bool:
        expires_at = self.access_expires_at
        return expires_at is not None and expires_at <= (now or timezone.now())

    @property
    def other_role(self) -> str:
        return self.Role.CISO if self.role == self.Role.CEO else self.Role.CEO

    def get_other_role_display(self) -> str:
        return str(self.Role(self.other_role).label)


class Invitation(models.Model):
    """One personal link: an emailed invitation, resend or reminder, or a link printed by a
    command. Each carries its own random token; the database keeps only its SHA-256, set when
    the email is actually sent (so a link exists only once it has left). All of a
    respondent's live links open the same questionnaire and expire together
    (Respondent.token_expires_at)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", pgettext_lazy("kind of email", "Invitation")
        REMINDER = "reminder", pgettext_lazy("kind of email", "Reminder")
        PRINTED = "printed", _("Link printed by a command")

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    email = models.EmailField(help_text=_("The address the link was sent to."))
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweeper re-enqueues invitations whose email has not gone out.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, revoked_at__isnull=True),
                name="invitation_unsent",
            ),
        ]
        # Lookup of a link by token_hash is served by its unique index.

    def __str__(self):
        return f"{self.get_kind_display()} for {self.respondent}"

    @property
    def is_live(self) -> bool:
        return self.token_hash is not None and self.revoked_at is None


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    dont_know = models.BooleanField(default=False)
    comment = models.TextField(blank=True, max_length=4000)
    # On a predicted item (Question.predict): what this respondent expects the other
    # executive to answer, 1..5, or "can't say". The autosave of the answer never touches
    # these columns (its upsert sets value, dont_know and comment only), hence db_default.
    predicted_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    predicted_cant_say = models.BooleanField(default=False, db_default=False)
    # The language the item was shown in when this answer was saved (the bank's wording
    # differs by language; exports say it). Rows written before translations: English.
    language = models.CharField(max_length=8, default="en", db_default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["respondent", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="unique_answer"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="answer_value_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(dont_know=True, value__isnull=False),
                name="answer_value_or_dont_know",
            ),
            models.CheckConstraint(
                condition=models.Q(predicted_value__isnull=True)
                | models.Q(predicted_value__gte=1, predicted_value__lte=5),
                name="answer_prediction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(predicted_cant_say=True, predicted_value__isnull=False),
                name="answer_prediction_or_cant_say",
            ),
        ]

    def __str__(self):
        shown = "don't know" if self.dont_know else self.value
        return f"{self.respondent} {self.question.code}: {shown}"

    @property
    def is_complete(self) -> bool:
        return self.dont_know or self.value is not None

    @property
    def prediction_complete(self) -> bool:
        return self.predicted_cant_say or self.predicted_value is not None


class PrivacyNotice(models.Model):
    """The practice's own words to executives: a summary on the personal link's welcome page
    and the full privacy page. One row (pk 1), edited by a site admin; while a field is
    empty, the text shipped with Parley is shown (templates/assessments/privacy/)."""

    summary = models.TextField(
        blank=True,
        help_text=_(
            "Shown on the welcome page of every personal link. Plain text; blank lines "
            "separate paragraphs. Leave empty for Parley's default text."
        ),
    )
    full_text = models.TextField(
        _("full privacy notice"),
        blank=True,
        help_text=_(
            "The privacy page linked from the welcome page. Plain text; blank lines "
            "separate paragraphs. Leave empty for Parley's default text."
        ),
    )
    contact = models.CharField(
        max_length=254,
        blank=True,
        help_text=_("Whom executives write to about their data (an email address or a name)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notice")

    def __str__(self):
        return str(_("Privacy notice for executives"))

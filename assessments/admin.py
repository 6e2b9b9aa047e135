from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Answer,
    Assessment,
    Dimension,
    Invitation,
    PrivacyNotice,
    Question,
    Questionnaire,
    Respondent,
)
from .selectors import bank_translation_gaps


class PublishedReadOnlyMixin:
    """Published question banks are immutable: every field read-only, no add or delete."""

    def _published(self, obj) -> bool:
        questionnaire = getattr(obj, "questionnaire", obj)
        return bool(questionnaire and questionnaire.published_at)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self._published(obj):
            return [f.name for f in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._published(obj):
            return False
        return super().has_delete_permission(request, obj)


class PublishedInlineMixin(PublishedReadOnlyMixin):
    def has_add_permission(self, request, obj=None):
        return not (obj is not None and self._published(obj))

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and self._published(obj))


class DimensionInline(PublishedInlineMixin, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "code", "name", "description"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(PublishedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "version", "published_at", "created_at"]
    list_filter = ["slug", "published_at"]
    search_fields = ["title", "slug"]
    readonly_fields = ["content_hash", "languages"]
    inlines = [DimensionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "languages" in fields else [*fields, "languages"]

    @admin.display(description=_("languages"))
    def languages(self, obj):
        """Each language: complete, or which fields show in English (flagged)."""
        if obj is None or obj.pk is None:
            return "-"
        names = dict(settings.LANGUAGES)
        rows = []
        for language, gaps in bank_translation_gaps(obj).items():
            if not gaps:
                state = gettext("complete")
            else:
                shown = ", ".join(gaps[:12]) + (" …" if len(gaps) > 12 else "")
                state = ngettext(
                    "%(count)d field shown in English: %(fields)s",
                    "%(count)d fields shown in English: %(fields)s",
                    len(gaps),
                ) % {
                    "count": len(gaps),
                    "fields": shown,
                }
            rows.append((names[language], "ok" if not gaps else "missing", state))
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li data-translation="{1}"><strong>{0}</strong>: {2}</li>', rows),
        )


@admin.register(Dimension)
class DimensionAdmin(PublishedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "questionnaire", "order"]
    list_filter = ["questionnaire"]
    search_fields = ["code", "name"]
    list_select_related = ["questionnaire"]


@admin.register(Question)
class QuestionAdmin(PublishedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "dimension", "scale", "reverse", "predict", "ceo_text", "questionnaire"]
    list_filter = ["questionnaire", "dimension__code", "scale", "reverse", "predict"]
    search_fields = ["code", "ceo_text", "ciso_text"]
    list_select_related = ["questionnaire", "dimension"]


class RespondentInline(admin.TabularInline):
    model = Respondent
    extra = 0
    fields = ["role", "name", "email", "invited_at", "opened_at", "submitted_at", "revoked_at"]
    readonly_fields = ["invited_at", "opened_at", "submitted_at", "revoked_at"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "questionnaire", "due_date", "created_at"]
    list_filter = ["status", "questionnaire", "organization"]
    search_fields = ["title", "code", "organization__name"]
    readonly_fields = ["code", "opened_at"]
    list_select_related = ["organization", "questionnaire"]
    autocomplete_fields = ["organization", "created_by"]
    inlines = [RespondentInline]


class InvitationInline(admin.TabularInline):
    """Links are issued through the product (or its commands), never typed in the admin;
    the token hash is not shown."""

    model = Invitation
    extra = 0
    fields = ["kind", "email", "created_at", "sent_at", "revoked_at", "attempts", "last_error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["assessment", "role", "name", "email", "invited_at", "submitted_at"]
    list_filter = ["role", "submitted_at", "revoked_at"]
    search_fields = ["name", "email", "assessment__title", "assessment__organization__name"]
    readonly_fields = [
        "token_expires_at",
        "invited_at",
        "opened_at",
        "started_at",
        "submitted_at",
        "reminder_count",
        "last_reminded_at",
    ]
    list_select_related = ["assessment", "assessment__organization"]
    inlines = [InvitationInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["respondent", "question", "value", "dont_know", "updated_at"]
    list_filter = ["dont_know", "respondent__role"]
    search_fields = ["question__code", "respondent__email", "comment"]
    list_select_related = ["respondent", "question"]
    raw_id_fields = ["respondent", "question"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """One notice for the whole site (pk 1): the practice's words to executives."""

    fields = ("summary", "full_text", "contact", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return not PrivacyNotice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)

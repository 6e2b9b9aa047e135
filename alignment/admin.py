"""AlignmentResult in the Django admin: read-only, since results are computed, never edited
(`manage.py rescore` recomputes them)."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ActionItem, AlignmentResult, ConsensusAnswer, WorkshopSession


@admin.register(AlignmentResult)
class AlignmentResultAdmin(admin.ModelAdmin):
    list_display = (
        "assessment_code",
        "assessment",
        "organization",
        "scoring_version",
        "index",
        "band",
        "computed_at",
    )
    list_filter = ("scoring_version", "band", "computed_at")
    search_fields = (
        "assessment__code",
        "assessment__title",
        "assessment__organization__name",
        "assessment__organization__slug",
    )
    list_select_related = ("assessment__organization",)
    date_hierarchy = "computed_at"
    ordering = ("-computed_at",)
    fields = (
        "assessment",
        "scoring_version",
        "computed_at",
        "alignment_index",
        "band",
        "answers_digest",
        "created_at",
        "updated_at",
        "pretty_data",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("code"), ordering="assessment__code")
    def assessment_code(self, obj):
        return obj.assessment.code

    @admin.display(description=_("organisation"), ordering="assessment__organization__name")
    def organization(self, obj):
        return obj.assessment.organization

    @admin.display(description=_("index"), ordering="alignment_index")
    def index(self, obj):
        return "–" if obj.alignment_index is None else f"{obj.alignment_index:.1f}"

    @admin.display(description=_("data (full precision)"))
    def pretty_data(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, ensure_ascii=False))


# --- The workshop -------------------------------------------------------------------------


class ConsensusAnswerInline(admin.TabularInline):
    model = ConsensusAnswer
    fields = ("dimension", "value", "notes", "updated_by", "updated_at")
    readonly_fields = ("updated_at",)
    raw_id_fields = ("dimension", "updated_by")
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ("dimension", "description", "owner_role", "due_date", "status", "done_at")
    raw_id_fields = ("dimension",)
    extra = 0


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(admin.ModelAdmin):
    list_display = ("assessment", "organization", "created_at", "finished_at", "version")
    list_select_related = ("assessment__organization",)
    search_fields = ("assessment__code", "assessment__title", "assessment__organization__name")
    raw_id_fields = ("assessment", "started_by")
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [ConsensusAnswerInline, ActionItemInline]

    @admin.display(description=_("organisation"), ordering="assessment__organization__name")
    def organization(self, obj):
        return obj.assessment.organization


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("description", "dimension", "owner_role", "due_date", "status", "organization")
    list_filter = ("status", "owner_role")
    list_select_related = ("dimension", "session__assessment__organization")
    search_fields = ("description", "session__assessment__organization__name", "code")
    raw_id_fields = ("session", "dimension", "created_by")
    readonly_fields = ("code", "created_at", "updated_at")

    @admin.display(
        description=_("organisation"), ordering="session__assessment__organization__name"
    )
    def organization(self, obj):
        return obj.session.assessment.organization

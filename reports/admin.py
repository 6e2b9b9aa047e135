from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by the render job; ask for a fresh one from the report
    page (or `manage.py render_report`). Deleting a row is allowed (its file stays on disk)."""

    list_display = [
        "code",
        "organization",
        "assessment",
        "status",
        "pack",
        "include_comments",
        "language",
        "pages",
        "render_ms",
        "page_size",
        "attempts",
        "created_at",
        "rendered_at",
    ]
    list_filter = ["status", "pack", "include_comments", "language", "page_size", "created_at"]
    list_select_related = ["assessment__organization"]
    search_fields = [
        "code",
        "assessment__code",
        "assessment__title",
        "assessment__organization__name",
    ]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    readonly_fields = [field.name for field in Report._meta.fields if field.name not in ("id",)]

    @admin.display(description=_("Organisation"), ordering="assessment__organization__name")
    def organization(self, report: Report):
        return report.assessment.organization

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

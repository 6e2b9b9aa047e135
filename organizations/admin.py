from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEvent, Membership, Organization, User
from .services import user_mfa_reset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    actions = ["reset_mfa"]

    @admin.action(description=_("Reset multi-factor sign-in (lost authenticator and codes)"))
    def reset_mfa(self, request, queryset):
        for user in queryset:
            removed = user_mfa_reset(user=user, by=request.user, request=request)
            self.message_user(
                request,
                ngettext(
                    "%(email)s: %(count)d authenticator removed and sessions ended; they will "
                    "add a second factor at their next sign-in.",
                    "%(email)s: %(count)d authenticators removed and sessions ended; they will "
                    "add a second factor at their next sign-in.",
                    removed,
                )
                % {"email": user.email, "count": removed},
                messages.SUCCESS,
            )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sector", "size_band", "region", "created_at"]
    list_filter = ["size_band", "sector", "region"]
    search_fields = ["name", "slug", "sector", "region"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        # Deleted organisations are hidden here too; undo lives at /deleted-organisations/.
        return Organization.objects.all()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is append-only: visible here, never added, edited or deleted."""

    list_display = ["created_at", "action", "actor_label", "organization", "target", "ip_address"]
    list_filter = ["action", "organization", "created_at"]
    search_fields = ["actor_label", "target", "ip_address", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

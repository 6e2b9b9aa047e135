"""The API's shapes. Reads format what the pages' selectors return; writes only parse and
hand over to the services, which hold the rules."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alignment.models import ActionItem
from assessments.models import Assessment, Respondent
from assessments.selectors import respondent_status
from organizations.models import Membership, Organization
from reports.models import Report

from .models import ApiToken, WebhookDelivery, WebhookEndpoint


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "sector", "size_band", "region", "created_at"]
        read_only_fields = ["created_at"]
        # The service checks uniqueness (full_clean) and says which field.
        extra_kwargs = {"slug": {"validators": []}}


class MemberSerializer(serializers.Serializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name", required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    created_at = serializers.DateTimeField(read_only=True)


class MemberInviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class RespondentSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    answered = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Respondent
        fields = [
            "role",
            "name",
            "email",
            "status",
            "status_label",
            "answered",
            "invited_at",
            "submitted_at",
            "reminder_count",
        ]

    def _status(self, respondent):
        return respondent_status(respondent, self.context.get("item_count", 0))

    def get_status(self, respondent) -> str:
        return self._status(respondent).code

    def get_status_label(self, respondent) -> str:
        return self._status(respondent).label


class AssessmentSerializer(serializers.ModelSerializer):
    questionnaire = serializers.CharField(source="questionnaire.label", read_only=True)
    item_count = serializers.IntegerField(read_only=True, default=0)
    respondents = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "code",
            "title",
            "status",
            "questionnaire",
            "due_date",
            "item_count",
            "respondents",
            "opened_at",
            "created_at",
        ]

    @extend_schema_field(RespondentSerializer(many=True))
    def get_respondents(self, assessment):
        context = {"item_count": getattr(assessment, "item_count", 0)}
        return RespondentSerializer(assessment.respondents.all(), many=True, context=context).data


class PersonSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)


class AssessmentCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    questionnaire = serializers.CharField(
        required=False,
        help_text="SLUG or SLUG@VERSION of a published question bank (default: the latest).",
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    ceo = PersonSerializer()
    ciso = PersonSerializer()
    send_invitations = serializers.BooleanField(default=False)


class RevokeSerializer(serializers.Serializer):
    send_new = serializers.BooleanField(default=True)


class NextRoundSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    send_invitations = serializers.BooleanField(default=True)


class ReportSerializer(serializers.ModelSerializer):
    # A plain string: the languages offered follow settings.LANGUAGES, not the API's schema.
    language = serializers.CharField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "code",
            "pack",
            "include_comments",
            "language",
            "status",
            "pages",
            "render_ms",
            "sha256",
            "error",
            "created_at",
            "rendered_at",
        ]
        read_only_fields = ["pack", "include_comments"]


class ReportRequestSerializer(serializers.Serializer):
    """What a render asks for; each field left out takes its default (the full report, the
    pack's comment default, the organisation's report language)."""

    pack = serializers.ChoiceField(choices=Report.Pack.choices, required=False, default="full")
    include_comments = serializers.BooleanField(required=False, allow_null=True, default=None)
    language = serializers.CharField(required=False, allow_blank=True, max_length=8, default="")


class PositionSerializer(serializers.Serializer):
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    value = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ActionSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(source="dimension.code")

    class Meta:
        model = ActionItem
        fields = [
            "code",
            "dimension",
            "description",
            "owner_role",
            "due_date",
            "status",
            "done_at",
            "created_at",
        ]
        read_only_fields = ["code", "status", "done_at", "created_at"]


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionItem.Status.choices)


class WorkshopSerializer(serializers.Serializer):
    started = serializers.BooleanField()
    finished_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    positions = PositionSerializer(many=True)
    actions = ActionSerializer(many=True)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices), min_length=1
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "code",
            "url",
            "description",
            "events",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["code", "is_active", "disabled_at", "disabled_reason", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret: shown once, keep it now."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "code",
            "message_id",
            "event",
            "status",
            "attempts",
            "response_status",
            "response_ms",
            "response_body",
            "error",
            "last_attempt_at",
            "next_attempt_at",
            "created_at",
        ]


class ApiTokenSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["prefix", "name", "organization", "read_only", "expires_at", "last_used_at"]

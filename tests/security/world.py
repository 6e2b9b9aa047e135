"""Two complete tenants for the security tests.

Each organisation has a consultant, an admin and an executive member; a scored round (the
realistic answers, a secret comment from each executive, live links, a ready PDF report, a
workshop with an agreed position and actions, an audit event); and an open round whose CISO
has submitted (with a secret comment) while the CEO is still answering.

Every piece of text that must never cross a boundary carries the tenant's `secret`, so a
leak shows up as that string in a response body.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from alignment.models import ActionItem, AlignmentResult, ConsensusAnswer, WorkshopSession
from alignment.services import assessment_score
from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import webhook_endpoint_create
from assessments.invitations import link_issue
from assessments.models import Answer, Assessment, Dimension, Invitation, Respondent
from organizations.audit import Action, audit_record
from organizations.models import Membership, Organization
from reports.models import Report
from tests.factories import (
    MembershipFactory,
    answer_all,
    assessment_with_links,
    realistic_assessment,
)
from workspace import services as workshop

FAKE_PDF = b"%PDF-1.7\n% a report\n%%EOF\n"


@dataclass
class Tenant:
    organization: Organization
    secret: str
    consultant: object
    admin: object
    executive: object
    scored: Assessment
    scored_tokens: dict
    open: Assessment
    open_tokens: dict
    report: Report
    strings: list[str] = field(default_factory=list)  # what must never show outside

    def action_code(self) -> str:
        """An action of the tenant's workshop (a test may have removed some)."""
        action = ActionItem.objects.filter(session__assessment=self.scored).order_by("pk").first()
        if action is None:
            action = _add_action(self.scored, self.consultant, self.secret)
        return action.code

    def endpoint_code(self) -> str:
        """A webhook endpoint of the tenant (its URL carries the secret)."""
        endpoint = WebhookEndpoint.objects.filter(organization=self.organization).first()
        if endpoint is None:
            endpoint = webhook_endpoint_create(
                organization=self.organization,
                url=f"https://hooks.example.com/{self.secret}",
                events=["assessment.scored"],
            )
        return endpoint.code

    def delivery_code(self) -> str:
        """A delivery to that endpoint (its payload carries the secret)."""
        endpoint = WebhookEndpoint.objects.get(code=self.endpoint_code())
        delivery = endpoint.deliveries.first() or WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{self.secret}",
            event="assessment.scored",
            payload={"type": "assessment.scored", "data": {"note": self.secret}},
        )
        return delivery.code


def _add_action(assessment, by, secret) -> ActionItem:
    session = workshop.workshop_start(assessment=assessment, by=by)
    dimension = Dimension.objects.get(questionnaire=assessment.questionnaire, code="D1")
    return workshop.action_add(
        session=session,
        dimension=dimension,
        description=f"{secret}: write the acceptable-use policy",
        owner_role="ciso",
        by=by,
    )


def _secret_comment(respondent: Respondent, text: str) -> None:
    Answer.objects.filter(respondent=respondent, question__code="1.1").update(comment=text)


def build_tenant(questionnaire, organization: Organization, secret: str) -> Tenant:
    def member(role):
        return MembershipFactory(
            organization=organization, role=role, user__email=f"{role}@{organization.slug}.test"
        ).user

    consultant = member(Membership.Role.CONSULTANT)
    admin = member(Membership.Role.ADMIN)
    executive = member(Membership.Role.EXECUTIVE)

    # The scored round: realistic answers, a secret comment each, scored, links, a report.
    scored = realistic_assessment(
        questionnaire, organization=organization, title=f"{secret} scored round"
    )
    Assessment.objects.filter(pk=scored.pk).update(created_by=consultant)
    scored_tokens = {}
    for respondent in scored.respondents.all():
        _secret_comment(respondent, f"{secret} {respondent.role} scored comment")
        # They read German: the language switch (respond:language, posting "de") then
        # changes nothing of a scored round, as every other link view.
        Respondent.objects.filter(pk=respondent.pk).update(
            email=f"{respondent.role}@{secret}.test", language="de"
        )
    result = assessment_score(assessment_id=scored.pk)
    scored.refresh_from_db()
    for respondent in scored.respondents.all():
        scored_tokens[respondent.role] = link_issue(respondent=respondent)
    report = Report.objects.create(
        assessment=scored,
        result=result,
        result_digest=result.answers_digest,
        status=Report.Status.READY,
        pages=1,
        rendered_at=timezone.now(),
    )
    report.file.save(f"{secret}.pdf", ContentFile(FAKE_PDF))

    # Its workshop: an agreed position with notes, and a few actions.
    session = workshop.workshop_start(assessment=scored, by=consultant)
    workshop.consensus_save(
        session=session,
        dimension=Dimension.objects.get(questionnaire=questionnaire, code="D1"),
        value=3,
        notes=f"{secret} agreed notes",
        by=consultant,
    )
    for _ in range(3):
        _add_action(scored, consultant, secret)

    # The open round: the CISO has submitted (with a secret comment), the CEO is answering.
    open_round, open_tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    Assessment.objects.filter(pk=open_round.pk).update(title=f"{secret} open round")
    ciso = open_round.respondents.get(role="ciso")
    answer_all(ciso, [2], comment=f"{secret} ciso open comment")
    Respondent.objects.filter(pk=ciso.pk).update(submitted_at=timezone.now())
    ceo = open_round.respondents.get(role="ceo")
    answer_all(ceo, [4])
    Answer.objects.filter(respondent=ceo, question__order__gt=5).delete()
    _secret_comment(ceo, f"{secret} ceo open comment")
    open_round.refresh_from_db()

    audit_record(action=Action.SIGN_IN, actor=consultant, organization=organization, target=secret)
    strings = [
        secret,
        organization.name,
        *(f"{role}@{secret}.test" for role in ("ceo", "ciso")),
        *scored_tokens.values(),
        *open_tokens.values(),
        report.code,
        scored.code,
        open_round.code,
    ]
    return Tenant(
        organization=organization,
        secret=secret,
        consultant=consultant,
        admin=admin,
        executive=executive,
        scored=scored,
        scored_tokens=scored_tokens,
        open=open_round,
        open_tokens=open_tokens,
        report=report,
        strings=strings,
    )


# --- Before and after ---------------------------------------------------------------------


def _rows(model, **lookup) -> list[dict]:
    return list(model.objects.filter(**lookup).order_by("pk").values())


def snapshot(organization: Organization) -> dict:
    """Every row of the tenant's data (the audit log aside: a denied request adds to it)."""
    org = {"organization": organization}
    return {
        "organization": _rows(Organization, pk=organization.pk),
        "memberships": _rows(Membership, **org),
        "assessments": _rows(Assessment, **org),
        "respondents": _rows(Respondent, assessment__organization=organization),
        "invitations": _rows(Invitation, respondent__assessment__organization=organization),
        "answers": _rows(Answer, respondent__assessment__organization=organization),
        "results": _rows(AlignmentResult, assessment__organization=organization),
        "reports": _rows(Report, assessment__organization=organization),
        "workshops": _rows(WorkshopSession, assessment__organization=organization),
        "consensus": _rows(ConsensusAnswer, session__assessment__organization=organization),
        "actions": _rows(ActionItem, session__assessment__organization=organization),
        "webhooks": _rows(WebhookEndpoint, **org),
        "deliveries": _rows(WebhookDelivery, endpoint__organization=organization),
    }


def respondent_snapshot(respondent: Respondent) -> dict:
    return {
        "respondent": _rows(Respondent, pk=respondent.pk),
        "answers": _rows(Answer, respondent=respondent),
        "invitations": _rows(Invitation, respondent=respondent),
    }

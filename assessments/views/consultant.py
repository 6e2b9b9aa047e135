"""The consultant's assessment pages under /organisations/<slug>/assessments/.

Every view starts from `assessments.access` (managed_organization, managed_assessment):
another tenant's organisation or assessment is a 404, never a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ..access import managed_assessment, managed_organization
from ..forms import AssessmentCreateForm, RespondentForm, RevokeForm
from ..invitations import (
    LINK_STATUSES,
    REMINDER_LIMIT,
    ReminderRefused,
    invitation_queue,
    respondent_remind,
    respondent_revoke_link,
)
from ..models import Assessment, Invitation, Respondent
from ..selectors import (
    assessments_for_organization,
    respondent_for_role,
    respondent_status,
    respondents_with_progress,
    with_item_count,
)
from ..services import (
    Person,
    assessment_create,
    assessment_open,
    respondent_change_email,
    respondent_reopen,
)


def _get_organization_for_user(request: HttpRequest, org_slug: str):
    return managed_organization(request.user, org_slug)


def _get_assessment_for_user(request: HttpRequest, org_slug: str, code: str) -> Assessment:
    queryset = with_item_count(Assessment.objects.select_related("created_by"))
    return managed_assessment(request.user, org_slug, code, queryset=queryset)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields where they exist."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _to_detail(assessment: Assessment) -> HttpResponse:
    return redirect(
        "assessments:detail", org_slug=assessment.organization.slug, code=assessment.code
    )


@login_required
def assessment_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _get_organization_for_user(request, org_slug)
    page = assessments_for_organization(organization, page=request.GET.get("page"))
    rows = [
        (a, [(r, respondent_status(r, a.item_count)) for r in a.respondents.all()])
        for a in page.object_list
    ]
    ctx = {"organization": organization, "rows": rows, "page": page}
    return render(request, "assessments/assessment_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _get_organization_for_user(request, org_slug)
    form = AssessmentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_create(
                organization=organization,
                questionnaire=data["questionnaire"],
                title=data["title"],
                due_date=data["due_date"],
                ceo=Person(data["ceo_email"], data["ceo_name"], data["ceo_language"]),
                ciso=Person(data["ciso_email"], data["ciso_name"], data["ciso_language"]),
                created_by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                "Assessment created as a draft. Check the details, then send the invitations.",
            )
            return _to_detail(assessment)
    ctx = {"organization": organization, "form": form}
    return render(request, "assessments/assessment_new.html", ctx)


@login_required
def assessment_detail(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    assessment = _get_assessment_for_user(request, org_slug, code)
    respondents = respondents_with_progress(assessment)
    ctx = {
        "organization": assessment.organization,
        "assessment": assessment,
        "rows": [(r, respondent_status(r, assessment.item_count)) for r in respondents],
        "reminder_limit": REMINDER_LIMIT,
        "revoke_form": RevokeForm(),
    }
    return render(request, "assessments/assessment_detail.html", ctx)


@login_required
@require_POST
def assessment_send(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """Open the draft and email both invitations."""
    assessment = _get_assessment_for_user(request, org_slug, code)
    if assessment.status != Assessment.Status.DRAFT:
        messages.info(
            request, "The invitations were already sent. Use \u201cResend\u201d if needed."
        )
        return _to_detail(assessment)
    try:
        assessment_open(assessment=assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "The assessment is open: both invitations are on their way.")
    return _to_detail(assessment)


def _respondent(request, org_slug, code, role) -> Respondent:
    assessment = _get_assessment_for_user(request, org_slug, code)
    return respondent_for_role(assessment, role)


@login_required
@require_POST
def respondent_resend(request: HttpRequest, org_slug: str, code: str, role: str) -> HttpResponse:
    respondent = _respondent(request, org_slug, code, role)
    try:
        invitation_queue(respondent=respondent, kind=Invitation.Kind.INVITATION, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"A new invitation link is on its way to {respondent.email}.")
    return _to_detail(respondent.assessment)


@login_required
@require_POST
def respondent_revoke(request: HttpRequest, org_slug: str, code: str, role: str) -> HttpResponse:
    respondent = _respondent(request, org_slug, code, role)
    form = RevokeForm(request.POST)
    send_new = form.is_valid() and form.cleaned_data["send_new"]
    if respondent.assessment.status not in LINK_STATUSES:
        send_new = False
    respondent_revoke_link(respondent=respondent, send_new=send_new, by=request.user)
    label = respondent.get_role_display()
    if send_new:
        text = (
            f"The {label}\u2019s links are revoked; a new link is on its way to {respondent.email}."
        )
    else:
        text = f"The {label}\u2019s links are revoked. Resend an invitation to give them a new one."
    messages.success(request, text)
    return _to_detail(respondent.assessment)


@login_required
@require_http_methods(["GET", "POST"])
def respondent_edit(request: HttpRequest, org_slug: str, code: str, role: str) -> HttpResponse:
    """Change an executive's name and email address."""
    respondent = _respondent(request, org_slug, code, role)
    initial = {"name": respondent.name, "email": respondent.email, "language": respondent.language}
    form = RespondentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        old_email = respondent.email
        try:
            respondent_change_email(
                respondent=respondent,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            changed = respondent.email.lower() != old_email.lower()
            text = "Saved."
            if changed and respondent.assessment.status in LINK_STATUSES:
                text = f"Saved. The old links are revoked and a new one is on its way to {respondent.email}."
            messages.success(request, text)
            return _to_detail(respondent.assessment)
    ctx = {
        "organization": respondent.assessment.organization,
        "assessment": respondent.assessment,
        "respondent": respondent,
        "form": form,
    }
    return render(request, "assessments/respondent_edit.html", ctx)


@login_required
@require_POST
def respondent_remind_now(
    request: HttpRequest, org_slug: str, code: str, role: str
) -> HttpResponse:
    respondent = _respondent(request, org_slug, code, role)
    try:
        respondent_remind(respondent=respondent, by=request.user)
    except ReminderRefused as refused:
        messages.error(request, f"No reminder sent: {refused}")
    else:
        messages.success(
            request,
            f"Reminder {respondent.reminder_count} of {REMINDER_LIMIT} is on its way to "
            f"{respondent.email}.",
        )
    return _to_detail(respondent.assessment)


@login_required
@require_POST
def respondent_reopen_for_changes(
    request: HttpRequest, org_slug: str, code: str, role: str
) -> HttpResponse:
    """ "Reopen for changes": un-submit an executive of an open round (see the service)."""
    respondent = _respondent(request, org_slug, code, role)
    try:
        respondent_reopen(respondent=respondent, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"The {respondent.get_role_display()}\u2019s answers are open for changes again: "
            f"they can use their link to change them and submit again. If their link no "
            f"longer works, resend the invitation.",
        )
    return _to_detail(respondent.assessment)

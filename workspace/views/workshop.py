"""The consultant's workspace pages: workshop (presenter view and its saves), gap map,
change since the previous round, next round, actions, portfolio and exports.

Every view starts from `access` (consultants and admins of the organisation, and site staff;
anyone else gets a 404). The presenter view saves through htmx and works without JavaScript
(its forms post and come back); htmx requests get fragments, others a redirect.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alignment.models import ActionItem, AlignmentResult, WorkshopSession
from alignment.presentation import words
from alignment.presentation.model import round_view
from alignment.presentation.trend import round_comparison
from alignment.scoring import SCORING_VERSION
from alignment.selectors import current_result
from alignment.spreadsheets import (
    CSV_CONTENT_TYPE,
    TABLE_SLUGS,
    XLSX_CONTENT_TYPE,
    csv_bytes,
    export_tables,
    table_by_slug,
    xlsx_bytes,
)
from assessments.access import managed_assessment, managed_organization
from assessments.models import Assessment, Dimension
from organizations.audit import Action, audit_record
from workspace import services
from workspace.forms import (
    ActionForm,
    ActionStatusForm,
    ConsensusForm,
    GapFilterForm,
    NextRoundForm,
)
from workspace.portfolio import MIN_ORGANISATIONS, client_portfolio, portfolio_picker
from workspace.selectors import (
    SEVERITY_FILTERS,
    dimension_actions,
    filter_items,
    organization_actions,
    round_action,
    workshop_deck,
)

POLL_SECONDS = 2.5
# The gap map's first view: the items worth discussing.
DISCUSS = ("critical", "material")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _session(assessment: Assessment) -> WorkshopSession | None:
    try:
        return assessment.workshop
    except WorkshopSession.DoesNotExist:
        return None


def _scored_assessment(request: HttpRequest, org_slug: str, code: str) -> Assessment:
    """A scored assessment (the workshop needs a result), else 404."""
    assessment = managed_assessment(
        request.user, org_slug, code, queryset=Assessment.objects.select_related("workshop")
    )
    if not AlignmentResult.objects.filter(
        assessment=assessment, scoring_version=SCORING_VERSION
    ).exists():
        raise Http404("This assessment is not scored yet.")
    return assessment


def _dimension(assessment: Assessment, code: str) -> Dimension:
    found = Dimension.objects.filter(
        questionnaire_id=assessment.questionnaire_id, code=code
    ).first()
    if found is None:
        raise Http404("No such dimension.")
    return found


def _workshop_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("workspace:presenter", args=[assessment.organization.slug, assessment.code])
    return f"{url}#{anchor}" if anchor else url


def _with_version(response: HttpResponse, session: WorkshopSession | None) -> HttpResponse:
    response["X-Workshop-Version"] = str(session.version if session else 0)
    response["Cache-Control"] = "no-store"
    return response


# --- The presenter view -----------------------------------------------------------------


@login_required
@require_GET
def presenter(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """Full-screen walk through the dimensions, widest gap first (static/js/workshop.js)."""
    assessment = managed_assessment(
        request.user, org_slug, code, queryset=Assessment.objects.select_related("workshop")
    )
    deck = workshop_deck(assessment)
    ctx = {
        "organization": assessment.organization,
        "assessment": assessment,
        "deck": deck,
        "action_form": ActionForm(),
        "poll_ms": int(POLL_SECONDS * 1000),
        "today": timezone.localdate(),
    }
    if deck is None:
        return render(request, "workspace/not_scored.html", ctx)
    return _with_version(render(request, "workspace/presenter.html", ctx), deck.session)


@login_required
@require_GET
def state(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """What a second screen polls: 204 while the workshop's version is the one it knows,
    else the positions, notes and actions of every dimension."""
    assessment = _scored_assessment(request, org_slug, code)
    session = _session(assessment)
    known = request.GET.get("v", "")
    if known == str(session.version if session else 0):
        return _with_version(HttpResponse(status=204), session)
    deck = workshop_deck(assessment)
    ctx = {"organization": assessment.organization, "assessment": assessment, "deck": deck}
    return _with_version(render(request, "workspace/_state.html", ctx), deck.session)


@login_required
@require_POST
def consensus(request: HttpRequest, org_slug: str, code: str, dimension: str) -> HttpResponse:
    """Save the agreed position and/or the notes of one dimension."""
    assessment = _scored_assessment(request, org_slug, code)
    found = _dimension(assessment, dimension)
    form = ConsensusForm(request.POST)
    if not form.is_valid():
        return _refuse(request, assessment, found, " ".join(_messages(form)))
    session = services.workshop_start(assessment=assessment, by=request.user)
    try:
        services.consensus_save(session=session, dimension=found, by=request.user, **form.changes())
    except ValidationError as error:
        return _refuse(request, assessment, found, " ".join(error.messages))
    if not _is_htmx(request):
        messages.success(request, gettext("%(code)s: saved.") % {"code": found.code})
        return redirect(_workshop_url(assessment, found.code))
    saved = timezone.localtime().strftime("%H:%M:%S")
    return _with_version(HttpResponse(gettext("Saved at %(time)s") % {"time": saved}), session)


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _refuse(request, assessment, dimension, text: str) -> HttpResponse:
    if _is_htmx(request):
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    messages.error(request, _coded(dimension.code, text))
    return redirect(_workshop_url(assessment, dimension.code))


def _coded(code: str, text: str) -> str:
    """A message about one dimension: its code, then what happened."""
    return gettext("%(code)s: %(message)s") % {"code": code, "message": text}


def _actions_ctx(assessment, dimension, session, form=None) -> dict:
    return {
        "organization": assessment.organization,
        "assessment": assessment,
        "slide": {
            "code": dimension.code,
            "name": dimension.name,
            "actions": dimension_actions(session, dimension.pk) if session else [],
        },
        "action_form": form or ActionForm(),
        "today": timezone.localdate(),
    }


@login_required
@require_POST
def action_create(request: HttpRequest, org_slug: str, code: str, dimension: str):
    assessment = _scored_assessment(request, org_slug, code)
    found = _dimension(assessment, dimension)
    form = ActionForm(request.POST)
    session = _session(assessment)
    if form.is_valid():
        session = services.workshop_start(assessment=assessment, by=request.user)
        try:
            services.action_add(
                session=session, dimension=found, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = None
    if not _is_htmx(request):
        if form is None:
            messages.success(request, gettext("%(code)s: action added.") % {"code": found.code})
        else:
            messages.error(request, _coded(found.code, " ".join(_messages(form))))
        return redirect(_workshop_url(assessment, found.code))
    ctx = _actions_ctx(assessment, found, session, form)
    return _with_version(render(request, "workspace/_actions_block.html", ctx), session)


def _workshop_action(request, org_slug: str, code: str, action_code: str):
    assessment = _scored_assessment(request, org_slug, code)
    return assessment, round_action(assessment, action_code)


def _after_action_change(request, assessment, action) -> HttpResponse:
    if not _is_htmx(request):
        return redirect(_workshop_url(assessment, action.dimension.code))
    ctx = _actions_ctx(assessment, action.dimension, action.session)
    return _with_version(render(request, "workspace/_actions_list.html", ctx), action.session)


@login_required
@require_POST
def action_status(request: HttpRequest, org_slug: str, code: str, action_code: str):
    assessment, action = _workshop_action(request, org_slug, code, action_code)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_set_status(
            action=action, status=form.cleaned_data["status"], by=request.user
        )
    return _after_action_change(request, assessment, action)


@login_required
@require_POST
def action_remove(request: HttpRequest, org_slug: str, code: str, action_code: str):
    assessment, action = _workshop_action(request, org_slug, code, action_code)
    services.action_delete(action=action)
    return _after_action_change(request, assessment, action)


@login_required
@require_POST
def finish(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    assessment = _scored_assessment(request, org_slug, code)
    session = services.workshop_start(assessment=assessment, by=request.user)
    services.workshop_finish(session=session, by=request.user)
    report_url = reverse("reports:status", kwargs={"slug": org_slug, "code": code})
    messages.success(
        request,
        format_html(
            gettext(
                "Workshop finished. A fresh PDF report with the agreed positions and actions is "
                'being rendered: <a href="{url}">follow it on the report page</a>.'
            ),
            url=report_url,
        ),
    )
    return redirect("workspace:results", org_slug=org_slug, code=code)


# --- Results: the gap map and the change since the previous round ------------------------


def _fragment_or_page(request, template: str, ctx: dict) -> HttpResponse:
    ctx["fragment"] = _is_htmx(request)
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def gap_map(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """The heatmap of items by severity and the items with both answers and comments,
    filtered by severity and knowledge gaps; a page of its own, or a fragment (htmx) that
    the results page loads."""
    assessment = managed_assessment(request.user, org_slug, code)
    view = round_view(assessment)
    if not view.scored:
        raise Http404("This assessment is not scored yet.")
    if "filtered" in request.GET:
        form = GapFilterForm(request.GET)
        valid = form.is_valid()
        severities = set(form.cleaned_data["severity"]) if valid else set()
        knowledge = bool(form.cleaned_data["knowledge_gaps"]) if valid else False
    else:  # first visit: what is worth discussing
        severities, knowledge = set(DISCUSS), True
    ctx = {
        "organization": assessment.organization,
        "assessment": assessment,
        "severities": severities,
        "knowledge_gaps": knowledge,
        "filters": _filters(view.items),
        "items": filter_items(view.items, severities, knowledge),
        "total": len(view.items),
        "heatmap_svg": view.heatmap_svg(),
    }
    return _fragment_or_page(request, "workspace/gap_map.html", ctx)


def _filters(items) -> list[dict]:
    """The gap map's filter chips: each severity, then knowledge gaps, with its glyph, words
    and how many items it would show."""
    chips = [
        {
            "value": key,
            "glyph": words.SEVERITY_GLYPHS[key],
            "words": words.SEVERITY_WORDS[key],
            "count": sum(1 for item in items if item.severity.key == key),
        }
        for key in SEVERITY_FILTERS
    ]
    chips.append(
        {
            "value": "knowledge",
            "glyph": words.SEVERITY_GLYPHS["unknown"],
            "words": words.SEVERITY_WORDS["unknown"],
            "count": sum(1 for item in items if item.knowledge_gap),
        }
    )
    return chips


@login_required
@require_GET
def trend(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """This round against the previous scored round of the organisation."""
    assessment = managed_assessment(request.user, org_slug, code)
    comparison = round_comparison(assessment, current_result(assessment))
    ctx = {
        "organization": assessment.organization,
        "assessment": assessment,
        "comparison": comparison,
    }
    return _fragment_or_page(request, "workspace/trend.html", ctx)


# --- Rounds -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def next_round(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    """Start the next round: same organisation and executives, newest questionnaire."""
    assessment = managed_assessment(request.user, org_slug, code)
    count = Assessment.objects.filter(organization=assessment.organization).count()
    initial = {
        "title": services.next_round_title(assessment.title, count + 1),
        "due_date": NextRoundForm.default_due(),
        "send_invitations": True,
    }
    form = NextRoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.next_round_start(
                assessment=assessment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sent = created.status == Assessment.Status.OPEN
            messages.success(
                request,
                gettext("The next round is open: both executives are being emailed their new link.")
                if sent
                else gettext(
                    "The next round is created as a draft. Send the invitations when ready."
                ),
            )
            return redirect("assessments:detail", org_slug=org_slug, code=created.code)
    respondents = list(assessment.respondents.order_by("role"))
    questionnaire = services.latest_questionnaire(assessment.questionnaire)
    later = (
        Assessment.objects.filter(
            organization=assessment.organization, created_at__gt=assessment.created_at
        )
        .order_by("created_at")
        .first()
    )
    ctx = {
        "organization": assessment.organization,
        "assessment": assessment,
        "later": later,
        "form": form,
        "respondents": respondents,
        "questionnaire": questionnaire,
    }
    return render(request, "workspace/next_round.html", ctx)


# --- Actions of an organisation -------------------------------------------------------------

ACTION_FILTERS = (
    ("open", pgettext_lazy("action status", "Open")),
    ("done", pgettext_lazy("action status", "Done")),
    ("all", pgettext_lazy("actions filter", "All")),
)


@login_required
@require_GET
def actions(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Every action agreed in the organisation's workshops, with its status."""
    organization = managed_organization(request.user, org_slug)
    shown = request.GET.get("status", "open")
    shown = shown if shown in dict(ACTION_FILTERS) else "open"
    queryset = organization_actions(organization, status=None if shown == "all" else shown)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    ctx = {
        "organization": organization,
        "page": page,
        "shown": shown,
        "filters": ACTION_FILTERS,
        "today": timezone.localdate(),
    }
    return render(request, "workspace/actions.html", ctx)


@login_required
@require_POST
def action_update(request: HttpRequest, org_slug: str, action_code: str) -> HttpResponse:
    """Mark an action done (or open again) from the organisation's action list."""
    organization = managed_organization(request.user, org_slug)
    action = (
        ActionItem.objects.filter(session__assessment__organization=organization, code=action_code)
        .select_related("session")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_set_status(
            action=action, status=form.cleaned_data["status"], by=request.user
        )
        done = action.status == ActionItem.Status.DONE
        text = (
            gettext("Marked done: %(action)s") if done else gettext("Marked open again: %(action)s")
        )
        messages.success(request, text % {"action": action.description})
    back = request.POST.get("status_filter", "open")
    url = reverse("workspace:actions", args=[organization.slug])
    return redirect(f"{url}?status={back if back in dict(ACTION_FILTERS) else 'open'}")


# --- Portfolio ------------------------------------------------------------------------------


@login_required
@require_GET
def portfolio(request: HttpRequest, org_slug: str | None = None) -> HttpResponse:
    """The distribution of overall indices across the user's clients (at least five scored
    organisations), and where one of them falls."""
    picked = request.GET.get("org", "")
    if org_slug is None and re.fullmatch(r"[-a-zA-Z0-9_]{1,80}", picked):
        return redirect("workspace:organization_portfolio", org_slug=picked)
    organization = managed_organization(request.user, org_slug) if org_slug else None
    picker = portfolio_picker(request.user, query=request.GET.get("q", ""))
    if picker is None:
        raise Http404("No client organisations.")
    if picker.query and len(picker.matches) == 1:
        return redirect("workspace:organization_portfolio", org_slug=picker.matches[0]["slug"])
    ctx = {
        "organization": organization,
        "portfolio": client_portfolio(request.user, highlight=organization),
        "minimum": MIN_ORGANISATIONS,
        "picker": picker,
    }
    return render(request, "workspace/portfolio.html", ctx)


# --- Exports --------------------------------------------------------------------------------


def _download(request, content: bytes, content_type: str, filename: str, organization, target):
    audit_record(
        action=Action.EXPORT_DOWNLOADED,
        request=request,
        organization=organization,
        target=target,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export(request, assessments, organization, stem: str, fmt: str, table: str | None, target):
    tables = export_tables(assessments)
    if fmt == "xlsx":
        return _download(
            request, xlsx_bytes(tables), XLSX_CONTENT_TYPE, f"{stem}.xlsx", organization, target
        )
    if table not in TABLE_SLUGS:
        raise Http404("No such table.")
    content = csv_bytes(table_by_slug(tables, table))
    return _download(
        request, content, CSV_CONTENT_TYPE, f"{stem}-{table}.csv", organization, target
    )


@login_required
@require_GET
def export_assessment(request, org_slug: str, code: str, fmt: str, table: str | None = None):
    assessment = managed_assessment(request.user, org_slug, code)
    stem = f"parley-{assessment.organization.slug}-{slugify(assessment.title)[:40]}"
    stem += f"-{timezone.localdate().isoformat()}"
    target = f"{fmt} export of assessment {assessment.code}" + (f" ({table})" if table else "")
    return _export(request, [assessment], assessment.organization, stem, fmt, table, target)


@login_required
@require_GET
def export_organization(request, org_slug: str, fmt: str, table: str | None = None):
    organization = managed_organization(request.user, org_slug)
    assessments = list(
        Assessment.objects.filter(organization=organization)
        .select_related("questionnaire")
        .order_by("created_at", "pk")
    )
    for assessment in assessments:
        assessment.organization = organization
    stem = f"parley-{organization.slug}-all-rounds-{timezone.localdate().isoformat()}"
    target = f"{fmt} export of every assessment" + (f" ({table})" if table else "")
    return _export(request, assessments, organization, stem, fmt, table, target)

"""The question-bank pages under /banks/, for bank editors (site staff and holders of the
`assessments.edit_banks` permission; everyone else gets a 404, see assessments.access).

Banks are site-wide data: every bank editor sees every bank. Which organisations' rounds used
a bank is not: each viewer sees only the rounds of the organisations they may manage.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from organizations.audit import Action, audit_record

from ..access import require_bank_editor
from ..bank_xlsx import write_bank_xlsx
from ..forms import BankImportForm
from ..models import Respondent
from ..question_bank import BankError, bank_to_raw, read_bank_bytes
from ..selectors import (
    SavedAnswer,
    SavedFelt,
    bank_from_questionnaire,
    bank_usage,
    bank_version,
    bank_versions,
    questionnaire_layout,
)
from ..services import questionnaire_discard, questionnaire_import, questionnaire_publish
from .items import Felt, Item

_UNANSWERED = SavedAnswer(None, False, "")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _banks(versions) -> list[tuple[str, list]]:
    """The versions grouped by bank slug, newest version first."""
    grouped: dict[str, list] = {}
    for questionnaire in versions:
        grouped.setdefault(questionnaire.slug, []).append(questionnaire)
    return list(grouped.items())


@login_required
@require_http_methods(["GET", "POST"])
def bank_list(request: HttpRequest) -> HttpResponse:
    """Every bank with its versions and status, and the import form. A POST imports a file:
    a draft when it is valid, else every problem and nothing saved."""
    require_bank_editor(request.user)
    posted = request.method == "POST"
    form = BankImportForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[str] = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            bank = read_bank_bytes(upload.read(), upload.name)
            outcome = questionnaire_import(bank=bank)
        except BankError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            questionnaire = outcome.questionnaire
            if outcome.created:
                audit_record(
                    action=Action.BANK_IMPORTED, request=request, target=questionnaire.label
                )
                messages.success(
                    request,
                    gettext(
                        "Imported %(label)s as a draft. Check it and preview it before you "
                        "publish it."
                    )
                    % {"label": questionnaire.label},
                )
            else:
                messages.info(
                    request,
                    gettext("%(label)s is already published with this content; nothing changed.")
                    % {"label": questionnaire.label},
                )
            return redirect("banks:detail", bank=questionnaire.slug, version=questionnaire.version)
    ctx = {
        "banks": _banks(bank_versions(request.user)),
        "form": form,
        "problems": problems,
    }
    status = 400 if problems or form.errors else 200
    return render(request, "assessments/banks/list.html", ctx, status=status)


@login_required
def bank_detail(request: HttpRequest, bank: str, version: int) -> HttpResponse:
    require_bank_editor(request.user)
    questionnaire = bank_version(bank, version)
    layout = questionnaire_layout(questionnaire)
    by_dimension = [(d, layout.by_dimension[d.pk]) for d in layout.dimensions]
    ctx = {
        "questionnaire": questionnaire,
        "dimensions": by_dimension,
        "item_count": len(layout.questions),
        "usage": bank_usage(request.user, questionnaire),
    }
    return render(request, "assessments/banks/detail.html", ctx)


@login_required
def bank_preview(request: HttpRequest, bank: str, version: int, role: str) -> HttpResponse:
    """The questionnaire as the CEO or the CISO would see it: the respondent's own item
    markup, every topic on one page, read only (the form is disabled and posts nowhere)."""
    require_bank_editor(request.user)
    if role not in Respondent.Role.values:
        raise Http404("No such role.")
    questionnaire = bank_version(bank, version)
    layout = questionnaire_layout(questionnaire)
    other = Respondent.Role.CISO if role == Respondent.Role.CEO else Respondent.Role.CEO
    other_label = Respondent.Role(other).label
    pages = [
        (
            dimension,
            [
                Item(q, q.text_for(role), _UNANSWERED, other_label)
                for q in layout.by_dimension[dimension.pk]
            ],
        )
        for dimension in layout.dimensions
    ]
    felt = None
    if questionnaire.has_felt:
        felt = Felt(
            questionnaire.felt_text_for(role), questionnaire.felt_anchors, SavedFelt(None, False)
        )
    ctx = {
        "questionnaire": questionnaire,
        "role": role,
        "role_label": Respondent.Role(role).label,
        "other_role": other,
        "pages": pages,
        "felt": felt,
    }
    return render(request, "assessments/banks/preview.html", ctx)


@login_required
@require_POST
def bank_publish(request: HttpRequest, bank: str, version: int) -> HttpResponse:
    require_bank_editor(request.user)
    questionnaire = bank_version(bank, version)
    if questionnaire.is_published:
        messages.info(request, gettext("This version is already published."))
    else:
        questionnaire_publish(questionnaire=questionnaire)
        audit_record(action=Action.BANK_PUBLISHED, request=request, target=questionnaire.label)
        messages.success(
            request,
            gettext("Published %(label)s. It will never change now; new rounds can choose it.")
            % {"label": questionnaire.label},
        )
    return redirect("banks:detail", bank=bank, version=version)


@login_required
@require_POST
def bank_discard(request: HttpRequest, bank: str, version: int) -> HttpResponse:
    """Delete a draft (a published version is never deleted)."""
    require_bank_editor(request.user)
    questionnaire = bank_version(bank, version)
    label = questionnaire.label
    try:
        questionnaire_discard(questionnaire=questionnaire)
    except BankError as error:
        messages.error(request, str(error))
        return redirect("banks:detail", bank=bank, version=version)
    audit_record(action=Action.BANK_DISCARDED, request=request, target=label)
    messages.success(request, gettext("The draft %(label)s is deleted.") % {"label": label})
    return redirect("banks:list")


@login_required
def bank_export(request: HttpRequest, bank: str, version: int, fmt: str) -> HttpResponse:
    """The bank as an XLSX spreadsheet or a JSON bank file, to edit and import again."""
    require_bank_editor(request.user)
    questionnaire = bank_version(bank, version)
    data = bank_from_questionnaire(questionnaire)
    name = f"{questionnaire.slug}-v{questionnaire.version}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(write_bank_xlsx(data), content_type=XLSX_TYPE)
    elif fmt == "json":
        body = json.dumps(bank_to_raw(data), ensure_ascii=False, indent=2) + "\n"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        raise Http404("No such format.")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The respondent journey: an executive's own questionnaire behind their personal link.

Every view takes the raw token from the path and resolves it with
`assessments.access.link_respondent`;
nothing here ever reads the other respondent's answers. Pages are never cached and never
indexed (the URL is a credential).
"""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.tasking import Sends
from organizations.audit import Action, audit_record, in_log_language

from ..access import link_respondent, results_shared, speak_respondent_language
from ..errors import AnswerRefused, AnswersLocked, LinkError, RespondentError
from ..invitations import SECONDS_PER_ITEM
from ..models import Question, Respondent
from ..privacy import privacy_ctx
from ..selectors import (
    Progress,
    SavedAnswer,
    newer_link_sent_at,
    questionnaire_layout,
    respondent_and_question_for_token,
    respondent_progress,
    saved_answer,
)
from ..services import (
    FELT_CODE,
    PREDICTED_SUFFIX,
    AnswerInput,
    PredictionInput,
    answer_save_by_link,
    answers_save,
    felt_save,
    page_save,
    prediction_save_by_link,
    respondent_set_language,
    respondent_submit,
)
from .items import CANT_SAY, Felt, Item

SCORING_LATER = "?scoring=later"
ANSWER_FIELD = "q-"
COMMENT_FIELD = "c-"
PREDICTION_FIELD = "p-"
FELT_FIELD = "felt"
_NO_ANSWER = SavedAnswer(None, False, "")


def respondent_view(view):
    """Resolve the link's token to the respondent, or answer with the link's error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            respondent = link_respondent(token)
        except LinkError as error:
            return link_error(request, error)
        response = view(request, respondent, token, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        if request.method == "GET":
            _note_visit(request, response, respondent, token)
        return response

    return wrapper


# "Link opened" goes to the audit log once per visit, not on every page and autosave: a
# visit is marked by a signed cookie that lasts until VISIT_SECONDS pass without a page
# (the autosave does not read or renew it, so the questionnaire's hot path stays as it is).
VISIT_COOKIE = "parley_visit"
VISIT_SECONDS = 30 * 60
_VISIT_SALT = "parley.link-visit"


def _note_visit(request, response: HttpResponse, respondent: Respondent, token: str) -> None:
    marker = str(respondent.pk)
    seen = request.get_signed_cookie(VISIT_COOKIE, default=None, salt=_VISIT_SALT)
    if seen != marker:
        assessment = respondent.assessment
        with in_log_language():
            role = respondent.get_role_display()
        audit_record(
            action=Action.LINK_OPENED,
            request=request,
            actor_label=f"{role} (invitation link)",
            organization=assessment.organization,
            target=f"{role} {respondent.email}, assessment {assessment.code}",
        )
    response.set_signed_cookie(
        VISIT_COOKIE,
        marker,
        salt=_VISIT_SALT,
        max_age=VISIT_SECONDS,
        path=reverse("respond:welcome", kwargs={"token": token}),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _link_error_text(error: LinkError) -> str:
    return {
        LinkError.UNKNOWN: gettext("This link is not valid."),
        LinkError.REVOKED: gettext("This link has been withdrawn."),
        LinkError.EXPIRED: gettext("This link has expired."),
    }[error.reason]


def link_error(request: HttpRequest, error: LinkError) -> HttpResponse:
    respondent = error.respondent
    ctx = {"error": error, "reason": error.reason, "respondent": respondent}
    if respondent is not None:
        # A withdrawn or expired link still names its executive: tell them in their language.
        speak_respondent_language(respondent)
        ctx["assessment"] = respondent.assessment
        ctx["consultant"] = respondent.assessment.created_by
        ctx["expired_at"] = respondent.access_expires_at
        if error.reason == LinkError.REVOKED:
            ctx["newer_link_sent_at"] = newer_link_sent_at(respondent)
    response = render(request, "assessments/respond/link_error.html", ctx, status=error.status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refusal(request, respondent, token, error: RespondentError) -> HttpResponse:
    ctx = _base_ctx(respondent, token) | {"message": error.message}
    return render(request, "assessments/respond/refused.html", ctx, status=error.status)


def _base_ctx(respondent: Respondent, token: str) -> dict:
    assessment = respondent.assessment
    return {
        "respondent": respondent,
        "assessment": assessment,
        "organization": assessment.organization,
        "consultant": assessment.created_by,
        "token": token,
    }


def results_url(token: str) -> str | None:
    """The respondent's results page (the workspace app's), or None while it has none."""
    try:
        return reverse("workspace:respondent_results", kwargs={"token": token})
    except NoReverseMatch:
        return None


# --- Items as shown on a page -----------------------------------------------------------


def _items(respondent: Respondent, questions, progress: Progress) -> list[Item]:
    other = respondent.get_other_role_display()
    return [
        Item(q, q.text_for(respondent.role), progress.answers.get(q.pk, _NO_ANSWER), other)
        for q in questions
    ]


def _felt(respondent: Respondent, progress: Progress) -> Felt | None:
    """The felt question as the respondent sees it (None on a bank without it)."""
    if progress.felt is None:
        return None
    questionnaire = respondent.assessment.questionnaire
    return Felt(
        questionnaire.felt_text_for(respondent.role),
        questionnaire.shown_felt_anchors,
        progress.felt,
    )


def _page_url(token: str, code: str) -> str:
    return reverse("respond:page", kwargs={"token": token, "code": code})


def _review_url(token: str) -> str:
    return reverse("respond:review", kwargs={"token": token})


# --- Views ------------------------------------------------------------------------------


@require_GET
@respondent_view
def welcome(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """Who invited them, why, how long; or, once submitted, their answers read-only."""
    if respondent.submitted_at:
        return _submitted(request, respondent, token)
    if respondent.opened_at is None:
        respondent.opened_at = timezone.now()
        Respondent.objects.filter(pk=respondent.pk, opened_at__isnull=True).update(
            opened_at=respondent.opened_at
        )
    progress = respondent_progress(respondent)
    next_page = progress.first_incomplete()
    ctx = (
        _base_ctx(respondent, token)
        | {
            "progress": progress,
            "minutes": max(5, round(progress.total * SECONDS_PER_ITEM / 60 / 5) * 5),
            "start_url": _page_url(token, next_page.dimension.code) if next_page else None,
            "review_url": _review_url(token),
            "expires_at": respondent.access_expires_at,
        }
        | privacy_ctx(respondent)
    )
    return render(request, "assessments/respond/welcome.html", ctx)


def _submitted(request, respondent: Respondent, token: str) -> HttpResponse:
    progress = respondent_progress(respondent)
    items = _items(respondent, progress.all_questions, progress)
    both = results_shared(respondent)
    ctx = _base_ctx(respondent, token) | {
        "progress": progress,
        "sections": _sections(progress, items),
        "felt": _felt(respondent, progress),
        "both_submitted": both,
        "results_url": results_url(token) if both else None,
        "scoring_later": request.GET.get("scoring") == "later",
    }
    return render(request, "assessments/respond/submitted.html", ctx)


def _sections(progress: Progress, items: list[Item]):
    """(topic name, topic code, [(code, text, answer, comment)…]) for the read-only page,
    as plain strings: it lists all 44 items, so the template does no lookups of its own."""
    by_dimension = {}
    for item in items:
        rows = by_dimension.setdefault(item.question.dimension_id, [])
        rows.append((item.code, item.text, item.answer_label, item.saved.comment))
        if item.predicts:
            rows.append(("", item.prediction_text, item.prediction_answer_label, ""))
    return [
        (page.dimension.name, page.dimension.code, by_dimension.get(page.dimension.pk, []))
        for page in progress.pages
    ]


@require_http_methods(["GET", "POST"])
@respondent_view
def page(request: HttpRequest, respondent: Respondent, token: str, code: str) -> HttpResponse:
    """One dimension's items. With JavaScript each change is saved at once (see
    `autosave`); without it, the page's buttons post the whole page."""
    if respondent.submitted_at:
        if request.method == "POST":
            return _refusal(request, respondent, token, _locked_error(respondent))
        return redirect("respond:welcome", token=token)
    progress = respondent_progress(respondent)
    current = progress.page(code)
    if current is None:
        ctx = _base_ctx(respondent, token) | {
            "message": gettext("There is no such page in your questionnaire.")
        }
        return render(request, "assessments/respond/refused.html", ctx, status=404)
    questions = progress.questions(current)
    felt = _felt(respondent, progress) if progress.is_felt_page(current) else None
    error = None
    if request.method == "POST":
        try:
            _save_page(request, respondent, questions, with_felt=felt is not None)
        except RespondentError as refused:
            if isinstance(refused, AnswersLocked):
                return _refusal(request, respondent, token, refused)
            error = refused
        else:
            return redirect(_after_save(request, token, progress, current))
    previous, following = progress.neighbours(current)
    ctx = _base_ctx(respondent, token) | {
        "progress": progress,
        "current": current,
        "items": _items(respondent, questions, progress),
        "felt": felt,
        "previous_url": _page_url(token, previous.dimension.code) if previous else None,
        "next_url": _page_url(token, following.dimension.code) if following else None,
        "review_url": _review_url(token),
        "autosave_url": reverse("respond:autosave", kwargs={"token": token}),
        "error": error,
    }
    status = error.status if error else 200
    return render(request, "assessments/respond/page.html", ctx, status=status)


def _locked_error(respondent: Respondent) -> AnswersLocked:
    return AnswersLocked(
        gettext("Your answers were submitted on %(date)s at %(time)s and can no longer be changed.")
        % _submitted_when(respondent)
    )


def _submitted_when(respondent: Respondent) -> dict[str, str]:
    """The submit's date and time, as the messages about it name them."""
    moment = timezone.localtime(respondent.submitted_at)
    return {
        "date": formats.date_format(moment, "DATE_FORMAT"),
        "time": formats.time_format(moment, "TIME_FORMAT"),
    }


def _after_save(request, token, progress: Progress, current) -> str:
    previous, following = progress.neighbours(current)
    action = request.POST.get("action", "next")
    if action == "previous" and previous:
        return _page_url(token, previous.dimension.code)
    if action == "save":
        return _page_url(token, current.dimension.code) + "?saved=1"
    if action == "next" and following:
        return _page_url(token, following.dimension.code)
    return _review_url(token)


def parse_answer(raw: str | None, code: str) -> tuple[int | None, bool]:
    """A posted answer ("1".."5", "dk" or empty) as (value, dont_know); AnswerRefused else."""
    raw = (raw or "").strip()
    if raw == "":
        return None, False
    if raw == "dk":
        return None, True
    if raw in {"1", "2", "3", "4", "5"}:
        return int(raw), False
    raise AnswerRefused(
        gettext("Item %(code)s: the answer must be a number from 1 to 5, or “Don’t know”.")
        % {"code": code}
    )


def parse_expectation(raw: str | None, code: str | None) -> tuple[int | None, bool]:
    """A posted prediction of item `code`, or the felt answer (`code` None), ("1".."5", "cs"
    for "can't say", or empty) as (value, cant_say); "dk" is read as "can't say" too (the
    import's spelling)."""
    raw = (raw or "").strip()
    if raw == "":
        return None, False
    if raw in {CANT_SAY, "dk"}:
        return None, True
    if raw in {"1", "2", "3", "4", "5"}:
        return int(raw), False
    if code is None:
        raise AnswerRefused(
            gettext("How aligned you feel: choose a number from 1 to 5, or “Can’t say”.")
        )
    raise AnswerRefused(
        gettext("Item %(code)s, your prediction: choose a number from 1 to 5, or “Can’t say”.")
        % {"code": code}
    )


def _save_page(
    request, respondent: Respondent, questions: list[Question], *, with_felt: bool = False
) -> None:
    """Validate every item field of the posted page, then save them all at once. Items left
    entirely blank are not written, so a stale page cannot erase answers given elsewhere."""
    on_page = {question.code: question for question in questions}
    for key in request.POST:
        fields = (ANSWER_FIELD, COMMENT_FIELD, PREDICTION_FIELD)
        if key.startswith(fields) and key[2:] not in on_page:
            raise AnswerRefused(
                gettext("Item %(code)s is not on this page of your questionnaire.")
                % {"code": key[2:]}
            )
    entries, predictions = [], []
    for code, question in on_page.items():
        value, dont_know = parse_answer(request.POST.get(ANSWER_FIELD + code), code)
        comment = request.POST.get(COMMENT_FIELD + code, "").strip()
        if value is not None or dont_know or comment:
            entries.append(AnswerInput(question, value, dont_know, comment))
        if question.predict:
            expected, cant_say = parse_expectation(request.POST.get(PREDICTION_FIELD + code), code)
            if expected is not None or cant_say:
                predictions.append(PredictionInput(question, expected, cant_say))
    felt = None
    if with_felt:
        felt = parse_expectation(request.POST.get(FELT_FIELD), None)
        felt = felt if felt != (None, False) else None
    page_save(respondent=respondent, entries=entries, predictions=predictions, felt=felt)


@require_POST
def autosave(request: HttpRequest, token: str) -> HttpResponse:
    """Save one answer (posted by static/js/questionnaire.js on every change): JSON out.

    The hot path of the questionnaire (44 times per questionnaire): a well-formed answer
    through a live link is saved by one statement, without loading the respondent
    (answer_save_by_link). Anything else takes the full path below, which saves or refuses
    with the reason; no template is rendered on either."""
    code = request.POST.get("question", "")
    if code.endswith(PREDICTED_SUFFIX) or code == FELT_CODE:
        return _autosave_expectation(request, token, code)
    comment = request.POST.get("comment", "").strip()
    try:
        value, dont_know = parse_answer(request.POST.get("answer"), code)
    except AnswerRefused:
        pass  # the full path reports it, after the link and the item
    else:
        if answer_save_by_link(
            token=token, code=code, value=value, dont_know=dont_know, comment=comment
        ):
            return _saved(code, dont_know or value is not None)
    return _autosave_checked(request, token, code, comment)


def _autosave_checked(request, token: str, code: str, comment: str) -> HttpResponse:
    """The autosave with every check in Python: the link, the item, the answer, the lock."""
    try:
        respondent, question = respondent_and_question_for_token(token, code)
    except LinkError as error:
        return _link_error_json(error)
    speak_respondent_language(respondent)  # its refusals, in the page's language
    if question is None:
        return _json({"error": _not_in_questionnaire(code)}, 400)
    try:
        value, dont_know = parse_answer(request.POST.get("answer"), code)
        answers_save(
            respondent=respondent, entries=[AnswerInput(question, value, dont_know, comment)]
        )
    except AnswersLocked as refused:
        # A tab left open after submitting: the page puts the item back as it is stored.
        stored = saved_answer(respondent, question)
        body = {"answer": stored.posted, "comment": stored.comment}
        return _json({"error": refused.message, "stored": body}, refused.status)
    except RespondentError as refused:
        return _json({"error": refused.message}, refused.status)
    return _saved(code, dont_know or value is not None)


def _autosave_expectation(request, token: str, code: str) -> HttpResponse:
    """The autosave of a prediction ("CODE/predicted") or of the felt question ("felt"). A
    well-formed prediction through a live link is saved by one statement
    (prediction_save_by_link), as an answer is; the felt question (once per questionnaire)
    and anything the quick path does not save take the full path (every check in Python)."""
    item_code = code.removesuffix(PREDICTED_SUFFIX)
    if code != FELT_CODE:
        try:
            value, cant_say = parse_expectation(request.POST.get("answer"), item_code)
        except AnswerRefused:
            pass  # the full path reports it, after the link and the item
        else:
            if prediction_save_by_link(token=token, code=item_code, value=value, cant_say=cant_say):
                return _saved(code, cant_say or value is not None)
    try:
        respondent, question = respondent_and_question_for_token(token, item_code)
    except LinkError as error:
        return _link_error_json(error)
    speak_respondent_language(respondent)  # its refusals, in the page's language
    try:
        if code == FELT_CODE:
            value, cant_say = parse_expectation(request.POST.get("answer"), None)
            felt_save(respondent=respondent, value=value, cant_say=cant_say)
        else:
            question = _predicted_question(respondent, question, item_code)
            value, cant_say = parse_expectation(request.POST.get("answer"), item_code)
            page_save(
                respondent=respondent,
                entries=[],
                predictions=[PredictionInput(question, value, cant_say)],
            )
    except RespondentError as refused:
        return _json({"error": refused.message}, refused.status)
    return _saved(code, cant_say or value is not None)


def _predicted_question(respondent: Respondent, question, code: str) -> Question:
    """The full item (with its `predict` flag) from the questionnaire's cached layout."""
    if question is not None:
        layout = questionnaire_layout(respondent.assessment.questionnaire)
        found = next((q for q in layout.questions if q.pk == question.pk), None)
        if found is not None:
            return found
    raise AnswerRefused(_not_in_questionnaire(code))


def _link_error_json(error: LinkError) -> HttpResponse:
    if error.respondent is not None:
        speak_respondent_language(error.respondent)
    return _json({"error": _link_error_text(error)}, error.status)


def _not_in_questionnaire(code: str) -> str:
    return gettext("Item %(code)s is not part of your questionnaire.") % {"code": code[:20]}


def _saved(code: str, complete: bool) -> HttpResponse:
    return _json({"saved": True, "question": code, "complete": complete})


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@respondent_view
def review(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """Every page with its count, the unanswered items linked, and the submit form."""
    if respondent.submitted_at:
        return redirect("respond:welcome", token=token)
    return _review(request, respondent, token)


def _missing(respondent, token, progress: Progress) -> list[tuple[str, str, str]]:
    """(code, question, link to it) of every question still unanswered, in page order:
    items, then their predictions, then the felt question."""
    if progress.answered >= progress.total:
        return []
    pages = {page.dimension.pk: page.dimension.code for page in progress.pages}
    missing = []
    for item in _items(respondent, progress.all_questions, progress):
        url = _page_url(token, pages[item.question.dimension_id])
        if not item.saved.complete:
            missing.append((item.code, item.text, f"{url}#{item.anchor}"))
        if item.predicts and not item.saved.prediction_complete:
            missing.append((item.code, item.prediction_text, f"{url}#predict-{item.slug}"))
    felt = _felt(respondent, progress)
    if felt is not None and not felt.saved.complete:
        url = _page_url(token, progress.pages[-1].dimension.code)
        missing.append(("", felt.text, f"{url}#{felt.anchor}"))
    return missing


def _review(request, respondent, token, *, error: RespondentError | None = None):
    progress = respondent_progress(respondent)
    ctx = _base_ctx(respondent, token) | {
        "progress": progress,
        "missing": _missing(respondent, token, progress),
        "pages": [(page, _page_url(token, page.dimension.code)) for page in progress.pages],
        "error": error,
        "other_role": respondent.get_other_role_display(),
    }
    status = error.status if error else 200
    return render(request, "assessments/respond/review.html", ctx, status=status)


@require_POST
@respondent_view
def submit(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """Lock the answers after the respondent confirmed. A second submit changes nothing."""
    if respondent.submitted_at:
        return _refusal(request, respondent, token, _already_submitted(respondent))
    if request.POST.get("confirm") != "yes":
        error = RespondentError(
            gettext("Tick the box to confirm that your answers are final, then submit.")
        )
        return _review(request, respondent, token, error=error)
    sends = Sends()
    try:
        respondent_submit(respondent=respondent, request=request, sends=sends)
    except AnswersLocked as refused:
        return _refusal(request, respondent, token, refused)
    except RespondentError as refused:
        return _review(request, respondent, token, error=refused)
    welcome_url = reverse("respond:welcome", kwargs={"token": token})
    # The submit has committed: `sends` knows whether the scoring message left. If it did
    # not, the page must not promise results being prepared (the sweeper scores it later).
    return redirect(welcome_url + (SCORING_LATER if sends.failed else ""))


def _already_submitted(respondent: Respondent) -> AnswersLocked:
    return AnswersLocked(
        gettext("Your answers were already submitted on %(date)s at %(time)s; nothing was changed.")
        % _submitted_when(respondent)
    )


@require_POST
@respondent_view
def language(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """Switch the language the executive reads in (the picker in every page's header), then
    back to the page they were on: answers are saved as they go, so nothing is lost."""
    try:
        respondent_set_language(respondent=respondent, language=request.POST.get("language", ""))
    except RespondentError as refused:
        return _refusal(request, respondent, token, refused)
    return redirect(_back_to(request.POST.get("next", ""), token))


def _back_to(next_url: str, token: str) -> str:
    """`next_url` when it is a page of this same link; the welcome page otherwise."""
    welcome_url = reverse("respond:welcome", kwargs={"token": token})
    if next_url.startswith(welcome_url) and url_has_allowed_host_and_scheme(next_url, None):
        return next_url
    return welcome_url

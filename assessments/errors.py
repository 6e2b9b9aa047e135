"""Typed errors of the respondent journey. Each carries a message fit to show the person
who caused it, and the HTTP status the views answer with."""

from django.utils.translation import ngettext


class RespondentError(Exception):
    """Base class: something a respondent (or a caller on their behalf) may not do."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswerRefused(RespondentError):
    """The answer itself is invalid: out of range, or not an item of this questionnaire."""


class AnswersLocked(RespondentError):
    """The respondent may no longer change answers: submitted, revoked, expired or closed."""

    status = 409


class IncompleteAnswers(RespondentError):
    """Submitting needs every item answered or marked "Don't know"."""

    def __init__(self, missing_codes: list[str]):
        count = len(missing_codes)
        super().__init__(
            ngettext(
                "%(count)d item is still unanswered: answer each or mark it “Don’t know” "
                "before you submit.",
                "%(count)d items are still unanswered: answer each or mark it “Don’t know” "
                "before you submit.",
                count,
            )
            % {"count": count}
        )
        self.missing_codes = missing_codes


class LinkError(Exception):
    """A personal link that does not open a questionnaire."""

    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"

    def __init__(self, reason: str, respondent=None):
        super().__init__(reason)
        self.reason = reason
        # Known for revoked and expired links: the page can say whom to contact.
        self.respondent = respondent

    @property
    def status(self) -> int:
        # 404 for a link we cannot recognise (never say whether it ever existed);
        # 410 Gone for one that worked once and was withdrawn or ran out.
        return 404 if self.reason == self.UNKNOWN else 410

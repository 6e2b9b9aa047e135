"""The report packs and the options of one render.

A render is one pack, in one language, with or without the executives' verbatim comments:

| pack    | what it holds                                                                 | size      |
|---------|-------------------------------------------------------------------------------|-----------|
| `full`  | the whole report (cover, summary, charts, trend, every item, benchmarks,      | ~13 pages |
|         | recommendations, agreed actions, methodology)                                 |           |
| `board` | the board brief: index and band, the three widest gaps in plain words,        | 2 pages   |
|         | perceived alignment, the agreed actions with owners and dates, the trend      | at most   |
| `ceo`,  | an executive's one-pager: their own position against the other's, their       | 1 page    |
| `ciso`  | blind spots, their actions                                                    |           |

Comments are on by default, except in the board brief (a document that travels further). A
render without them says so on its cover.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .models import Report, report_languages

PACKS = tuple(Report.Pack.values)
# The board brief travels beyond the two executives: no verbatim comment unless asked.
COMMENTS_BY_DEFAULT = {"full": True, "board": False, "ceo": True, "ciso": True}
# The templates' body of each pack, under templates/reports/pdf/.
BODY_TEMPLATES = {
    "full": "reports/pdf/pack_full.html",
    "board": "reports/pdf/pack_board.html",
    "ceo": "reports/pdf/pack_executive.html",
    "ciso": "reports/pdf/pack_executive.html",
}


def default_language() -> str:
    """The project's language (LANGUAGE_CODE "en-gb" reads as "en") if reports are offered in
    it, else the first offered."""
    offered = [code for code, _name in report_languages()]
    base = settings.LANGUAGE_CODE.split("-")[0]
    return base if base in offered else offered[0]


def organization_language(organization) -> str:
    """The language an organisation's reports are rendered in unless another is asked for:
    its report language when reports are offered in it, else the project's."""
    offered = [code for code, _name in report_languages()]
    chosen = getattr(organization, "report_language", "")
    return chosen if chosen in offered else default_language()


@dataclass(frozen=True)
class RenderOptions:
    """What the consultant chose for one render."""

    pack: str = "full"
    include_comments: bool = True
    language: str = "en"

    @classmethod
    def build(
        cls,
        pack: str = "full",
        include_comments: bool | None = None,
        language: str | None = None,
        *,
        organization=None,
    ) -> "RenderOptions":
        """Options with the pack's defaults filled in (the language: the organisation's report
        language when one is given); a clear ValidationError for a pack or a language that is
        not offered."""
        if pack not in PACKS:
            raise ValidationError(
                gettext("Unknown pack %(pack)s: choose one of %(packs)s.")
                % {"pack": pack, "packs": ", ".join(PACKS)}
            )
        language = language or (
            organization_language(organization) if organization else default_language()
        )
        offered = [code for code, _name in report_languages()]
        if language not in offered:
            raise ValidationError(
                gettext("Reports are not offered in %(language)s: choose one of %(offered)s.")
                % {"language": language, "offered": ", ".join(offered)}
            )
        if include_comments is None:
            include_comments = COMMENTS_BY_DEFAULT[pack]
        return cls(pack=pack, include_comments=include_comments, language=language)

    @classmethod
    def of(cls, report: Report) -> "RenderOptions":
        return cls(report.pack, report.include_comments, report.language)

    def as_fields(self) -> dict:
        """The Report fields that record these options (and find a report made with them)."""
        return {
            "pack": self.pack,
            "include_comments": self.include_comments,
            "language": self.language,
        }

    @property
    def body_template(self) -> str:
        return BODY_TEMPLATES[self.pack]

"""HTML to PDF: the report's template rendered by WeasyPrint behind the locked-down fetcher.

Two steps, timed apart (the benchmark reports the split): ``build_html`` is the app's own work
(queries, charts, template); ``html_to_pdf`` is WeasyPrint's (parse, style, lay out, write).

The PDF is PDF/UA-1 (tagged, with a title and a language, its table headers scoped by
reports.pdf_tags), with bookmarks from the h1/h2
headings, document metadata from the <head> (title, author, subject, keywords, creation date)
and the fonts subset and embedded.
"""

import base64
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from alignment.models import AlignmentResult
from organizations.branding import current_branding
from organizations.templatetags.branding import css_string

from .content import report_context
from .fetcher import STATIC_ORIGIN, ReportURLFetcher, static_url
from .packs import RenderOptions
from .pdf_tags import scope_table_headers

logger = logging.getLogger(__name__)

TEMPLATE = "reports/pdf/report.html"
PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",
    "pdf_tags": True,  # the variant implies it, but WeasyPrint only applies unset options
    "pdf_version": "1.7",
    "optimize_images": False,
}
# The report's dates: English keeps the long British dates the report always had ("1 December
# 2026", due dates "31 Mar 2027"); every other language takes Django's formats for it
# (de "1. Dezember 2026", fr "1 décembre 2026", es "1 de diciembre de 2026", ja "2026年12月1日";
# due dates in tables de "31.03.2027", ja "2027/03/31").
ENGLISH_DATE_FORMATS = {"long": "j F Y", "short": "j M Y", "datetime": "j F Y, H:i T"}
LOCALE_DATE_FORMATS = {
    "long": "DATE_FORMAT",
    "short": "SHORT_DATE_FORMAT",
    "datetime": "DATETIME_FORMAT",
}


def date_formats(language: str) -> dict[str, str]:
    """The `date` filter's formats for a report in `language`."""
    return ENGLISH_DATE_FORMATS if language == "en" else LOCALE_DATE_FORMATS


# CSS page size and the page's height (the cover fills the page exactly).
PAGE_SIZES = {"A4": ("A4", "297mm"), "Letter": ("letter", "279.4mm")}


@dataclass
class RenderedPdf:
    pdf: bytes
    pages: int
    html_ms: float
    layout_ms: float
    refused: list[str] = field(default_factory=list)

    @property
    def total_ms(self) -> float:
        return self.html_ms + self.layout_ms


_DESC = re.compile(r"<desc\b[^>]*>(.*?)</desc>", re.S)


def _svg_alt(svg: str) -> str:
    """A chart's text alternative: the <desc> the chart module writes for screen readers
    (read with a pattern, not an XML parser: the chart module escapes its text)."""
    match = _DESC.search(svg)
    return unescape(match.group(1)).strip() if match else ""


def _chart(svg: str) -> dict:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"uri": f"data:image/svg+xml;base64,{encoded}", "alt": _svg_alt(svg)}


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _css_content(sentence: str, **tokens: str) -> SafeString:
    """A translated sentence as a CSS `content:` value: its text as escaped CSS strings, each
    %(name)s placeholder replaced by a CSS token (counter(page), or a string already escaped),
    so a translator may move the placeholders and nothing typed can become CSS."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(sentence)):
        if index % 2:
            parts.append(tokens[piece])
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts) or '""')  # nosec B308 B703 - every piece escaped


def _running_css(branding) -> dict:
    """The running footer's words, translated, for the template's <style>."""
    if branding.legal_footer:
        confidential = _css_content(
            gettext("Confidential · %(legal_footer)s"),
            legal_footer=css_string(branding.legal_footer),
        )
    else:
        confidential = _css_content(
            gettext("Confidential · prepared for the CEO, the CISO and the board")
        )
    page_number = _css_content(
        gettext("Page %(page)s of %(pages)s"), page="counter(page)", pages="counter(pages)"
    )
    return {"css_confidential": confidential, "css_page_number": page_number}


def _document_title(pack: str, organization, assessment) -> str:
    names = {"organisation": organization.name, "round": assessment.title}
    if pack == "board":
        return gettext("Generative AI alignment: board brief for %(organisation)s (%(round)s)") % (
            names
        )
    if pack in ("ceo", "ciso"):
        return gettext(
            "Generative AI alignment: the %(role)s's one-pager for %(organisation)s (%(round)s)"
        ) % (names | {"role": pack.upper()})
    return gettext("Generative AI alignment report: %(organisation)s (%(round)s)") % names


def build_html(
    result: AlignmentResult,
    *,
    page_size: str | None = None,
    generated_at: datetime | None = None,
    options: RenderOptions | None = None,
) -> str:
    """The chosen pack's HTML for one stored result (every user-typed text escaped), in the
    options' language."""
    options = options or RenderOptions()
    page_size = page_size or settings.REPORT_PAGE_SIZE
    css_size, page_height = PAGE_SIZES[page_size]
    generated_at = generated_at or timezone.now()
    with translation.override(options.language):
        ctx = report_context(result, generated_at=generated_at, options=options)
        ctx["charts"] = {
            name: _chart(ctx.pop(f"{name}_svg"))
            for name in ("radar", "bars")
            if f"{name}_svg" in ctx
        }
        if ctx["trend"] is not None and options.pack == "full":
            ctx["charts"]["trend"] = _chart(str(ctx["trend"].trend_svg))
        organization, assessment = ctx["organization"], ctx["assessment"]
        ctx |= {
            "body_template": options.body_template,
            "document_title": _document_title(options.pack, organization, assessment),
            "document_subject": gettext(
                "How far apart the CEO and the CISO are on generative AI: alignment index, gaps "
                "by dimension, benchmarks and recommendations"
            ),
            "created_iso": timezone.localtime(generated_at).replace(microsecond=0).isoformat(),
            "palette_url": static_url("css/palette.css"),
            "stylesheet_url": static_url("reports/report.css"),
            "date_formats": date_formats(options.language),
            "page_css_size": css_size,
            "page_height": page_height,
            **_running_css(current_branding()),
        }
        return render_to_string(TEMPLATE, ctx)


# Used only when the normal layout fails: every break is allowed again.
PLAIN_BREAKS_CSS = "* { break-before: auto !important; break-inside: auto !important; }"


def html_to_pdf(html: str) -> tuple[bytes, int, list[str]]:
    """Lay out and write the PDF; returns (pdf bytes, page count, refused URLs).

    WeasyPrint can fail an internal assertion when content that must not be split (a row
    with very long comments, kept with its neighbour) cannot fit on any page. The report is
    then laid out again with every break allowed: a page may end less elegantly, but the
    executives get their report.
    """
    from weasyprint import CSS, HTML  # imported here: WeasyPrint loads Pango

    fetcher = ReportURLFetcher()
    document = HTML(string=html, base_url=f"{STATIC_ORIGIN}/", url_fetcher=fetcher)
    try:
        rendering = document.render(**PDF_OPTIONS)
    except AssertionError:
        logger.warning("report layout failed; laying it out again with every break allowed")
        plain = CSS(string=PLAIN_BREAKS_CSS)
        rendering = document.render(**PDF_OPTIONS, stylesheets=[plain])
    pdf = scope_table_headers(rendering.write_pdf(**PDF_OPTIONS))
    return pdf, len(rendering.pages), fetcher.refused


def render_pdf(
    result: AlignmentResult,
    *,
    page_size: str | None = None,
    generated_at: datetime | None = None,
    options: RenderOptions | None = None,
) -> RenderedPdf:
    """One pack of the report for a result (by default the full report with comments), with
    the time spent in each step."""
    started = time.perf_counter()
    html = build_html(result, page_size=page_size, generated_at=generated_at, options=options)
    built = time.perf_counter()
    pdf, pages, refused = html_to_pdf(html)
    done = time.perf_counter()
    if refused:
        # The templates only reference the app's static files: a refusal is a template bug.
        logger.error("report rendering refused %d URL(s): %s", len(refused), refused[:5])
    return RenderedPdf(
        pdf=pdf,
        pages=pages,
        html_ms=(built - started) * 1000,
        layout_ms=(done - built) * 1000,
        refused=refused,
    )

"""A scored round's results (the export_results document), its PDF reports and the CSV/XLSX
exports: the same read model and the same files as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from alignment.exports import result_document
from alignment.presentation.model import round_view
from alignment.spreadsheets import (
    CSV_CONTENT_TYPE,
    TABLE_SLUGS,
    XLSX_CONTENT_TYPE,
    csv_bytes,
    export_tables,
    table_by_slug,
    xlsx_bytes,
)
from organizations.audit import audit_record
from organizations.models import AuditEvent
from reports.packs import RenderOptions
from reports.selectors import latest_ready_report, recent_reports
from reports.services import NothingToReport, download_filename, report_request

from ..access import api_managed_assessment
from ..serializers import ReportRequestSerializer, ReportSerializer
from .base import ApiView


class FileView(ApiView):
    """A view that answers with a file: any Accept header is served (errors stay JSON)."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def _private_file(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class Results(ApiView):
    """The round's results: exactly the `manage.py export_results` document (overall
    figures, dimensions, items, at full precision). 404 until the round is scored."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        view = round_view(assessment)
        if not view.scored:
            raise Http404(gettext("This assessment is not scored yet."))
        return Response(result_document(view))


class ReportList(ApiView):
    """The round's recent reports, newest first; POST asks for a fresh render (202)."""

    serializer_class = ReportSerializer
    pagination_class = None

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        return Response(self.get_serializer(recent_reports(assessment), many=True).data)

    @extend_schema(
        request=ReportRequestSerializer, responses={202: ReportSerializer, 200: ReportSerializer}
    )
    def post(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        self.organization = assessment.organization
        options = _render_options(request, assessment)
        try:
            report = report_request(
                assessment=assessment, fresh=True, requested_by=request.user, options=options
            )
        except NothingToReport:
            raise Http404(
                gettext("This assessment has no result yet: there is nothing to report.")
            ) from None
        code = status.HTTP_200_OK if report.is_ready else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(report).data, status=code)


def _render_options(request, assessment) -> RenderOptions:
    """The pack, comments and language asked for (each optional), as the report page takes
    them; a pack or a language that is not offered is a 400 that says which are."""
    asked = ReportRequestSerializer(data=request.data)
    asked.is_valid(raise_exception=True)
    try:
        return RenderOptions.build(
            asked.validated_data["pack"],
            asked.validated_data["include_comments"],
            asked.validated_data["language"] or None,
            organization=assessment.organization,
        )
    except DjangoValidationError as refused:
        raise ValidationError({"options": refused.messages}) from None


class ReportDownload(FileView):
    """The newest ready PDF report, streamed; 404 while none is ready."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        report = latest_ready_report(assessment)
        if report is None:
            raise Http404(gettext("No report is ready."))
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404(gettext("The report file is missing.")) from None
        _audit_download(request, AuditEvent.Action.REPORT_DOWNLOADED, assessment, "PDF report")
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=download_filename(report),
            content_type="application/pdf",
        )
        return _private_file(response)


def _audit_download(request, action, assessment, what: str) -> None:
    audit_record(
        action=action,
        request=request._request,
        organization=assessment.organization,
        target=f"{what} of assessment {assessment.code} (API)",
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private_file(response)


def _stem(assessment) -> str:
    stem = f"parley-{assessment.organization.slug}-{slugify(assessment.title)[:40]}"
    return f"{stem}-{timezone.localdate().isoformat()}"


class ExportXlsx(FileView):
    """Every table of the round's export in one workbook (the page's export)."""

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, org_slug, code):
        assessment = api_managed_assessment(request, org_slug, code)
        content = xlsx_bytes(export_tables([assessment]))
        _audit_download(request, AuditEvent.Action.EXPORT_DOWNLOADED, assessment, "xlsx export")
        return _attachment(content, XLSX_CONTENT_TYPE, f"{_stem(assessment)}.xlsx")


class ExportCsv(FileView):
    """One table of the round's export as CSV: answers, dimensions, items, actions…"""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, org_slug, code, table):
        assessment = api_managed_assessment(request, org_slug, code)
        if table not in TABLE_SLUGS:
            raise Http404(
                gettext("No such table; one of %(tables)s.") % {"tables": ", ".join(TABLE_SLUGS)}
            )
        content = csv_bytes(table_by_slug(export_tables([assessment]), table))
        _audit_download(
            request, AuditEvent.Action.EXPORT_DOWNLOADED, assessment, f"csv export ({table})"
        )
        return _attachment(content, CSV_CONTENT_TYPE, f"{_stem(assessment)}-{table}.csv")

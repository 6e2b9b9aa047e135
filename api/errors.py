"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error of the API has `type`, `title`, `status` and `detail` (no `instance`: an answer
never repeats the object codes that were asked for); a validation
error also lists `errors`, each naming its `field` (`non_field_errors` when it concerns the
request as a whole). A service's Django ValidationError becomes a 400 like a serializer's.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://parley.invalid/problems/"  # identifiers, not pages to fetch


def _field_errors(detail, prefix="") -> list[dict]:
    if isinstance(detail, dict):
        rows = []
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            rows += _field_errors(value, name)
        return rows
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": prefix or "non_field_errors", "detail": str(i)} for i in detail]
        rows = []
        for index, item in enumerate(detail):
            rows += _field_errors(item, f"{prefix}[{index}]" if prefix else str(index))
        return rows
    return [{"field": prefix or "non_field_errors", "detail": str(detail)}]


def _as_drf(exc):
    if isinstance(exc, DjangoValidationError):
        return ValidationError(detail=serializers.as_serializer_error(exc))
    return exc


def problem_exception_handler(exc, context):
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and logging
    status = response.status_code
    title = HTTPStatus(status).phrase
    body = {
        "type": PROBLEM_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
    }
    if isinstance(exc, ValidationError):
        body["detail"] = gettext("The request has invalid fields: see `errors`.")
        body["type"] = PROBLEM_BASE + "validation"
        body["errors"] = _field_errors(response.data)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        body["detail"] = str(detail or title)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing: every operation may answer with a problem."""

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                    "required": ["field", "detail"],
                },
            },
        },
        "required": ["type", "title", "status", "detail"],
    }
    problem = {"$ref": "#/components/schemas/Problem"}
    content = {PROBLEM_CONTENT_TYPE: {"schema": problem}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "4XX", {"description": "A problem (RFC 9457).", "content": content}
            )
    return result

"""The outcome of a round's workshop as the report and the exports show it."""

from django.db.models import Q
from django.utils.translation import gettext, pgettext

from alignment.models import ActionItem, ConsensusAnswer
from assessments.models import Assessment


def report_agreements(assessment: Assessment) -> list[dict]:
    """The workshop's outcome as rows of the report's "Agreed actions" table, in
    questionnaire order: for each dimension, its agreed position (the consensus answer, with
    the notes) and then its actions. Each row says its `kind` (position or action) and its
    `owner_role` (ceo, ciso or both), for the packs that show some of them. Two queries; []
    when there was no workshop."""
    positions = (
        ConsensusAnswer.objects.filter(session__assessment=assessment)
        .filter(Q(value__isnull=False) | ~Q(notes=""))
        .select_related("dimension")
    )
    actions = ActionItem.objects.filter(session__assessment=assessment).select_related("dimension")
    rows = []
    for position in positions:
        text = (
            gettext("Agreed position: %(value)s on the 1–5 scale.") % {"value": position.value}
            if position.value is not None
            else gettext("No position agreed.")
        )
        if position.notes:
            text = gettext("%(position)s Notes: %(notes)s") % {
                "position": text,
                "notes": position.notes,
            }
        owner = str(ActionItem.OwnerRole.BOTH.label)
        agreed = pgettext("an agreed position's status", "Agreed")
        rows.append(
            _report_row(position.dimension, 0, position.updated_at, text, owner, None, agreed)
            | {"kind": "position", "owner_role": "both"}
        )
    for action in actions:
        rows.append(
            _report_row(
                action.dimension,
                1,
                action.created_at,
                action.description,
                str(action.get_owner_role_display()),
                action.due_date,
                str(action.get_status_display()),
            )
            | {"kind": "action", "owner_role": action.owner_role}
        )
    rows.sort(key=lambda row: row.pop("_order"))
    return rows


def _report_row(dimension, kind: int, moment, description, owner, due, status) -> dict:
    return {
        "_order": (dimension.order, kind, moment),
        "dimension": f"{dimension.code} {dimension.name}",
        "description": description,
        "owner": owner,
        "due": due,
        "status": status,
    }

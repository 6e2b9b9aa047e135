"""Files in the default storage that no report refers to (orphans), and their removal.

A report's file goes with its round (assessments.lifecycle removes the round's folder when it
is purged, or its reports when an executive is erased), so orphans come only from outside
events: a worker killed between writing and publishing, a restore of the database older than
the files, a file copied in by hand. `manage.py check_files` lists them and, with --delete,
removes them. A temporary file younger than a rendering claim may belong to a render still
running: it is left alone.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.lifecycle import storage_files

from .models import Report
from .services import stale_claim_age

REPORTS_FOLDER = "reports"


@dataclass(frozen=True)
class Orphan:
    name: str
    modified: datetime | None


def _modified(name: str) -> datetime | None:
    try:
        return default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


def _maybe_in_flight(name: str, modified: datetime | None, now: datetime) -> bool:
    temporary = name.rsplit("/", 1)[-1].startswith(".tmp-")
    return temporary and (modified is None or modified > now - stale_claim_age())


def orphan_files(*, now=None) -> list[Orphan]:
    """Files under reports/ that no report row names, oldest first."""
    now = now or timezone.now()
    referenced = set(Report.objects.exclude(file="").values_list("file", flat=True))
    orphans = []
    for name in storage_files(REPORTS_FOLDER):
        if name in referenced:
            continue
        modified = _modified(name)
        if not _maybe_in_flight(name, modified, now):
            orphans.append(Orphan(name, modified))
    return sorted(orphans, key=lambda o: (o.modified or now, o.name))


def orphans_remove(orphans: list[Orphan]) -> int:
    for orphan in orphans:
        default_storage.delete(orphan.name)
    return len(orphans)

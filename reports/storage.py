"""Files leaving the default storage: streamed through Parley's views (the default), or,
with an object store and STORAGE_DOWNLOAD=redirect, a redirect to a signed URL that expires
after STORAGE_S3_URL_SECONDS. Either way the view has checked access and written the audit
record first; the bucket itself is never public."""

from django.conf import settings
from django.core.files.storage import default_storage


def is_local_storage() -> bool:
    try:
        default_storage.path("probe")
    except NotImplementedError:
        return False
    return True


def signed_download_url(name: str, filename: str) -> str | None:
    """A short-lived signed URL that downloads `name` as `filename`, or None when downloads
    stream (local files, or STORAGE_DOWNLOAD=stream)."""
    if settings.STORAGE_DOWNLOAD != "redirect" or is_local_storage():
        return None
    disposition = f'attachment; filename="{filename}"'
    return default_storage.url(
        name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": "application/pdf",
            "ResponseCacheControl": "private, no-store",
        },
    )

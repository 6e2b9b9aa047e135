"""The default storage's configuration from the environment: an S3-compatible object store
when STORAGE_S3_BUCKET is set (see docs/data-lifecycle.md, "Shared storage").

The bucket stays private: no ACL is set on objects, every URL handed out is signed and
short-lived, and Parley never builds a public URL.
"""

from config.env import env_int, env_str


def s3_storage() -> dict | None:
    """The STORAGES["default"] entry for django-storages' S3 backend, or None (local files)."""
    bucket = env_str("STORAGE_S3_BUCKET", "")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("STORAGE_S3_REGION", "") or None,
        "access_key": env_str("STORAGE_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("STORAGE_S3_SECRET_ACCESS_KEY", "") or None,
        "location": env_str("STORAGE_S3_PREFIX", ""),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("STORAGE_S3_URL_SECONDS", 60, minimum=1),
        "file_overwrite": True,
        "signature_version": "s3v4",
        "addressing_style": env_str("STORAGE_S3_ADDRESSING_STYLE", "path") or None,
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        # Unset options fall back to boto3's own defaults (credentials chain, region); the
        # ACL stays None on purpose: objects inherit the private bucket's policy.
        "OPTIONS": {
            key: value
            for key, value in options.items()
            if value is not None or key == "default_acl"
        },
    }

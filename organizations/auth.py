"""Sign-in policy hooks that settings name by path (django-axes)."""

from django.conf import settings

from .models import fold_email


def lockout_username(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the address tried, folded as sign-in folds it, so every
    spelling of one account (`Exec@a.test`, `eXec@a.test`) counts towards one lockout."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field) or credentials.get("email") or credentials.get("login")
    else:
        data = getattr(request, "POST", {}) if request is not None else {}
        raw = data.get(field) or data.get("login")
    return fold_email(raw)

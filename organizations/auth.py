"""Sign-in policy hooks that settings name by path (django-axes)."""

from django.conf import settings

from .models import fold_email


def lockout_username(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the address tried, folded as sign-in folds it, so every
    spelling of one account (`Exec@a.test`, `eXec@a.test`) counts towards one lockout."""
    # allauth's form posts `login` and authenticates with `email`; the Django admin's
    # sign-in posts and authenticates with `username`.
    names = (settings.AXES_USERNAME_FORM_FIELD, "email", "username")
    source = credentials or (getattr(request, "POST", None) if request is not None else None)
    source = source or {}
    return fold_email(next((source[name] for name in names if source.get(name)), ""))

"""The language picker in the header of every page a personal link shows.

Built in Python rather than by an included template: it is on every respondent page, and the
include with its loop over the languages cost the template engine more than the rest of the
header. The options depend only on the site's languages and the current one, so they are
built once per process for each pair. Every value interpolated is escaped.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

register = template.Library()

_FORM = """\
<form method="post" action="{action}" class="respond-language">
  <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
  <input type="hidden" name="next" value="{next}">
  <label for="respond-language" class="visually-hidden">{label}</label>
  <select id="respond-language" name="language" class="form-select">
    {options}
  </select>
  <button type="submit" class="btn btn-light">{button}</button>
</form>
"""
_OPTION = '<option value="{code}" lang="{code}"{selected}>{name}</option>'


@lru_cache(maxsize=64)
def _options(languages: tuple, current: str) -> str:
    """The <option>s of the site's languages (each named in its own language, as
    settings.LANGUAGES has them), the current one selected."""
    return "".join(
        _OPTION.format(
            code=escape(code),
            name=escape(name),
            selected=" selected" if code == current else "",
        )
        for code, name in languages
    )


@register.simple_tag(takes_context=True)
def respond_language_picker(context) -> str:
    """The picker's form, posting to respond:language for the page's link (nothing without
    one, as on a link's error page)."""
    token = context.get("token")
    if not token:
        return ""
    request = context["request"]
    markup = _FORM.format(
        action=escape(reverse("respond:language", kwargs={"token": token})),
        csrf=escape(get_token(request)),
        next=escape(request.get_full_path()),
        label=escape(gettext("Language")),
        options=_options(tuple(settings.LANGUAGES), get_language()),
        button=escape(gettext("Change language")),
    )
    # Safe: every value interpolated above is escaped; the rest is fixed markup.
    return SafeString(markup)  # nosec B703

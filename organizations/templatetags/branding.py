"""Branding for templates rendered without a request (the emails, the PDF):
`{% load branding %}{% current_branding as branding %}`."""

from django import template
from django.utils.safestring import mark_safe

from organizations.branding import current_branding as _current_branding

register = template.Library()


@register.simple_tag
def current_branding():
    return _current_branding()


@register.filter
def css_string(value) -> str:
    """A quoted CSS string for `content:` in a <style> element. Every character that could
    end the string, the declaration or the element is written as a CSS escape, so typed text
    can never become CSS or HTML."""
    out = []
    for char in str(value):
        if char.isalnum() or char in " .,·-–—:;/()@+&'’":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return mark_safe('"' + "".join(out) + '"')  # noqa: S308  # nosec B308 B703 - all escaped

"""The site admin's branding form: every value checked before anything is stored."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .branding import PARLEY_ACCENT, PARLEY_PRIMARY, BrandingView
from .contrast import AA_NORMAL_TEXT, HEX_COLOUR, WHITE, contrast_ratio
from .logo import MAX_LOGO_BYTES, LogoRefused, logo_check


def _colour_help() -> str:
    return gettext(
        "A hex colour such as #12324f. White text goes on it and it is used as text on white, "
        "so it needs a contrast of at least %(ratio)s:1 with white (WCAG AA)."
    ) % {"ratio": AA_NORMAL_TEXT}


def _logo_help() -> str:
    return gettext(
        "PNG or SVG, at most %(limit)d KB. An SVG may not contain scripts, event handlers or "
        "references to other files. Leave empty to keep the current logo."
    ) % {"limit": MAX_LOGO_BYTES // 1024}


# Built when shown (the fields are made at import, before any language is active).
COLOUR_HELP = lazy(_colour_help, str)()


class ColourField(forms.CharField):
    """A #rrggbb colour that white text can sit on, and that can be text on white."""

    def __init__(self, **kwargs):
        super().__init__(max_length=7, help_text=COLOUR_HELP, **kwargs)
        self.widget = forms.TextInput(attrs={"type": "color", "class": "form-control-color"})

    def clean(self, value):
        value = super().clean(value).strip().lower()
        if not HEX_COLOUR.match(value):
            raise forms.ValidationError(
                gettext("Enter a colour as # and six hex digits, e.g. #12324f.")
            )
        ratio = contrast_ratio(value, WHITE)
        if ratio < AA_NORMAL_TEXT:
            raise forms.ValidationError(
                gettext(
                    "%(colour)s has a contrast of %(ratio).2f:1 with white; WCAG AA needs at "
                    "least %(needed)s:1. Choose a darker colour."
                )
                % {"colour": value, "ratio": ratio, "needed": AA_NORMAL_TEXT}
            )
        return value


class BrandingForm(forms.Form):
    name = forms.CharField(label=_("Practice name"), max_length=80)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=lazy(_logo_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    primary_colour = ColourField(label=_("Primary colour (bands and headings)"))
    accent_colour = ColourField(label=_("Accent colour (buttons and rules)"))
    contact_line = forms.CharField(
        label=_("Contact line"),
        max_length=200,
        required=False,
        help_text=_(
            "Shown in the emails and the PDF, e.g. “Northwind Advisory · "
            "hello@northwind.example · +44 20 7946 0000”."
        ),
    )
    legal_footer = forms.CharField(
        label=_("Legal footer"),
        max_length=200,
        required=False,
        help_text=_("Shown at the foot of every page, email and PDF page."),
    )

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:  # refused before the file is read into memory
            raise forms.ValidationError(
                gettext("The logo is %(size)d KB; the limit is %(limit)d KB.")
                % {"size": upload.size // 1024, "limit": MAX_LOGO_BYTES // 1024}
            )
        try:
            return logo_check(upload.read())
        except LogoRefused as exc:
            raise forms.ValidationError(str(exc)) from None

    @classmethod
    def initial_from(cls, branding: BrandingView) -> dict:
        return {
            "name": branding.name,
            "primary_colour": branding.primary_colour or PARLEY_PRIMARY,
            "accent_colour": branding.accent_colour or PARLEY_ACCENT,
            "contact_line": branding.contact_line,
            "legal_footer": branding.legal_footer,
        }

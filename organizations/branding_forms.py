"""The site admin's branding form: every value checked before anything is stored."""

from django import forms

from .branding import PARLEY_ACCENT, PARLEY_PRIMARY, BrandingView
from .contrast import AA_NORMAL_TEXT, HEX_COLOUR, WHITE, contrast_ratio
from .logo import MAX_LOGO_BYTES, LogoRefused, logo_check

COLOUR_HELP = (
    "A hex colour such as #12324f. White text goes on it and it is used as text on white, "
    f"so it needs a contrast of at least {AA_NORMAL_TEXT}:1 with white (WCAG AA)."
)


class ColourField(forms.CharField):
    """A #rrggbb colour that white text can sit on, and that can be text on white."""

    def __init__(self, **kwargs):
        super().__init__(max_length=7, help_text=COLOUR_HELP, **kwargs)
        self.widget = forms.TextInput(attrs={"type": "color", "class": "form-control-color"})

    def clean(self, value):
        value = super().clean(value).strip().lower()
        if not HEX_COLOUR.match(value):
            raise forms.ValidationError("Enter a colour as # and six hex digits, e.g. #12324f.")
        ratio = contrast_ratio(value, WHITE)
        if ratio < AA_NORMAL_TEXT:
            raise forms.ValidationError(
                f"{value} has a contrast of {ratio:.2f}:1 with white; WCAG AA needs at least "
                f"{AA_NORMAL_TEXT}:1. Choose a darker colour."
            )
        return value


class BrandingForm(forms.Form):
    name = forms.CharField(label="Practice name", max_length=80)
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text=(
            f"PNG or SVG, at most {MAX_LOGO_BYTES // 1024} KB. An SVG may not contain scripts, "
            "event handlers or references to other files. Leave empty to keep the current logo."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    primary_colour = ColourField(label="Primary colour (bands and headings)")
    accent_colour = ColourField(label="Accent colour (buttons and rules)")
    contact_line = forms.CharField(
        label="Contact line",
        max_length=200,
        required=False,
        help_text="Shown in the emails and the PDF, e.g. “Northwind Advisory · hello@northwind.example · +44 20 7946 0000”.",
    )
    legal_footer = forms.CharField(
        label="Legal footer",
        max_length=200,
        required=False,
        help_text="Shown at the foot of every page, email and PDF page.",
    )

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:  # refused before the file is read into memory
            raise forms.ValidationError(
                f"The logo is {upload.size // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB."
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

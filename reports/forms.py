"""The consultant's choice of what to render: the pack, the language, the comments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report, report_languages
from .packs import RenderOptions, default_language, organization_language

COMMENTS_CHOICES = [
    ("default", _("As the pack has them (included, except in the board brief)")),
    ("include", _("Include the executives' verbatim comments")),
    ("leave_out", _("Leave the verbatim comments out (the cover says so)")),
]
COMMENTS_VALUES = {"default": None, "include": True, "leave_out": False}


class RenderForm(forms.Form):
    """Every field is optional: a bare POST (the "render a fresh copy" of older pages) asks
    for the full report with its defaults."""

    pack = forms.ChoiceField(
        label=_("Pack"),
        choices=Report.Pack.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=report_languages, required=False)
    comments = forms.ChoiceField(
        label=_("Verbatim comments"),
        choices=COMMENTS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organization=None, **kwargs):
        # The organisation's report language is the default choice, and what a POST without a
        # language (the "render a fresh copy" button) gets.
        self.organization = organization
        language = organization_language(organization) if organization else default_language()
        kwargs.setdefault("initial", {"pack": "full", "language": language, "comments": "default"})
        super().__init__(*args, **kwargs)

    def options(self) -> RenderOptions:
        """The options chosen (call after is_valid())."""
        data = self.cleaned_data
        return RenderOptions.build(
            data.get("pack") or "full",
            COMMENTS_VALUES[data.get("comments") or "default"],
            data.get("language") or None,
            organization=self.organization,
        )

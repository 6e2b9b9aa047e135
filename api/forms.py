from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import WebhookEndpoint
from .tokens import MAX_EXPIRY_DAYS

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("", _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “CRM sync”.")
    )
    organization = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Organisation"),
        empty_label=_("All my organisations"),
        to_field_name="slug",
        help_text=_("Narrow the token to one organisation."),
    )
    read_only = forms.BooleanField(
        required=False, label=_("Read only"), help_text=_("The token can read but change nothing.")
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def expires_in_days(self) -> int | None:
        value = self.cleaned_data.get("expires")
        return min(int(value), MAX_EXPIRY_DAYS) if value else None


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where Parley posts the messages (https://…)."),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices,
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What to be told about."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

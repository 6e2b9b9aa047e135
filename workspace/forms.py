from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alignment.models import ActionItem
from assessments.due_dates import clean_due_date_field
from config.text import RefuseControlCharactersMixin

from .services import DESCRIPTION_MAX_LENGTH, NOTES_MAX_LENGTH

POSITION_CHOICES = [("", _("No position yet"))] + [(str(v), str(v)) for v in range(1, 6)]


class ConsensusForm(RefuseControlCharactersMixin, forms.Form):
    """The agreed position and the notes of one dimension. A field absent from the POST is
    left unchanged (the presenter view posts the position and the notes separately)."""

    value = forms.TypedChoiceField(
        choices=POSITION_CHOICES, coerce=int, empty_value=None, required=False
    )
    notes = forms.CharField(max_length=NOTES_MAX_LENGTH, required=False, strip=True)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("value", "notes") if name in self.data}


class ActionForm(RefuseControlCharactersMixin, forms.Form):
    description = forms.CharField(
        label=_("Action"), max_length=DESCRIPTION_MAX_LENGTH, widget=forms.TextInput
    )
    owner_role = forms.ChoiceField(label=_("Owner"), choices=ActionItem.OwnerRole.choices)
    due_date = forms.DateField(
        label=pgettext_lazy("due date", "Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_due_date(self):
        return clean_due_date_field(self.cleaned_data["due_date"])


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class NextRoundForm(RefuseControlCharactersMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("The executives see it."))
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Reminders go out a few days before and after it."),
    )
    send_invitations = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Email both executives their new link now"),
        help_text=_("Without it, the round stays a draft until you send the invitations."),
    )

    @staticmethod
    def default_due():
        return timezone.localdate() + timedelta(days=21)

    def clean_due_date(self):
        return clean_due_date_field(self.cleaned_data["due_date"])


class GapFilterForm(forms.Form):
    severity = forms.MultipleChoiceField(
        required=False,
        choices=[
            ("critical", _("Critical")),
            ("material", _("Material")),
            ("minor", _("Minor")),
            ("aligned", _("Aligned")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    knowledge_gaps = forms.BooleanField(required=False, label=_("Knowledge gaps"))

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.text import RefuseControlCharactersMixin

from .due_dates import clean_due_date_field
from .models import Questionnaire


def language_field(**kwargs) -> forms.ChoiceField:
    """An executive's language: their questionnaire's and their emails'. Blank: the emails
    go out in the organisation's report language and the executive picks on the welcome
    page (offered from their browser's languages)."""
    return forms.ChoiceField(
        choices=[("", _("Not set: they choose")), *settings.LANGUAGES],
        required=False,
        help_text=_("Their invitation and reminders are written in it; they may switch."),
        **kwargs,
    )


class PublishedQuestionnaireField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Questionnaire) -> str:
        return f"{obj.title} (version {obj.version})"


def published_questionnaires():
    return Questionnaire.objects.filter(published_at__isnull=False).order_by(
        "-published_at", "slug", "-version"
    )


class AssessmentCreateForm(RefuseControlCharactersMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example \u201cGenAI alignment, spring 2026\u201d. The executives see it.",
    )
    questionnaire = PublishedQuestionnaireField(
        queryset=Questionnaire.objects.none(),
        empty_label=None,
        help_text="The latest published version is selected.",
    )
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Reminders go out a few days before and after it. Links stay valid until "
        "at least this date.",
    )
    ceo_name = forms.CharField(label="CEO\u2019s name", max_length=150, required=False)
    ceo_email = forms.EmailField(label="CEO\u2019s email")
    ceo_language = language_field(label=_("CEO’s language"))
    ciso_name = forms.CharField(label="CISO\u2019s name", max_length=150, required=False)
    ciso_email = forms.EmailField(label="CISO\u2019s email")
    ciso_language = language_field(label=_("CISO’s language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = published_questionnaires()
        self.fields["questionnaire"].queryset = queryset
        self.fields["questionnaire"].initial = queryset.first()

    def clean_due_date(self):
        return clean_due_date_field(self.cleaned_data["due_date"])

    def clean(self):
        data = super().clean()
        ceo, ciso = data.get("ceo_email"), data.get("ciso_email")
        if ceo and ciso and ceo.lower() == ciso.lower():
            self.add_error("ciso_email", "The CEO and the CISO need different email addresses.")
        return data


class RespondentForm(RefuseControlCharactersMixin, forms.Form):
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        help_text="Changing the address withdraws the links sent to the old one and, in an "
        "open round, emails a new link to this one. Saved answers are kept."
    )
    language = language_field(label=_("Language"))


class RevokeForm(forms.Form):
    send_new = forms.BooleanField(
        required=False,
        initial=True,
        label="Email a new link now",
        help_text="Without it, the executive has no working link until you resend one.",
    )

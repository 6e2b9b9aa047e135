from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.text import RefuseControlCharactersMixin

from .bank_xlsx import MAX_BYTES as BANK_MAX_BYTES
from .due_dates import clean_due_date_field
from .models import Questionnaire
from .question_bank import SHIPPED_SLUG


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
        return gettext("%(title)s (%(slug)s, version %(version)s)") % {
            "title": obj.title,
            "slug": obj.slug,
            "version": obj.version,
        }


def published_questionnaires():
    return Questionnaire.objects.filter(published_at__isnull=False).order_by(
        "-published_at", "slug", "-version"
    )


def default_questionnaire() -> Questionnaire | None:
    """What a new round is on unless someone chooses: the latest published version of the
    shipped bank (an imported bank is there to be chosen, never a surprise default), or,
    when that is not loaded, the latest published questionnaire."""
    published = published_questionnaires()
    shipped = published.filter(slug=SHIPPED_SLUG).order_by("-version").first()
    return shipped or published.first()


class AssessmentCreateForm(RefuseControlCharactersMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “GenAI alignment, spring 2026”. The executives see it."),
    )
    questionnaire = PublishedQuestionnaireField(
        queryset=Questionnaire.objects.none(),
        empty_label=None,
        label=_("Question bank"),
        help_text=_(
            "The latest version of Parley's own bank is selected; banks imported by a bank "
            "editor are listed too."
        ),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Reminders go out a few days before and after it. Links stay valid until "
            "at least this date."
        ),
    )
    ceo_name = forms.CharField(label=_("CEO’s name"), max_length=150, required=False)
    ceo_email = forms.EmailField(label=_("CEO’s email"))
    ceo_language = language_field(label=_("CEO’s language"))
    ciso_name = forms.CharField(label=_("CISO’s name"), max_length=150, required=False)
    ciso_email = forms.EmailField(label=_("CISO’s email"))
    ciso_language = language_field(label=_("CISO’s language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = published_questionnaires()
        self.fields["questionnaire"].queryset = queryset
        self.fields["questionnaire"].initial = default_questionnaire()

    def clean_due_date(self):
        return clean_due_date_field(self.cleaned_data["due_date"])

    def clean(self):
        data = super().clean()
        ceo, ciso = data.get("ceo_email"), data.get("ciso_email")
        if ceo and ciso and ceo.lower() == ciso.lower():
            self.add_error(
                "ciso_email", gettext("The CEO and the CISO need different email addresses.")
            )
        return data


class RespondentForm(RefuseControlCharactersMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "Changing the address withdraws the links sent to the old one and, in an "
            "open round, emails a new link to this one. Saved answers are kept."
        ),
    )
    language = language_field(label=_("Language"))


class RevokeForm(forms.Form):
    send_new = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Email a new link now"),
        help_text=_("Without it, the executive has no working link until you resend one."),
    )


class BankImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_(
            "An XLSX spreadsheet in Parley's bank layout (export a bank to start from one) "
            "or a JSON bank file; at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("Choose an .xlsx or a .json file."))
        if upload.size > BANK_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": BANK_MAX_BYTES // 2**20}
            )
        return upload

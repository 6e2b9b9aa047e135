from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.text import RefuseControlCharactersMixin

from .models import Membership, Organization, User

RESERVED_SLUGS = {"new", "portfolio", "admin"}
# The model's fields have English verbose names (a migration each to change): the forms label
# them in the reader's language.
ORGANIZATION_LABELS = {
    "name": _("Name"),
    "slug": _("Slug"),
    "sector": _("Sector"),
    "size_band": _("Size band"),
    "region": _("Region"),
}


class OrganizationForm(RefuseControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "sector", "size_band", "region", "report_language"]
        labels = ORGANIZATION_LABELS
        help_texts = {"slug": _("Used in addresses: lower-case letters, digits and hyphens.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # English unless chosen; it can be changed later on the organisation's settings.
        self.fields["report_language"].required = False

    def clean_report_language(self):
        return self.cleaned_data["report_language"] or "en"

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; choose another."))
        return slug


class ColleagueInviteForm(RefuseControlCharactersMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    full_name = forms.CharField(label=_("Their name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Membership.Role.CONSULTANT, _("Consultant")),
            (Membership.Role.ADMIN, _("Organisation admin")),
        ],
        initial=Membership.Role.CONSULTANT,
    )

    def __init__(self, *args, can_invite_admins: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_invite_admins:
            self.fields["role"].choices = [(Membership.Role.CONSULTANT, _("Consultant"))]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SignInForm(LoginForm):
    """allauth's sign-in form, with the words and autocomplete hints of Parley's pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email address")
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "email", "autofocus": True, "placeholder": ""}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "placeholder": ""}
        )


class OrganizationSettingsForm(RefuseControlCharactersMixin, forms.ModelForm):
    """An organisation's details after creation; its address (slug) stays as it is."""

    class Meta:
        model = Organization
        fields = ["name", "sector", "size_band", "region", "report_language"]
        labels = ORGANIZATION_LABELS
        help_texts = {
            "report_language": _(
                "The language of the PDF report unless another is asked for. Each executive's "
                "questionnaire and emails follow their own language."
            )
        }


class LanguagePreferenceForm(forms.ModelForm):
    """A user's interface language; blank follows the browser."""

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Interface language")}
        help_texts = {"language": _("Leave blank to follow your browser's language.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Follow my browser")), *settings.LANGUAGES]

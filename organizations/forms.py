from django import forms
from django.contrib.auth.forms import AuthenticationForm

from config.text import RefuseControlCharactersMixin

from .models import Membership, Organization


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by email; the field keeps the name `username` that Django and axes expect."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


RESERVED_SLUGS = {"new", "portfolio", "admin"}


class OrganizationForm(RefuseControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "sector", "size_band", "region"]
        help_texts = {"slug": "Used in addresses: lower-case letters, digits and hyphens."}

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("This address is reserved; choose another.")
        return slug


class ColleagueInviteForm(RefuseControlCharactersMixin, forms.Form):
    email = forms.EmailField(label="Colleague's email address")
    full_name = forms.CharField(label="Their name", max_length=150, required=False)
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.CONSULTANT, "Consultant"),
            (Membership.Role.ADMIN, "Organisation admin"),
        ],
        initial=Membership.Role.CONSULTANT,
    )

    def __init__(self, *args, can_invite_admins: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_invite_admins:
            self.fields["role"].choices = [(Membership.Role.CONSULTANT, "Consultant")]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

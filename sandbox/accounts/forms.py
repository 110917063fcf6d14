"""Forms of the account pages: they check input and say what is wrong; services do the work."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from sandbox.accounts.models import Invitation

MAX_INVITES = 200


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One address, or a pasted list (commas, spaces or one a line).",
    )
    role = forms.ChoiceField(choices=Invitation.ROLE_CHOICES, initial=Invitation.TEAMMATE)

    def clean_emails(self) -> list[str]:
        found = [e for e in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if e]
        if len(found) > MAX_INVITES:
            raise ValidationError(f"At most {MAX_INVITES} addresses at once.")
        wrong = []
        for email in found:
            try:
                validate_email(email)
            except ValidationError:
                wrong.append(email)
        if wrong:
            raise ValidationError("Not e-mail addresses: " + ", ".join(wrong[:10]))
        return list(dict.fromkeys(e.lower() for e in found))


class AcceptForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What you will sign in with.")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean_username(self) -> str:
        username = get_user_model().normalize_username(self.cleaned_data["username"].strip())
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken. Choose another.")
        return username

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            user = get_user_model()(username=data.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

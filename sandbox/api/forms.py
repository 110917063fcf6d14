"""The form that makes an API token: a name, an expiry, and what it may do."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from sandbox.api.models import NAME_MAX_LENGTH, ApiToken

EXPIRY_CHOICES = [
    ("7", "in 7 days"),
    ("30", "in 30 days"),
    ("90", "in 90 days"),
    ("365", "in a year"),
    ("never", "never"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="Say where it is used, e.g. “GitHub Actions: checkout-agent”.",
        error_messages={"required": "Name the token after the job or script that will use it."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires = forms.ChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        initial="90",
        help_text="A token that expires stops working by itself; make a new one then.",
    )
    access = forms.ChoiceField(
        label="May",
        choices=ApiToken.ACCESS_CHOICES,
        initial=ApiToken.WRITE,
        widget=forms.RadioSelect,
        help_text="A read-only token can read sessions and wait for them, not make them.",
    )

    def expires_in(self) -> timedelta | None:
        days = self.cleaned_data["expires"]
        return None if days == "never" else timedelta(days=int(days))

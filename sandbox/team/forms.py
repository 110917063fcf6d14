"""Forms of the team pages: they check input and say what is wrong; services do the work."""

from __future__ import annotations

from django import forms

from sandbox.phones import format_phone
from sandbox.team.models import Tester
from sandbox.team.roster import MAX_BYTES


def pasted_list(label: str, *, rows: int, help_text: str) -> forms.CharField:
    """A box to paste testers into, one a line (roster.py reads it), as an optional field."""
    return forms.CharField(
        required=False,
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class RosterImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="CSV file",
        help_text="name, phone, email per line; commas or semicolons; a header row is fine.",
    )
    pasted = pasted_list(
        "Or paste a list",
        rows=6,
        help_text="One tester a line: name, phone, email (e-mail optional).",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"That file is {upload.size // 1024} KB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it and import the parts."
            )
        if upload is None and not (data.get("pasted") or "").strip():
            raise forms.ValidationError("Choose a CSV file or paste a list.")
        return data


class TesterForm(forms.ModelForm):
    class Meta:
        model = Tester
        fields = ["name", "phone_number", "email", "account"]
        labels = {"phone_number": "Phone number", "account": "Dashboard account"}
        help_texts = {
            # Plain words, not the model's "E.164": any common format is read.
            "phone_number": "With its country code, in any common format: +1 415 555 2671.",
            "account": "Optional: the tester then sees their own row in the team page.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].empty_label = "No account"
        if self.instance.phone_number and not self.is_bound:
            # Shown as everywhere on the pages (+1 415-555-2671); saved as E.164 again.
            self.initial["phone_number"] = format_phone(self.instance.phone_number)

    def clean_name(self):
        from sandbox.team.roster import control_character

        bad = control_character(self.cleaned_data["name"])
        if bad:
            raise forms.ValidationError(f"The name holds a control character ({bad}).")
        return self.cleaned_data["name"]

    def clean_phone_number(self):
        from django.conf import settings

        from sandbox.phones import InvalidPhoneNumber, normalize_phone

        try:
            return normalize_phone(self.cleaned_data["phone_number"], settings.PHONE_DEFAULT_REGION)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(exc.message) from None


class OnboardForm(forms.Form):
    testers = forms.ModelMultipleChoiceField(
        queryset=Tester.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Testers",
    )
    pasted = pasted_list(
        "Or paste phones",
        rows=4,
        help_text="name, phone, email per line, or just a phone: they join the roster.",
    )
    agents = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label="Agents"
    )

    def __init__(self, *args, testers, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["testers"].queryset = testers
        self.fields["agents"].choices = [(a.kapso_id, a.name) for a in agents]

    def clean(self):
        data = super().clean()
        if not data.get("testers") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError("Pick at least one tester or paste phones.")
        return data


class RenewExpiringForm(forms.Form):
    hours = forms.IntegerField(
        min_value=1, max_value=48, initial=4, label="Renew everything that expires in the next"
    )


class AutoRenewForm(forms.Form):
    agents = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label="Auto-renew with"
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agents"].choices = [(a.kapso_id, a.name) for a in agents]


class PhoneLookupForm(forms.Form):
    """One phone number, for the download of what the dashboard holds about it."""

    phone_number = forms.CharField(label="Phone number", max_length=64)

    def clean_phone_number(self):
        from django.conf import settings

        from sandbox.phones import InvalidPhoneNumber, normalize_phone

        try:
            return normalize_phone(self.cleaned_data["phone_number"], settings.PHONE_DEFAULT_REGION)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(exc.message) from exc

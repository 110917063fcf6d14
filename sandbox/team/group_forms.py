"""Forms of the group pages and the public join page: they check input and say what is
wrong; groups.py and joining.py do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings

from sandbox.phones import InvalidPhoneNumber, calling_code, normalize_phone
from sandbox.team.forms import pasted_list
from sandbox.team.groups import parse_calling_codes
from sandbox.team.models import Tester, TesterGroup


def _agent_choices(agents) -> list[tuple[str, str]]:
    return [(agent.kapso_id, agent.name) for agent in agents]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=120, label="Group name")
    agents = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label="Agents the group may try"
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agents"].choices = _agent_choices(agents)


class GroupAddForm(forms.Form):
    testers = forms.ModelMultipleChoiceField(
        queryset=Tester.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="From the roster",
    )
    pasted = pasted_list(
        "Or paste testers",
        rows=3,
        help_text="name, phone, email per line, or just a phone: they join the roster too.",
    )

    def __init__(self, *args, testers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["testers"].queryset = testers

    def clean(self):
        data = super().clean()
        if not data.get("testers") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError("Tick at least one tester or paste some.")
        return data


class JoinLinkForm(forms.ModelForm):
    class Meta:
        model = TesterGroup
        fields = ["join_enabled", "join_cap", "join_ends_at", "join_calling_codes"]
        labels = {
            "join_enabled": "Join link on",
            "join_cap": "Most testers the link may admit",
            "join_ends_at": "Ends at (optional)",
            "join_calling_codes": "Allowed country calling codes (optional)",
        }
        help_texts = {
            "join_ends_at": "After this moment the link admits nobody.",
            "join_calling_codes": "e.g. 44 353: only phones starting +44 or +353. Empty: any.",
        }
        widgets = {"join_ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def save(self, commit: bool = True) -> TesterGroup:
        """Write only the link's settings: joined_count and join_secret, as loaded, would
        undo joins and a rotation that landed since (cap overshoot, old link back)."""
        group = super().save(commit=False)
        if commit:
            group.save(update_fields=self._meta.fields)
        return group

    def clean_join_calling_codes(self):
        text = self.cleaned_data["join_calling_codes"]
        try:
            codes = parse_calling_codes(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return " ".join(str(code) for code in codes)

    def clean_join_cap(self):
        cap = self.cleaned_data["join_cap"]
        if cap < 1:
            raise forms.ValidationError("Admit at least one tester, or switch the link off.")
        return cap


class JoinForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    phone = forms.CharField(
        max_length=64,
        label="Your WhatsApp number",
        help_text="With the country code, e.g. +44 20 7946 0958.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        required=False,
        label="E-mail (optional)",
        help_text="Only for a reminder before your session expires.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    agent = forms.ChoiceField(choices=[], label="Agent to try")
    consent = forms.BooleanField(label="I agree that my name and number are kept for this test")
    page = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, group: TesterGroup, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["agent"].choices = _agent_choices(agents)
        if len(agents) == 1:  # nothing to choose: not asked, and not needed in the post
            self.fields["agent"].widget = forms.HiddenInput()
            self.fields["agent"].initial = agents[0].kapso_id
            self.fields["agent"].required = False

    def clean_agent(self):
        return self.cleaned_data["agent"] or self.fields["agent"].initial

    def clean_phone(self):
        try:
            phone = normalize_phone(self.cleaned_data["phone"], settings.PHONE_DEFAULT_REGION)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(exc.message) from None
        allowed = parse_calling_codes(self.group.join_calling_codes)
        if allowed and calling_code(phone) not in allowed:
            shown = ", ".join(f"+{code}" for code in allowed)
            raise forms.ValidationError(f"This group is for phone numbers starting {shown}.")
        return phone

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

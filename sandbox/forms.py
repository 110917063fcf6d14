"""The create form: a phone number and an agent, named as Kapso names them."""

from __future__ import annotations

from django import forms
from django.conf import settings

from sandbox.models import Agent
from sandbox.phones import InvalidPhoneNumber, normalize_phone


class SandboxSessionForm(forms.Form):
    phone_number = forms.CharField(
        label="Phone number",
        # No max_length: the browser would cut a pasted number silently; an overlong one
        # gets clean_phone_number's message instead (normalize_phone caps what it parses).
        widget=forms.TextInput(
            attrs={
                "autocomplete": "tel",
                "inputmode": "tel",
                "placeholder": "+1 415 555 2671",
                "autofocus": True,
            }
        ),
        help_text="The phone that will scan the QR code, with its country code.",
        error_messages={"required": "Enter the phone number that will scan the code."},
    )
    agent_id = forms.CharField(
        label="Agent",
        max_length=255,
        help_text="The id of the Kapso agent to talk to, as Kapso shows it (agent-…).",
        error_messages={"required": "Type the id of the Kapso agent to talk to."},
    )

    def __init__(self, *args, agents: list[Agent] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region = settings.PHONE_DEFAULT_REGION
        if self.region:
            self.fields["phone_number"].help_text = (
                f"The phone that will scan the QR code. Numbers without a country code are "
                f"read as {self.region}."
            )
        if agents:
            # Agent ids are opaque strings (Kapso's own example is "agent-123abc").
            self.fields["agent_id"] = forms.ChoiceField(
                label="Agent",
                choices=[("", "Choose an agent…")] + [(a.kapso_id, a.name) for a in agents],
                error_messages={
                    "required": "Choose the agent to talk to.",
                    "invalid_choice": "That agent is not in Kapso's list; reload the agents.",
                },
            )

    @property
    def agent_is_typed(self) -> bool:
        return not isinstance(self.fields["agent_id"], forms.ChoiceField)

    def clean_phone_number(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone_number"], self.region)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(exc.message, code="invalid_phone") from None

    def clean_agent_id(self) -> str:
        return self.cleaned_data["agent_id"].strip()

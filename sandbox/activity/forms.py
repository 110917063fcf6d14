"""The activity page's range (7, 30, 90 days, or dates) and filters (one agent, one teammate)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from sandbox.activity.aggregates import Scope
from sandbox.models import Agent

RANGES = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("dates", "Dates")]
LONGEST_DAYS = 366


class ActivityForm(forms.Form):
    range = forms.ChoiceField(choices=RANGES, initial="30", required=False)
    start = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    agent = forms.ModelChoiceField(
        Agent.objects.order_by("name", "kapso_id"), required=False, empty_label="All agents"
    )
    teammate = forms.ModelChoiceField(
        get_user_model().objects.order_by("username"), required=False, empty_label="Everyone"
    )

    def clean(self):
        data = super().clean()
        if (data.get("range") or "30") != "dates":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            raise forms.ValidationError("For dates, give both From and To (YYYY-MM-DD).")
        if start > end:
            raise forms.ValidationError("From must be on or before To.")
        if (end - start).days >= LONGEST_DAYS:
            raise forms.ValidationError(f"Choose at most {LONGEST_DAYS} days.")
        return data

    def scope(self, today: date | None = None) -> Scope:
        data = self.cleaned_data
        today = today or timezone.localdate()
        choice = data.get("range") or "30"
        if choice == "dates":
            start, end = data["start"], data["end"]
        else:
            start, end = today - timedelta(days=int(choice) - 1), today
        teammate = data.get("teammate")
        return Scope(start, end, agent=data.get("agent"), user_id=teammate.pk if teammate else None)

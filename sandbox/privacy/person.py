"""Who is being erased or exported, and every form their data is written in.

A person starts as a phone number, a tester or (later) an account; resolvers registered in
`registry` widen it (a tester's name and e-mail, the Kapso ids of their sessions) before any
store is touched, so every store sees the same whole person.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

import phonenumbers


@dataclass
class Person:
    phone: str = ""  # E.164
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    tester_ids: set[int] = field(default_factory=set)
    user_ids: set[int] = field(default_factory=set)
    # Kapso ids of the sessions that held the phone, found before anything is blanked.
    kapso_ids: set[str] = field(default_factory=set)
    session_ids: set[int] = field(default_factory=set)

    def phone_forms(self) -> set[str]:
        return phone_forms(self.phone) if self.phone else set()

    def needles(self) -> set[str]:
        """Every string whose presence in a text means this person is still there."""
        found = self.phone_forms() | {e.lower() for e in self.emails if e} | self.emails
        found |= {name for name in self.names if len(name) >= 3}
        return {needle for needle in found if needle}

    def mentioned_in(self, text: str | None) -> bool:
        """Whether `text` holds a written form of the person: a phone or an address anywhere,
        a name only as a whole word, so erasing 'Ann' never touches Joanne or an 'admin'."""
        if not text:
            return False
        lowered = text.lower()
        names = {name for name in self.names if len(name) >= 3}
        if any(n.lower() in lowered for n in self.needles() - names):
            return True
        return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I) for n in names)


def phone_forms(e164: str) -> set[str]:
    """The phone as stored, typed, displayed, URL-encoded and JSON-escaped."""
    forms = {e164, e164.lstrip("+"), quote(e164, safe=""), quote_plus(e164)}
    forms.add(json.dumps(e164, ensure_ascii=True).strip('"').replace("+", "\\u002b"))
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return forms
    national = str(number.national_number)
    forms.add(national)
    styles = phonenumbers.PhoneNumberFormat
    for style in (styles.INTERNATIONAL, styles.NATIONAL):
        shown = phonenumbers.format_number(number, style)
        forms |= {shown, quote_plus(shown), quote(shown, safe="")}
    forms.add(f"00{e164.lstrip('+')}")
    # Too short to be found without false alarms (a national number of four digits).
    return {form for form in forms if len(form) >= 6}

"""Phone numbers typed by people, turned into the E.164 form Kapso expects."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# Longer than any real number with generous formatting; beyond it we do not even parse.
MAX_INPUT_LENGTH = 64
# "… ext. 123", "… x123", "… #123", "… extension 123": an extension at the end.
_EXTENSION = re.compile(r"(?:e?xt?n?\.?|extension|#)\s*\d{1,10}\s*$", re.IGNORECASE)


class InvalidPhoneNumber(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_phone(raw: str, default_region: str | None = None) -> str:
    """Return `raw` as E.164 (`+14155552671`) or raise `InvalidPhoneNumber` saying why.

    A leading `00` is read as the international prefix whatever the region: most of the
    world dials abroad that way, and a teammate pasting `0044 20 …` means +44.
    """
    # Width and compatibility forms first: a fullwidth plus and digits (U+FF0B, U+FF14) are
    # "+44" to a person.
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("Enter the phone number that will scan the code.")
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidPhoneNumber(
            f"That is too long for a phone number ({len(text)} characters). "
            "Enter it like +1 415 555 2671."
        )
    if _EXTENSION.search(text) and any(ch.isdigit() for ch in _EXTENSION.split(text)[0]):
        raise InvalidPhoneNumber(
            "WhatsApp numbers have no extension: remove the extension at the end and try again."
        )
    if any(ch.isalpha() for ch in text):
        # phonenumbers would read "CALL" as 2255, as a keypad does; a typo must not do that.
        raise InvalidPhoneNumber(
            "That does not look like a phone number: letters are not read as digits. "
            "Enter it like +1 415 555 2671."
        )
    if text.startswith("00"):
        text = "+" + text[2:]
    region = (default_region or "").upper() or None
    if not text.startswith("+") and region is None:
        raise InvalidPhoneNumber(
            "Start the number with + and the country code, e.g. +1 415 555 2671."
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(
            "That does not look like a phone number. Enter it like +1 415 555 2671."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            "That is not a valid phone number for its country. Check the digits and the "
            "country code."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """E.164 shown the way people read it (`+1 415-555-2671`); unchanged if unparsable."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def calling_code(e164: str) -> int:
    """The country calling code of an E.164 number (`+447946…` -> 44)."""
    return phonenumbers.parse(e164, None).country_code

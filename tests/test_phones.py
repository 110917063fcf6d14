"""sandbox/phones.py: what people type becomes E.164, or a sentence saying why not."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.kapso.types import _E164
from sandbox.phones import InvalidPhoneNumber, calling_code, format_phone, normalize_phone

REGIONS = st.sampled_from([None, "US", "GB", "DE", "IN", "BR", "us", "ZZ", ""])
phone_like = st.text(alphabet="+0123456789 ()-.#*x", max_size=40) | st.text(max_size=80)
# Every sentence the normaliser may say, and nothing else: a bare exception text, an
# empty message or a phonenumbers internal would not match.
KNOWN_SENTENCES = [
    re.escape("Enter the phone number that will scan the code."),
    r"That is too long for a phone number \(\d+ characters\)\. Enter it like \+1 415 555 2671\.",
    re.escape("WhatsApp numbers have no extension: remove the extension at the end and try again."),
    re.escape(
        "That does not look like a phone number: letters are not read as digits. "
        "Enter it like +1 415 555 2671."
    ),
    re.escape("Start the number with + and the country code, e.g. +1 415 555 2671."),
    re.escape("That does not look like a phone number. Enter it like +1 415 555 2671."),
    re.escape(
        "That is not a valid phone number for its country. Check the digits and the country code."
    ),
]


def is_known_sentence(message: str) -> bool:
    return any(re.fullmatch(pattern, message) for pattern in KNOWN_SENTENCES)


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("+1 415-555-2671", None, "+14155552671"),
        ("(415) 555 2671", "US", "+14155552671"),
        ("0044 20 7946 0958", None, "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "gb", "+442079460958"),
        ("  +49 30 901820  ", None, "+4930901820"),
        ("+12345678901", None, "+12345678901"),
    ],
)
def test_it_normalises_to_e164(typed, region, e164):
    assert normalize_phone(typed, region) == e164


@pytest.mark.parametrize(
    ("typed", "region", "words"),
    [
        ("", "US", "Enter the phone number"),
        ("   ", None, "Enter the phone number"),
        ("415 555 2671", None, "Start the number with +"),
        ("hello", "US", "does not look like a phone number"),
        ("+1 555", None, "not a valid phone number"),
        ("+999 1234567", None, "does not look like a phone number"),
        ("+1" + "2" * 80, None, "too long"),
        ("+1 415 555 2671 <script>", None, "does not look like"),
    ],
)
def test_it_refuses_bad_numbers_with_a_reason(typed, region, words):
    with pytest.raises(InvalidPhoneNumber) as caught:
        normalize_phone(typed, region)
    assert words in caught.value.message
    assert is_known_sentence(caught.value.message)


def test_it_formats_for_people():
    assert format_phone("+14155552671") == "+1 415-555-2671"
    assert format_phone("not a number") == "not a number"


def test_the_known_sentences_are_each_reachable():
    """The property below checks messages against KNOWN_SENTENCES; each entry is real."""
    typed = ["", "+1" + "2" * 80, "+1 415 555 2671 ext. 12", "hello", "415", "+999 1", "+1 555"]
    said = set()
    for text in typed:
        with pytest.raises(InvalidPhoneNumber) as caught:
            normalize_phone(text, None)
        said.add(caught.value.message)
    assert len(said) == len(KNOWN_SENTENCES)
    assert all(is_known_sentence(message) for message in said)


@given(raw=phone_like, region=REGIONS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_phone_normaliser_returns_e164_or_our_error(raw, region):
    try:
        result = normalize_phone(raw, region)
    except InvalidPhoneNumber as exc:
        # A sentence for the form: one of those it is meant to say, nothing else.
        assert is_known_sentence(exc.message), exc.message
        assert str(exc) == exc.message
        return
    assert _E164.fullmatch(result)
    assert normalize_phone(result, None) == result  # normalising is stable


def test_the_calling_code_of_a_number():
    assert calling_code("+442079460958") == 44
    assert calling_code("+14155552671") == 1
    assert calling_code("+35318001234") == 353

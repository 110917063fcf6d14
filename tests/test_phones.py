import pytest

from sandbox.phones import InvalidPhoneNumber, format_phone, normalize_phone


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


def test_it_formats_for_people():
    assert format_phone("+14155552671") == "+1 415-555-2671"
    assert format_phone("not a number") == "not a number"

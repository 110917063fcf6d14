"""sandbox/privacy/person.py: every written form of a person's phone, name and e-mail."""

from __future__ import annotations

from sandbox.privacy.person import Person, phone_forms


def test_a_phone_is_searched_in_every_form_it_is_written_in():
    forms = phone_forms("+447911123456")
    for form in (
        "+447911123456",  # E.164, as stored
        "447911123456",  # digits only
        "7911123456",  # the national number
        "07911 123456",  # as displayed nationally
        "+44 7911 123456",  # as displayed internationally
        "%2B447911123456",  # URL-encoded
        "%2B44+7911+123456",  # a form's query string
        "\\u002b447911123456",  # JSON-escaped
        "00447911123456",  # typed with 00
    ):
        assert form in forms, form


def test_needles_hold_the_name_and_e_mail_but_not_what_is_too_short_to_mean_anything():
    person = Person(phone="+14155552671", names={"Ann Example", "Al"}, emails={"Ann@Example.com"})
    needles = person.needles()
    assert {"Ann Example", "Ann@Example.com", "ann@example.com", "+14155552671"} <= needles
    assert "Al" not in needles
    assert Person().needles() == set()


def test_a_name_is_mentioned_only_as_a_whole_word_a_phone_anywhere():
    from sandbox.privacy.person import Person

    ann = Person(phone="+447911123456", names={"Ann"})
    assert ann.mentioned_in("Changed: ANN (+1 415)") and ann.mentioned_in("ann-marie? no: Ann.")
    assert ann.mentioned_in("sent to 447911123456x")
    assert not ann.mentioned_in("Joanne (+447700900111)") and not ann.mentioned_in("Annabel")
    assert not ann.mentioned_in(None)

"""sandbox/team/roster.py: imports that report each bad line and lose no good one."""

from __future__ import annotations

import time

import pytest

from sandbox.team import roster
from sandbox.team.models import Tester

pytestmark = pytest.mark.django_db


def test_a_plain_list_is_imported_and_normalised():
    report = roster.roster_import(
        "Ann, +44 20 7946 0958, ann@example.com\nBob, 0044 20 7946 0959\n+1 415 555 2671\n"
    )
    assert (report.added, len(report.errors)) == (3, 0)
    people = {t.phone_number: (t.name, t.email) for t in Tester.objects.all()}
    assert people == {
        "+442079460958": ("Ann", "ann@example.com"),
        "+442079460959": ("Bob", ""),
        "+14155552671": ("+1 415-555-2671", ""),  # no name: the number, readable
    }


def test_excel_csv_with_bom_semicolons_and_a_header():
    data = "\ufeffE-mail;Name;Phone number\r\nann@example.com;Ann;+44 20 7946 0958\r\n".encode()
    report = roster.roster_import(roster.decode(data))
    assert report.added == 1 and not report.errors
    tester = Tester.objects.get()
    assert (tester.name, tester.phone_number, tester.email) == (
        "Ann",
        "+442079460958",
        "ann@example.com",
    )


def test_windows_1252_file_is_read():
    data = "José;+44 20 7946 0958\n".encode("cp1252")
    roster.roster_import(roster.decode(data))
    assert Tester.objects.get().name == "José"


def test_bad_lines_are_reported_by_number_and_good_ones_kept():
    text = "\n".join(
        [
            "Ann, +44 20 7946 0958",  # 1 good
            "Bob, call me maybe",  # 2 letters
            "Cy, +44 20 7946",  # 3 too short
            "",  # 4 blank: skipped
            "Di, +44 20 7946 0959, not-an-email",  # 5
            "Ed, +44 20 7946 0960, ed@example.com, extra",  # 6 too many columns
            "# a comment",  # 7
            "Fay, +44 20 7946 0961",  # 8 good
        ]
    )
    report = roster.roster_import(text)
    assert [(e.line, e.ok) for e in report.errors] == [
        (2, False),
        (3, False),
        (5, False),
        (6, False),
    ]
    assert "letters" in report.errors[0].message
    assert "'not-an-email'" in report.errors[2].message
    assert sorted(Tester.objects.values_list("name", flat=True)) == ["Ann", "Fay"]
    assert report.summary.startswith("2 added")


def test_duplicates_merge_into_one_tester_and_nothing_is_created_twice():
    Tester.objects.create(name="Existing", phone_number="+442079460958")
    text = (
        "Ann, +44 20 7946 0958, ann@example.com\n"  # in the roster already: e-mail filled in
        "Bob, +44 20 7946 0959\n"
        "Bobby, 0044 20 7946 0959, bob@example.com\n"  # same phone as line 2
    )
    report = roster.roster_import(text)
    assert (report.added, report.updated, report.merged) == (1, 1, 1)
    assert Tester.objects.count() == 2
    assert Tester.objects.get(phone_number="+442079460958").email == "ann@example.com"
    assert Tester.objects.get(phone_number="+442079460958").name == "Existing"
    bob = Tester.objects.get(phone_number="+442079460959")
    assert (bob.name, bob.email) == ("Bob", "bob@example.com")
    assert any(line.line == 3 and "line 2" in line.message for line in report.lines)
    again = roster.roster_import(text)
    assert (again.added, Tester.objects.count()) == (0, 2)


def test_ten_thousand_lines_with_errors_and_duplicates_in_seconds():
    lines = ["name;phone;email"]
    for n in range(10_000):
        if n % 100 == 7:
            lines.append(f"Bad {n};not a number;")
        else:
            # 5,000 distinct numbers, each twice.
            lines.append(f"P {n};+1 415 555 {n % 5000:04d};p{n}@example.com")
    started = time.monotonic()
    report = roster.roster_import("\n".join(lines))
    elapsed = time.monotonic() - started
    assert len(report.errors) == 100
    assert {e.line for e in report.errors} == {n + 2 for n in range(10_000) if n % 100 == 7}
    distinct = {n % 5000 for n in range(10_000) if n % 100 != 7}
    assert Tester.objects.count() == report.added == len(distinct)
    assert elapsed < 20, elapsed


def test_too_many_lines_is_refused_whole_with_a_reason():
    with pytest.raises(roster.RosterTooLarge, match="20,000"):
        roster.roster_import("x\n" * (roster.MAX_LINES + 1))
    assert not Tester.objects.exists()


def test_too_big_a_file_is_refused():
    with pytest.raises(roster.RosterTooLarge, match="MB"):
        roster.decode(b"x" * (roster.MAX_BYTES + 1))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_unicode_text_from_excel_utf16_with_bom_and_tabs_is_read(encoding):
    text = "Name\tPhone\tE-mail\r\nÅsa Öberg\t+44 20 7946 0958\tasa@example.com\r\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its BOM itself
        data = ("\ufeff" + text).encode(encoding)
    report = roster.roster_import(roster.decode(data))
    assert (report.added, len(report.errors)) == (1, 0)
    assert Tester.objects.get().name == "Åsa Öberg"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_separator_is_read(delimiter):
    text = f"Ann{delimiter}+44 20 7946 0958{delimiter}ann@example.com\n"
    report = roster.roster_import(roster.decode(text.encode("utf-8")))
    assert report.added == 1 and Tester.objects.get().email == "ann@example.com"


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x07", "\x1c", "\x7f", "\x85"])
def test_a_control_character_in_any_field_refuses_its_line_by_number(bad):
    text = (
        "Ann, +44 20 7946 0958\n"
        f"Bo{bad}b, +44 20 7946 0959\n"
        f"Cy, +44 20 7946 0960, cy{bad}@example.com\n"
        "Di, +44 20 7946 0961\n"
    )
    report = roster.roster_import(text)
    assert [(line.line, "control character" in line.message) for line in report.errors] == [
        (2, True),
        (3, True),
    ]
    assert f"U+{ord(bad):04X}" in report.errors[0].message
    assert sorted(Tester.objects.values_list("name", flat=True)) == ["Ann", "Di"]
    assert not any(bad in t.name + t.email for t in Tester.objects.all())


def test_a_nul_in_an_uploaded_file_is_refused_not_stored():
    data = "Ann\x00, +44 20 7946 0958\n".encode("utf-16")
    report = roster.roster_import(roster.decode(data))
    assert (report.added, [line.line for line in report.errors]) == (0, [1])
    assert not Tester.objects.exists()

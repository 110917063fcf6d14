"""The roster: testers imported from a CSV file or a pasted list, "name, phone, email" a line.

Bad lines are reported by line number and skipped; good lines are kept; the same phone
twice (in the file, or already in the roster) is one tester. Commas, semicolons or tabs,
with or without a header row; UTF-8 with or without a byte-order mark (Excel writes one),
UTF-16 with one (Excel's "Unicode text"), else Windows-1252. A field holding a NUL or any
other control character refuses its line: it would be stored and printed as it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sandbox.phones import InvalidPhoneNumber, format_phone, normalize_phone
from sandbox.team.models import Tester

# A team roster is tens of people; these caps only stop a wrong file (a database dump)
# from tying up a worker. Above them nothing is imported and the message says why.
MAX_LINES = 20_000
MAX_BYTES = 4 * 1024 * 1024
NAME_MAX = 200
LINE_END = re.compile(r"\r\n|\r|\n")
# Chunks for `IN (...)` look-ups: SQLite's old limit on query parameters is 999.
CHUNK = 900


class RosterTooLarge(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LineReport:
    line: int
    ok: bool
    message: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    lines: list[LineReport] = field(default_factory=list)
    # Every good phone of the list (E.164), new or already in the roster.
    phones: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[LineReport]:
        return [line for line in self.lines if not line.ok]

    @property
    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.merged:
            parts.append(f"{self.merged} duplicate lines merged")
        parts.append(f"{len(self.errors)} lines with errors")
        return ", ".join(parts) + "."


@dataclass
class _Row:
    line: int
    name: str
    phone: str
    email: str


def decode(data: bytes) -> str:
    """Uploaded bytes as text: UTF-8 (a BOM dropped), else Windows-1252 as Excel saves."""
    if len(data) > MAX_BYTES:
        raise RosterTooLarge(
            f"That file is {len(data) // 1024} KB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
            "Split it and import the parts."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # "Unicode text" from Excel or Notepad: the BOM says the byte order.
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def control_character(text: str) -> str | None:
    """The first control character in `text` (NUL, escape, a line break inside a field...)
    as people can read it, "U+0000"; None when there is none."""
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            return f"U+{ord(ch):04X}"
    return None


def parse(text: str) -> tuple[list[_Row], list[LineReport]]:
    """Rows that look right, and a report for each line that does not."""
    text = text.lstrip("\ufeff")
    # Only real line ends: str.splitlines() also splits at control characters (\x1c, \x0b),
    # which would hide them and shift every later line number.
    lines = LINE_END.split(text.removesuffix("\n").removesuffix("\r"))
    if len(lines) > MAX_LINES:
        raise RosterTooLarge(
            f"That list has {len(lines):,} lines; the limit is {MAX_LINES:,}. Split it and "
            "import the parts."
        )
    delimiter = _delimiter(lines)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, skipinitialspace=True)
    rows: list[_Row] = []
    problems: list[LineReport] = []
    columns = None
    for number, cells in enumerate(reader, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue  # blank lines and comments
        bad = next((found for cell in cells if (found := control_character(cell))), None)
        if bad:
            problems.append(
                LineReport(number, False, f"A field holds a control character ({bad}); fix it.")
            )
            continue
        if columns is None and _is_header(cells):
            columns = _columns(cells)
            continue
        row, problem = _row(number, cells, columns)
        if problem:
            problems.append(LineReport(number, False, problem))
        else:
            rows.append(row)
    return rows, problems


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(line for line in lines[:20] if line.strip())
    counts = {d: sample.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _is_header(cells: list[str]) -> bool:
    lowered = [cell.lower() for cell in cells]
    return any(word in cell for cell in lowered for word in ("phone", "number", "mobile"))


def _columns(cells: list[str]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cell.lower() for cell in cells):
        if "mail" in cell:
            found.setdefault("email", index)
        elif any(word in cell for word in ("phone", "number", "mobile")):
            found.setdefault("phone", index)
        elif "name" in cell:
            found.setdefault("name", index)
    return found


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index] if index is not None and index < len(cells) else ""


def _row(number: int, cells: list[str], columns: dict[str, int] | None) -> tuple[_Row, str]:
    if columns:
        name, raw_phone, email = (_cell(cells, columns, key) for key in ("name", "phone", "email"))
    elif len(cells) == 1:
        name, raw_phone, email = "", cells[0], ""
    else:
        name, raw_phone, email = cells[0], cells[1], (cells[2] if len(cells) > 2 else "")
        if len(cells) > 3 and any(cells[3:]):
            return _Row(number, "", "", ""), (f"{len(cells)} columns; expected name, phone, email.")
    try:
        phone = normalize_phone(raw_phone, settings.PHONE_DEFAULT_REGION)
    except InvalidPhoneNumber as exc:
        shown = raw_phone[:40] or "(empty)"
        return _Row(number, "", "", ""), f"Phone {shown!r}: {exc.message}"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return _Row(number, "", "", ""), f"E-mail {email[:60]!r} is not an e-mail address."
    if len(name) > NAME_MAX:
        return _Row(number, "", "", ""), f"The name is longer than {NAME_MAX} characters."
    return _Row(number, name or format_phone(phone), phone, email.lower()), ""


def roster_import(text: str) -> ImportReport:
    """Add the good lines of `text` to the roster (one transaction) and report on every line."""
    rows, problems = parse(text)
    report = ImportReport(lines=list(problems))
    first: dict[str, _Row] = {}
    for row in rows:
        seen = first.get(row.phone)
        if seen is None:
            first[row.phone] = row
            continue
        # The same phone again in this list: one tester; a later line only fills gaps.
        seen.email = seen.email or row.email
        report.merged += 1
        report.lines.append(LineReport(row.line, True, f"Same phone as line {seen.line}: merged."))
    phones = list(first)
    with transaction.atomic():
        existing: dict[str, Tester] = {}
        for start in range(0, len(phones), CHUNK):
            chunk = phones[start : start + CHUNK]
            existing.update(Tester.objects.in_bulk(chunk, field_name="phone_number"))
        new, changed = [], []
        for phone, row in first.items():
            tester = existing.get(phone)
            if tester is None:
                new.append(Tester(name=row.name, phone_number=phone, email=row.email))
                report.lines.append(LineReport(row.line, True, "Added."))
            elif row.email and not tester.email:
                tester.email, tester.updated_at = row.email, timezone.now()
                changed.append(tester)
                report.lines.append(
                    LineReport(
                        row.line, True, f"Already in the roster as {tester.name}: e-mail added."
                    )
                )
            else:
                report.unchanged += 1
                report.lines.append(
                    LineReport(row.line, True, f"Already in the roster as {tester.name}.")
                )
        # ignore_conflicts: an import running at the same moment may have added the phone.
        Tester.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        Tester.objects.bulk_update(changed, ["email", "updated_at"], batch_size=500)
    report.added, report.updated = len(new), len(changed)
    report.phones = phones
    report.lines.sort(key=lambda line: line.line)
    return report

"""sandbox/privacy/export.py: everything about one phone number, store by store."""

from __future__ import annotations

import pytest

from sandbox import privacy
from sandbox.team.models import ErasureLog, Tester

pytestmark = pytest.mark.django_db


def test_every_declared_store_is_in_the_export_with_what_it_holds_and_how_long(charlie):
    Tester.objects.create(name="Eve Example", phone_number="+14155552699", email="e@example.com")
    data = privacy.export(privacy.Person(phone="+14155552699"), by=charlie, door="test")
    assert {s["store"] for s in data["stores"]} == {s.name for s in privacy.stores()}
    testers = next(s for s in data["stores"] if s["store"] == "testers")
    assert testers["rows"][0]["name"] == "Eve Example" and testers["kept"]
    assert data["names"] == ["Eve Example"] and data["emails"] == ["e@example.com"]
    log = ErasureLog.objects.get()
    assert (log.kind, log.by) == ("export", charlie) and "2699" not in log.detail

"""sandbox/team/matrix.py: the state of each cell, and Kapso asked a few cells at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.models import SandboxSession
from sandbox.team import matrix, onboarding
from tests.conftest import emulator_calls, emulator_control

pytestmark = pytest.mark.django_db(transaction=True)
HOUR = timedelta(hours=1)


@pytest.fixture
def grid(kapso, agents, make_testers, charlie):
    testers = make_testers(2)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    return testers, agents


@pytest.mark.parametrize(
    ("status", "expires_in", "state"),
    [
        ("pending_activation", 20 * HOUR, matrix.PENDING),
        ("active", 20 * HOUR, matrix.ACTIVE),
        ("active", HOUR, matrix.EXPIRING),  # within the reminder's two hours
        ("pending_activation", 30 * timedelta(minutes=1), matrix.EXPIRING),  # too late to scan
        ("active", -HOUR, matrix.EXPIRED),
        ("expired", 20 * HOUR, matrix.EXPIRED),
        ("paused_by_kapso", 20 * HOUR, matrix.EXPIRED),
    ],
)
def test_cell_state(status, expires_in, state):
    now = timezone.now()
    session = SandboxSession(status=status, expires_at=now + expires_in)
    got, left = matrix.cell_state(session, now)
    assert got == state
    assert (left is None) == (state == matrix.EXPIRED)
    assert matrix.cell_state(None, now) == (matrix.NONE, None)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(30, "under a minute"), (45 * 60, "45 min"), (86399, "23 h 59 min"), (3 * 86400, "3 days")],
)
def test_time_left_is_short(seconds, words):
    assert matrix.short_duration(seconds) == words


def test_the_matrix_shows_the_newest_session_of_each_pair(grid, charlie):
    testers, agents = grid
    rows = matrix.matrix_for(charlie, testers, agents)
    assert [[c.state for c in row] for row in rows] == [["pending", "none", "none"]] * 2
    assert rows[0][0].left.endswith("left") and rows[0][1].action == "Create"
    assert rows[0][0].action == "Renew"


def test_a_plain_account_sees_only_its_own_sessions(grid, alice):
    testers, agents = grid
    rows = matrix.matrix_for(alice, testers, agents)
    assert {c.state for row in rows for c in row} == {"none"}


def test_refreshing_asks_kapso_about_a_few_cells_per_request(grid, charlie, kapso, settings):
    testers, agents = grid
    for session in SandboxSession.objects.all():
        emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    rows = matrix.matrix_for(charlie, testers, agents)
    before = sum(
        v for k, v in emulator_calls(kapso).items() if k.startswith("GET /api/v1/sandbox_sessions/")
    )
    assert matrix.refresh_some(charlie, rows) == (None, 2)
    after = sum(
        v for k, v in emulator_calls(kapso).items() if k.startswith("GET /api/v1/sandbox_sessions/")
    )
    assert after - before == min(2, matrix.REFRESH_PER_REQUEST)
    rows = matrix.matrix_for(charlie, testers, agents)
    assert [row[0].state for row in rows] == ["active", "active"]
    # Active is final: nothing more to ask.
    assert matrix.refresh_some(charlie, rows) == (None, 0)
    again = sum(
        v for k, v in emulator_calls(kapso).items() if k.startswith("GET /api/v1/sandbox_sessions/")
    )
    assert again == after


def test_a_session_is_asked_at_most_once_per_refresh_period(grid, charlie, kapso, settings):
    settings.KAPSO_REFRESH_SECONDS = 60
    testers, agents = grid
    rows = matrix.matrix_for(charlie, testers, agents)
    counted = lambda: sum(  # noqa: E731
        v for k, v in emulator_calls(kapso).items() if k.startswith("GET /api/v1/sandbox_sessions/")
    )
    matrix.refresh_some(charlie, rows)
    first = counted()
    for _ in range(5):
        matrix.refresh_some(charlie, matrix.matrix_for(charlie, testers, agents))
    assert counted() == first == 2


def test_payload_names_every_cell(grid, charlie):
    testers, agents = grid
    data = matrix.payload(matrix.matrix_for(charlie, testers, agents), retry_in=None)
    assert len(data["cells"]) == 2 * len(agents)
    cell = data["cells"][f"{testers[0].pk}-{agents[0].pk}"]
    session = SandboxSession.objects.get(phone_number=testers[0].phone_number)
    assert cell["state"] == "pending" and cell["session_url"] == session.get_absolute_url()


def test_a_cell_escapes_what_people_typed(grid, charlie):
    from sandbox.team.models import Tester
    from sandbox.team.templatetags.team_matrix import matrix_cell

    testers, agents = grid
    Tester.objects.filter(pk=testers[0].pk).update(name='<b>"Ann"</b>')
    testers[0].refresh_from_db()
    html = matrix_cell(matrix.matrix_for(charlie, testers, agents)[0][0])
    assert "<b>" not in html and "&lt;b&gt;&quot;Ann&quot;&lt;/b&gt;" in html

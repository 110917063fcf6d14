"""sandbox/team/templatetags/team_matrix.py: one matrix cell as HTML, every value escaped."""

from __future__ import annotations

import pytest

from sandbox.models import Agent
from sandbox.team.matrix import ACTIVE, NONE, Cell
from sandbox.team.models import Tester
from sandbox.team.templatetags.team_matrix import matrix_cell


def cell(state: str, *, name: str = "Ann", seconds_left: int | None = None, session=None) -> Cell:
    tester = Tester(pk=3, name=name, phone_number="+14155552671")
    agent = Agent(pk=5, kapso_id="agent-1", name='Support "EU"')
    return Cell(tester, agent, session, state, seconds_left)


def test_an_empty_cell_offers_create_without_a_link():
    html = matrix_cell(cell(NONE))
    assert '<td class="cell cell-none" id="cell-3-5" data-key="3-5">' in html
    assert '<span class="cell-state">No session</span>' in html
    assert 'value="3-5"' in html and '<span class="cell-action">Create</span>' in html
    assert "<a " not in html


@pytest.mark.django_db
def test_a_live_cell_links_to_its_session_and_says_the_time_left():
    from sandbox.models import SandboxSession

    html = matrix_cell(cell(ACTIVE, seconds_left=3 * 3600 + 60, session=SandboxSession(pk=42)))
    assert '<a href="/sessions/42/">Active</a>' in html
    assert "3 h 1 min left" in html and ">Renew</span>" in html


def test_names_are_escaped_quotes_included():
    html = matrix_cell(cell(NONE, name="<script>alert(1)</script>"))
    assert "<script>" not in html
    assert (
        'aria-label="Create: &lt;script&gt;alert(1)&lt;/script&gt; with Support &quot;EU&quot;"'
        in html
    )

"""sandbox/team/apps.py: at start the team app tells sandbox where erased Kapso ids are kept,
so a sync never stores an erased session again, though sandbox imports nothing of the team."""

from __future__ import annotations

import pytest
from django.apps import apps

from sandbox import erased
from sandbox.team.models import ErasedKapsoSession

pytestmark = pytest.mark.django_db


def test_an_erased_kapso_id_is_known_to_sandbox_through_the_registered_look_up():
    ErasedKapsoSession.objects.create(kapso_id="kapso-gone")
    assert erased.erased(["kapso-gone", "kapso-kept"]) == {"kapso-gone"}


def test_starting_again_registers_the_look_up_once():
    before = list(erased._lookups)
    apps.get_app_config("team").ready()
    assert erased._lookups == before

"""sandbox/errors.py: the services' own conditions are errors of their own, not Kapso's."""

from __future__ import annotations

import pytest

from sandbox.errors import (
    USER_FACING_ERRORS,
    CreateInProgress,
    CreateOutcomeUnknown,
    IdempotencyKeyReused,
    LostSessionTaken,
    ServiceError,
)
from sandbox.kapso import KapsoError, KapsoTimeoutError


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (CreateOutcomeUnknown, "outcome_unknown"),
        (CreateInProgress, "in_progress"),
        (LostSessionTaken, "taken"),
        (IdempotencyKeyReused, "key_reused"),
    ],
)
def test_service_errors_are_not_kapsos(error, kind):
    made = error("Said to a person.")
    assert isinstance(made, ServiceError) and not isinstance(made, KapsoError)
    assert (made.kind, made.message, str(made)) == (kind, "Said to a person.", "Said to a person.")
    assert isinstance(made, USER_FACING_ERRORS)


def test_an_unknown_outcome_keeps_the_kapso_error_that_lost_the_answer():
    cause = KapsoTimeoutError("Kapso did not answer within 1 s.")
    unknown = CreateOutcomeUnknown("Kapso may still have made it.", cause=cause)
    assert unknown.cause is cause
    assert unknown.message == "Kapso may still have made it."  # made once, not edited


def test_views_catch_kapsos_errors_and_ours_and_nothing_else():
    assert set(USER_FACING_ERRORS) == {KapsoError, ServiceError}
    assert not isinstance(ValueError("bug"), USER_FACING_ERRORS)


def test_the_kapso_error_kinds_are_the_clients_own_under_the_same_names():
    # Doors take them from here (they may not import sandbox.kapso): the very same classes,
    # so an `except` or an `isinstance` in a door catches what the client raises.
    from sandbox import errors, kapso

    kinds = kapso.errors.__all__
    assert len(kinds) == 13 and "KapsoBudgetUnavailable" in kinds
    for name in kinds:
        kind = getattr(kapso.errors, name)
        assert issubclass(kind, KapsoError)
        assert getattr(errors, name) is kind and getattr(kapso, name) is kind, name
        assert name in kapso.__all__

"""The whole API (sandbox/api/api.py) against its own schema, property-based: for every
operation schemathesis sends what the schema allows and what it forbids, over real HTTP to
a live server that talks to the Kapso emulator, and checks every answer's status, content
type, headers and body against the schema. The schema is the one served at
/api/v1/openapi.json (the first test proves the two are the same). Bounded: a few dozen
examples an operation, the long poll capped (API_WAIT_MAX_SECONDS), about a minute in all."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sandbox.api.api import api
from sandbox.api.tokens import token_create
from tests.factories import make_session

EXAMPLES = 50
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": EXAMPLES},
        # Seeded: a run is repeatable, and a failure found once is found again.
        "seed": 13,
        "operations": [
            {
                # A phone number or an agent id can match the schema and still not be a
                # real number or one of Kapso's agents; only the server can tell, and it
                # answers 400 (invalid_phone, unknown_agent). A key the generator repeats
                # for another body is answered 422 (idempotency_key_reused). Everywhere
                # else a 400 to a schema-valid request is a failure.
                "include-operation-id": "ensure_session",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            "2xx",
                            "400",
                            "401",
                            "403",
                            "404",
                            "409",
                            "422",
                            "429",
                            "5xx",
                        ]
                    }
                },
            },
            {
                # Renew, like ensure, remembers its Idempotency-Key: the generator repeats a
                # key for another session, and the right answer to that is the documented
                # 422 idempotency_key_reused, which no schema can foresee.
                "include-operation-id": "renew_session",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            "2xx",
                            "401",
                            "403",
                            "404",
                            "409",
                            "422",
                            "429",
                            "5xx",
                        ]
                    }
                },
            },
        ],
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_setup(live_server, kapso, settings, alice):
    settings.API_WAIT_MAX_SECONDS = 0.3  # the long poll answers at once: "call again"
    settings.KAPSO_REFRESH_SECONDS = 1
    sessions = [make_session(alice, phone=f"+1415555267{i}") for i in range(3)]
    secret = token_create(user=alice, name="schemathesis", expires_in=None).secret
    return live_server.url, secret, [s.pk for s in sessions]


def test_the_schema_tested_is_the_one_served(live_server):
    served = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=10).json()
    assert served == schema.raw_schema


@schema.parametrize()
# The fixture is the live server and Alice's sessions, shared by every example on purpose.
@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@pytest.mark.timeout(300)
def test_every_answer_matches_the_schema(case, alice_setup):
    base_url, secret, known = alice_setup
    session_id = case.path_parameters.get("session_id") if case.path_parameters else None
    if isinstance(session_id, int) and session_id % 2 == 0:
        # Half the ids are sessions Alice has, so answers about a found session are checked
        # too (random integers are all "not found").
        case.path_parameters["session_id"] = known[session_id % len(known)]
    case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {secret}"})

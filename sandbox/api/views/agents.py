"""`GET /api/v1/agents`: the agents a session can be made for, as the form offers them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from sandbox import agents
from sandbox.api.schemas import AgentList
from sandbox.api.views.common import only_query
from sandbox.api.views.problem_codes import problem_responses
from sandbox.gateway import watcher

router = Router(tags=["agents"])


@router.get(
    "",
    response={200: AgentList, **problem_responses("list_agents")},
    url_name="agents",
    operation_id="list_agents",
    summary="Kapso's agents, from the dashboard's copy (reloaded when it is older than "
    "KAPSO_AGENT_CACHE_SECONDS)",
)
def list_agents(request: HttpRequest):
    only_query(request)
    choices = agents.agent_choices(caller=watcher(request.user))
    return {
        "items": [
            {"id": agent.kapso_id, "name": agent.name, "description": agent.description}
            for agent in choices.agents
        ],
        "warning": choices.error,
    }

"""`GET /api/v1/groups` and `GET /api/v1/groups/{id}/members`: tester groups for CI (which
phones to `ensure` sessions for). Read-only; a token sees what its owner sees on the pages:
managers every group, everyone else none."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from sandbox.api.problems import ApiProblem
from sandbox.api.schemas import GroupList, MemberList
from sandbox.api.views.common import only_query
from sandbox.api.views.problem_codes import problem_responses
from sandbox.team.access import groups_visible_to
from sandbox.team.groups import link_state
from sandbox.team.models import TesterGroup

router = Router(tags=["groups"])


def _group_out(group: TesterGroup) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "agents": list(group.agent_ids),
        "members": group.members.count(),
        "join_link": {
            "state": link_state(group),
            "cap": group.join_cap,
            "joined": group.joined_count,
            "ends_at": group.join_ends_at,
        },
    }


@router.get(
    "",
    response={200: GroupList, **problem_responses("list_groups")},
    url_name="groups",
    operation_id="list_groups",
    summary="Tester groups (managers' tokens see every group; other tokens none)",
)
def list_groups(request: HttpRequest):
    only_query(request)
    return {"items": [_group_out(group) for group in groups_visible_to(request.user)]}


@router.get(
    "/{group_id}/members",
    response={200: MemberList, **problem_responses("list_group_members")},
    url_name="group_members",
    operation_id="list_group_members",
    summary="A group's testers, newest first, with their E.164 phone numbers",
)
def list_members(request: HttpRequest, group_id: int):
    only_query(request)
    group = groups_visible_to(request.user).filter(pk=group_id).first()
    if group is None:
        raise ApiProblem("not_found", "There is no such group among those your token may see.")
    members = group.members.select_related("tester")
    return {
        "items": [
            {
                "name": member.tester.name,
                "phone_number": member.tester.phone_number,
                "added_at": member.added_at,
                "joined": member.joined,
                "session_id": member.session_id,
            }
            for member in members
        ]
    }

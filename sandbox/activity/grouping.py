"""PostgreSQL: the per-agent, per-teammate and overall figures in ONE pass over the range.

GROUPING SETS lets one scan of the range's sessions feed all three groupings (the ORM cannot
say it), each with `percentile_cont` of both fractions from one sort per group. Over a busy
year's 90 days (a quarter of a million sessions) this is a third of three grouped queries.
SQLite takes the ORM path in aggregates.py, with the same figures.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from sandbox.models import SandboxSession

# GROUPING(agent_id, created_by_id): 1 = grouped by agent, 2 = by teammate, 3 = overall.
BY_AGENT, BY_USER, OVERALL = 1, 2, 3

SQL = """
SELECT GROUPING(agent_id, created_by_id), agent_id, created_by_id,
       COUNT(*),
       COUNT(*) FILTER (WHERE activated_at IS NOT NULL),
       COUNT(*) FILTER (WHERE activated_at IS NULL
                        AND (status = %(expired)s OR expires_at <= %(now)s)),
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP
           (ORDER BY EXTRACT(EPOCH FROM (activated_at - created_at)))
FROM sandbox_sandboxsession
WHERE created_at >= %(first)s AND created_at < %(after)s {filters}
GROUP BY GROUPING SETS ((agent_id), (created_by_id), ())
"""


def session_groups(
    first: datetime, after: datetime, now: datetime, *, agent_pk=None, user_id=None
) -> dict[int, dict]:
    """{BY_AGENT: {agent pk: row}, BY_USER: {user id or None: row}, OVERALL: {None: row}};
    a row is (created, activated, expired, median, p90)."""
    filters = ""
    params = {"first": first, "after": after, "now": now, "expired": SandboxSession.EXPIRED}
    if agent_pk is not None:
        filters += " AND agent_id = %(agent)s"
        params["agent"] = agent_pk
    if user_id is not None:
        filters += " AND created_by_id = %(user)s"
        params["user"] = user_id
    found: dict[int, dict] = {BY_AGENT: {}, BY_USER: {}, OVERALL: {}}
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(filters=filters), params)
        for grouping, agent, user, created, activated, expired, timing in cursor.fetchall():
            key = {BY_AGENT: agent, BY_USER: user, OVERALL: None}[grouping]
            median, p90 = timing or (None, None)
            found[grouping][key] = (created, activated, expired, median, p90)
    return found

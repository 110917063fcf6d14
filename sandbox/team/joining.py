"""Joining a tester group through its public link: the limits, then a session.

The rules that hold under a crowd:

- The cap, the end date and the switch are in the conditional UPDATE that takes a place
  (`_take_place`), so the database, not what a request read a moment ago, decides; the
  link's secret is in it too, so a rotation kills the old URL at once.
- A phone already in the group takes no place and gets the same answer as a new joiner: the
  activation (whose code only works from that phone's WhatsApp), so typing numbers tells
  nobody who is in the group.
- The session is made through the one door every create goes through
  (`ensure.live_or_create`: a live one for the pair is reused, the pair held while it is
  made), by the group's maker, with origin JOIN and charged to the joins' own share of the
  Kapso budget (`gateway.joiner()`, KAPSO_JOINS_PER_MINUTE).
- The form carries a token signed at page load (`page_token`): a post without it, with
  another link's, older than TEAM_JOIN_PAGE_MAX_AGE, sooner than TEAM_JOIN_MIN_FILL_SECONDS
  after the page was sent, or a second time, gets nothing.
- Posts from one address are counted per link (`address_allowed`): generous by default, as
  a fair's visitors share one Wi-Fi address. The address is kept only as a keyed hash in the
  cache, for a day.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sandbox import gateway
from sandbox.access import sessions_visible_to
from sandbox.counters import count_up
from sandbox.ensure import check_agent, live_or_create
from sandbox.errors import USER_FACING_ERRORS, KapsoRateLimitedError
from sandbox.models import Origin, SandboxSession
from sandbox.team.groups import CLOSED, FULL, OPEN, link_state
from sandbox.team.models import GroupMember, Tester, TesterGroup, new_join_secret

JOINED, BUSY, FAILED = "joined", "busy", "failed"
_PAGE_SALT = "sandbox.team.join.page"
ADDRESS_WINDOW_SECONDS = 24 * 3600

REFUSED = "This form has to be filled in on the join page: reload the page and try again."
TOO_FAST = "That was quicker than anyone can type: wait a moment, then press Join again."
EXPIRED = "This page was open too long: it has been reloaded, fill it in again."
USED = "This form was sent already: it has been reloaded, fill it in again."


@dataclass(frozen=True)
class JoinOutcome:
    """JOINED (with the session to show), a link state (CLOSED, ENDED, FULL), BUSY (the
    joins' share of the budget is used up, try in `retry_after` s) or FAILED (`message`)."""

    kind: str
    session: SandboxSession | None = None
    message: str = ""
    retry_after: int | None = None


def find_link(secret: str) -> TesterGroup | None:
    """The group whose current link this is; None for an unknown or rotated-away secret."""
    if not secret or len(secret) > 64:
        return None
    return TesterGroup.objects.filter(join_secret=secret).select_related("created_by").first()


def rotate_link(group: TesterGroup) -> None:
    """A new secret: the old URL, and every join page loaded from it, stop working now."""
    group.join_secret = new_join_secret()
    group.save(update_fields=["join_secret"])


def close_link(group: TesterGroup) -> None:
    TesterGroup.objects.filter(pk=group.pk).update(join_enabled=False)
    group.join_enabled = False


# --- the page's token --------------------------------------------------------------------
def page_token(group: TesterGroup) -> str:
    """Signed into the form at page load: which link, when, and a once-only nonce."""
    payload = {"g": group.pk, "s": _link_tag(group), "n": secrets.token_urlsafe(12)}
    payload["at"] = time.time()
    return signing.dumps(payload, salt=_PAGE_SALT)


def check_page_token(group: TesterGroup, token: str) -> str | None:
    """None if the form came from this link's page, long enough ago, for the first time;
    else what to tell the person (the page is sent again with a fresh token)."""
    max_age = settings.TEAM_JOIN_PAGE_MAX_AGE
    try:
        data = signing.loads(token or "", salt=_PAGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return REFUSED
    if not isinstance(data, dict) or data.get("g") != group.pk or data.get("s") != _link_tag(group):
        return REFUSED
    if time.time() - float(data.get("at", 0)) < settings.TEAM_JOIN_MIN_FILL_SECONDS:
        return TOO_FAST
    if not cache.add(f"team-join-page:{data.get('n')}", True, max_age):
        return USED
    return None


def _link_tag(group: TesterGroup) -> str:
    # Part of a keyed hash of the secret: a rotation invalidates loaded pages, and the
    # token (visible in the page) does not carry the secret itself.
    return salted_hmac(_PAGE_SALT, group.join_secret).hexdigest()[:16]


def address_allowed(group: TesterGroup, address: str) -> bool:
    """Count a post from `address` on this link; False once it is over the limit."""
    hashed = salted_hmac("sandbox.team.join.address", address).hexdigest()[:24]
    key = f"team-join-address:{_link_tag(group)}:{hashed}"
    return count_up(key, ADDRESS_WINDOW_SECONDS) <= settings.TEAM_JOINS_PER_ADDRESS


# --- joining ---------------------------------------------------------------------------
def join(
    group: TesterGroup, *, name: str, phone: str, email: str, agent_id: str, client=None
) -> JoinOutcome:
    """Admit `phone` (E.164) to `group` within its limits, then show them a session for
    `agent_id` (one of the group's agents)."""
    state = link_state(group)
    if state != OPEN:
        return JoinOutcome(state)
    admitted = _admit(group, name=name, phone=phone, email=email)
    if isinstance(admitted, str):
        return JoinOutcome(admitted)
    return _activate(group, admitted, agent_id, client)


def _admit(group: TesterGroup, *, name: str, phone: str, email: str) -> GroupMember | str:
    """The membership (found or made, a place taken for a new one), or the link state that
    refused it. One transaction: a refused joiner leaves nothing behind."""
    with transaction.atomic():
        tester = Tester.objects.filter(phone_number=phone).first()
        if tester is not None:
            member = GroupMember.objects.filter(group=group, tester=tester).first()
            if member is not None:
                return member  # already in: no place taken, the same answer
        if not _take_place(group):
            group.refresh_from_db()
            state = link_state(group)
            return state if state != OPEN else FULL
        if tester is None:
            # An existing tester's name and e-mail are never changed by a stranger's form.
            tester, _ = Tester.objects.get_or_create(
                phone_number=phone, defaults={"name": name, "email": email}
            )
        member, made = GroupMember.objects.get_or_create(
            group=group, tester=tester, defaults={"joined": True}
        )
        if not made:  # the same phone joined at the same moment: one place only
            TesterGroup.objects.filter(pk=group.pk).update(joined_count=F("joined_count") - 1)
        return member


def _take_place(group: TesterGroup) -> bool:
    now = timezone.now()
    return bool(
        TesterGroup.objects.filter(
            Q(join_ends_at__isnull=True) | Q(join_ends_at__gt=now),
            pk=group.pk,
            join_secret=group.join_secret,
            join_enabled=True,
            joined_count__lt=F("join_cap"),
        ).update(joined_count=F("joined_count") + 1)
    )


def _activate(group: TesterGroup, member: GroupMember, agent_id: str, client) -> JoinOutcome:
    if group.created_by is None or agent_id not in group.agent_ids:
        return JoinOutcome(CLOSED)
    maker = group.created_by
    try:
        check_agent(maker, agent_id, client=client)
        ensured = live_or_create(
            user=maker,
            phone_number=member.tester.phone_number,
            agent_id=agent_id,
            sessions=sessions_visible_to(maker),
            origin=Origin.JOIN,
            caller=gateway.joiner(),
            client=client,
        )
    except KapsoRateLimitedError as exc:
        # Still a member: sending the form again (as a member) takes no second place.
        return JoinOutcome(BUSY, message=exc.message, retry_after=exc.retry_after)
    except USER_FACING_ERRORS as exc:
        return JoinOutcome(FAILED, message=exc.message)
    GroupMember.objects.filter(pk=member.pk).update(session=ensured.session)
    return JoinOutcome(JOINED, session=ensured.session)

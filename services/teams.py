"""Service teams and routing: each handoff goes to one team's queue.

Routing order (first match wins, teams compared by `rank`): the customer's tier (private banking and VIP
customers go to the VIP team whatever they ask), then the handoff category (complaints to the complaints
team), then topic words in the customer's redacted question (信用卡 → cards, 房贷 → loans). No match:
the general queue (team None), which every agent sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.status import StaffRole
from services import audit
from storage.models import StaffUser, Team, TeamMember


class TeamError(ValueError):
    """A team change that cannot be made (unknown team or staff member)."""


@dataclass(frozen=True)
class RouteInput:
    tier: str | None
    category: str
    question: str


def route(teams: Sequence[Team], case: RouteInput) -> Team | None:
    """The team whose queue the case belongs in; None for the general queue."""
    ordered = sorted(teams, key=lambda t: (t.rank, t.id))
    if case.tier:
        for team in ordered:
            if case.tier in (team.tiers or []):
                return team
    for team in ordered:
        if case.category in (team.categories or []):
            return team
    text = case.question.lower()
    for team in ordered:
        if any(word.lower() in text for word in team.keywords or [] if word):
            return team
    return None


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.rank, Team.id)).all())


def route_team(session: Session, case: RouteInput) -> str | None:
    team = route(all_teams(session), case)
    return team.id if team else None


def members(session: Session) -> dict[str, list[StaffUser]]:
    """team id → its active members."""
    rows = session.execute(
        select(TeamMember.team_id, StaffUser)
        .join(StaffUser, StaffUser.id == TeamMember.staff_id)
        .where(StaffUser.active.is_(True))
        .order_by(StaffUser.display_name)
    )
    found: dict[str, list[StaffUser]] = {}
    for team_id, user in rows:
        found.setdefault(team_id, []).append(user)
    return found


def agents(session: Session) -> list[StaffUser]:
    """Active staff who can take a case."""
    stmt = (
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.role.in_((StaffRole.AGENT, StaffRole.ADMIN)))
        .order_by(StaffUser.display_name)
    )
    return list(session.scalars(stmt).all())


def teams_of(session: Session, staff: StaffUser) -> list[str]:
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.staff_id == staff.id)).all())


def set_members(session: Session, admin: StaffUser, team_id: str, usernames: Sequence[str]) -> Team:
    """Replace a team's members (admin); audited."""
    team = session.get(Team, team_id)
    if team is None:
        raise TeamError(f"team {team_id} does not exist")
    users = list(session.scalars(select(StaffUser).where(StaffUser.username.in_(set(usernames)))).all())
    missing = set(usernames) - {u.username for u in users}
    if missing:
        raise TeamError(f"unknown staff: {', '.join(sorted(missing))}")
    session.execute(delete(TeamMember).where(TeamMember.team_id == team_id))
    session.add_all(TeamMember(team_id=team_id, staff_id=u.id) for u in users)
    audit.record(session, admin, "team.members", "team", team_id, members=sorted(usernames))
    session.commit()
    return team


def save_team(
    session: Session,
    admin: StaffUser,
    team_id: str,
    *,
    name: str,
    tiers: Sequence[str] = (),
    categories: Sequence[str] = (),
    keywords: Sequence[str] = (),
    rank: int = 100,
) -> Team:
    """Create or change a team and its routing rules (admin); audited."""
    team = session.get(Team, team_id) or Team(id=team_id)
    team.name, team.tiers, team.categories = name, list(tiers), list(categories)
    team.keywords, team.rank = list(keywords), rank
    session.add(team)
    audit.record(session, admin, "team.save", "team", team_id, name=name, rank=rank)
    session.commit()
    return team

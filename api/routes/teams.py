"""Service teams: agents read them (the console's team filter and transfer list); admins change them."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import AdminDep, AgentStaffDep
from api.console_schemas import TeamIn, TeamMemberOut, TeamMembersIn, TeamOut
from api.deps import SessionDep
from api.errors import InvalidTarget
from services import teams as team_service
from storage.models import StaffUser, Team

router = APIRouter(prefix="/v1/teams", tags=["teams"])


@router.get("", response_model=list[TeamOut])
def list_teams(_: AgentStaffDep, session: SessionDep) -> list[TeamOut]:
    """Every team with its routing rules and active members, in routing order."""
    members = team_service.members(session)
    return [_out(t, members.get(t.id, [])) for t in team_service.all_teams(session)]


@router.get("/agents", response_model=list[TeamMemberOut])
def list_agents(_: AgentStaffDep, session: SessionDep) -> list[TeamMemberOut]:
    """Every active agent and admin: whom a case can be transferred to."""
    return [
        TeamMemberOut(username=u.username, display_name=u.display_name)
        for u in team_service.agents(session)
    ]


@router.put("/{team_id}", response_model=TeamOut)
def save_team(team_id: str, body: TeamIn, admin: AdminDep, session: SessionDep) -> TeamOut:
    """Create or change a team's name and routing rules."""
    if not team_id.isidentifier() or len(team_id) > 32:
        raise InvalidTarget("a team id is a short identifier such as cards or vip")
    team = team_service.save_team(session, admin, team_id, **body.model_dump())
    return _out(team, team_service.members(session).get(team_id, []))


@router.put("/{team_id}/members", response_model=TeamOut)
def set_members(team_id: str, body: TeamMembersIn, admin: AdminDep, session: SessionDep) -> TeamOut:
    """Replace the team's members (usernames)."""
    try:
        team = team_service.set_members(session, admin, team_id, body.usernames)
    except team_service.TeamError as exc:
        raise InvalidTarget(str(exc)) from exc
    return _out(team, team_service.members(session).get(team_id, []))


def _out(team: Team, members: list[StaffUser]) -> TeamOut:
    return TeamOut(
        id=team.id,
        name=team.name,
        tiers=list(team.tiers or []),
        categories=list(team.categories or []),
        keywords=list(team.keywords or []),
        rank=team.rank,
        members=[TeamMemberOut(username=m.username, display_name=m.display_name) for m in members],
    )

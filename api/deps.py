"""Named FastAPI dependencies, so a handler reads `def chat(body: ChatIn, services: ServicesDep)`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from core.settings import Settings
from core.wiring import Services
from services.kb_admin import KbAdmin


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_settings(services: Annotated[Services, Depends(get_services)]) -> Settings:
    return services.settings


def get_session(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    with services.sessions() as session:
        yield session


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_kb_admin(request: Request) -> KbAdmin:
    kb: KbAdmin = request.app.state.kb_admin
    return kb


KbAdminDep = Annotated[KbAdmin, Depends(get_kb_admin)]

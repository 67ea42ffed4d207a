"""Staff sign-in and sign-out: a bearer token in the body and the same token as an HttpOnly cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import TOKEN_COOKIE, StaffDep, request_token
from api.deps import SessionDep, SettingsDep
from api.errors import Unauthorized
from api.staff_schemas import LoginIn, LoginOut, StaffOut
from services.staff import sign_in, sign_out

router = APIRouter(prefix="/v1/auth", tags=["staff auth"])


@router.post("/login", response_model=LoginOut)
def login(body: LoginIn, response: Response, session: SessionDep, settings: SettingsDep) -> LoginOut:
    signed_in = sign_in(session, body.username, body.password, settings.staff_token_ttl_hours)
    if signed_in is None:
        raise Unauthorized("Wrong username or password.")
    user, token = signed_in
    ttl = int(settings.staff_token_ttl_hours * 3600)
    response.set_cookie(TOKEN_COOKIE, token, max_age=ttl, httponly=True, samesite="strict")
    return LoginOut(token=token, expires_in_s=ttl, staff=StaffOut.model_validate(user))


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, user: StaffDep, session: SessionDep) -> None:
    sign_out(session, user, request_token(request))
    response.delete_cookie(TOKEN_COOKIE)


@router.get("/me", response_model=StaffOut)
def me(user: StaffDep) -> StaffOut:
    return StaffOut.model_validate(user)

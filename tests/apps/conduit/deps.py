"""FastAPI dependencies: a database session per request, the authenticated user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from .models import User
from .security import InvalidToken, user_id_from_header


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


Db = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True)
class Caller:
    user: User
    token: str


def _caller(request: Request, db: Db, header: str | None) -> Caller:
    try:
        user_id, token = user_id_from_header(header, secret=request.app.state.settings.jwt_secret)
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from exc
    user = db.get(User, user_id)
    if user is None:
        raise unauthorized("invalid token: no such user")
    return Caller(user, token)


def current_caller(
    request: Request, db: Db, authorization: Annotated[str | None, Header()] = None
) -> Caller:
    return _caller(request, db, authorization)


def optional_caller(
    request: Request, db: Db, authorization: Annotated[str | None, Header()] = None
) -> Caller | None:
    return _caller(request, db, authorization) if authorization else None


def unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Token"})


CurrentCaller = Annotated[Caller, Depends(current_caller)]
OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]

"""Sign-up, login and the current user: ``/api/users``, ``/api/users/login``, ``/api/user``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from .deps import CurrentCaller, Db, unauthorized
from .models import User
from .schemas import UserCreateBody, UserLoginBody
from .security import hash_password, issue_token, verify_password

router = APIRouter(prefix="/api")


def _user_body(user: User, token: str) -> dict:
    return {
        "user": {"email": user.email, "username": user.username, "bio": user.bio, "token": token}
    }


def _token_for(request: Request, user: User) -> str:
    settings = request.app.state.settings
    return issue_token(
        user.id, user.username, secret=settings.jwt_secret, lifetime_s=settings.token_lifetime_s
    )


@router.post("/users", status_code=201)
def sign_up(body: UserCreateBody, request: Request, db: Db) -> dict:
    given = body.user
    for field in ("email", "username"):
        value = getattr(given, field)
        if db.scalar(select(User).where(getattr(User, field) == value)) is not None:
            raise HTTPException(409, f"{field} {value!r} is already taken")
    user = User(
        username=given.username, email=given.email, password_hash=hash_password(given.password)
    )
    db.add(user)
    db.commit()
    return _user_body(user, _token_for(request, user))


@router.post("/users/login")
def login(body: UserLoginBody, request: Request, db: Db) -> dict:
    user = db.scalar(select(User).where(User.email == body.user.email))
    if user is None or not verify_password(body.user.password, user.password_hash):
        raise unauthorized("email or password is invalid")
    return _user_body(user, _token_for(request, user))


@router.get("/user")
def current_user(caller: CurrentCaller) -> dict:
    """The caller, with the token it sent (as RealWorld does)."""
    return _user_body(caller.user, caller.token)

"""Request and response bodies, in RealWorld's envelopes (`{"user": ...}`, `{"article": ...}`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_Strict):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    email: str = Field(max_length=254, pattern=EMAIL)
    password: str = Field(min_length=8, max_length=200)


class UserLogin(_Strict):
    email: str = Field(max_length=254, pattern=EMAIL)
    password: str = Field(min_length=1, max_length=200)


class UserCreateBody(_Strict):
    user: UserCreate


class UserLoginBody(_Strict):
    user: UserLogin


class ArticleCreate(_Strict):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    body: str = Field(min_length=1, max_length=100_000)
    tagList: list[str] = Field(default_factory=list, max_length=20)  # noqa: N815 - RealWorld


class ArticleUpdate(_Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    body: str | None = Field(default=None, min_length=1, max_length=100_000)


class ArticleCreateBody(_Strict):
    article: ArticleCreate


class ArticleUpdateBody(_Strict):
    article: ArticleUpdate

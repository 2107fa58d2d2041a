"""conduit's settings, read from the environment when the app is built (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

SECRET_VAR = "CONDUIT_JWT_SECRET"
DATABASE_VAR = "CONDUIT_DATABASE_URL"


class SettingsError(Exception):
    """A setting is missing or wrong (the message says which and what to do)."""


@dataclass(frozen=True)
class Settings:
    jwt_secret: str
    database_url: str
    token_lifetime_s: int = 3600

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        secret = env.get(SECRET_VAR, "")
        if not secret:
            raise SettingsError(f"{SECRET_VAR} is not set — export {SECRET_VAR}=<any secret>")
        url = env.get(DATABASE_VAR) or "sqlite:///conduit.db"
        return cls(jwt_secret=secret, database_url=url)

"""conduit: a small blogging API (after RealWorld's "Conduit") on SQLite, for phasebook's tests.

It is deliberately *not* shopstack: sign-up and login return a JWT that clients send as
``Authorization: Token <jwt>``, articles are addressed by slug, and there is no ``/health``
route. Run it by hand::

    export CONDUIT_JWT_SECRET=change-me
    python -m tests.apps.conduit --port 8000 --db /tmp/conduit.db

Tables: ``users``, ``articles``, ``favorites``. One known defect is kept on purpose so that
suites have something to mark ``xfail``: an article's ``tagList`` is accepted but not stored.
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]

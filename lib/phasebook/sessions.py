"""The session: one line of setup per notebook, everything a phase needs behind it.

    s = phasebook.session("03_cart", user_id=user_id)      # shopstack's numeric users
    s = phasebook.session("01_smoke", user="alice")         # a persona from params users:

loads the params file (``PHASEBOOK_PARAMS``), discovers the platform, and wires the auth
provider, personas, API client, admin client, databases, mailbox, platform control, checks
and journal together. Every named database is opened once here, so a misspelt name fails
before the notebook creates any data.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx

from .api import AdminClient, ApiClient
from .auth import AuthProvider, Persona, Personas, build_provider
from .cells import CellTracker, settle_after_each_cell
from .checks import CheckResult, Checks
from .contract_checks import ResponseContract
from .control import PlatformControl
from .db import Databases
from .discovery import Target, resolve_target
from .display import RESULTS_MIME, Emit, emit, escape
from .errors import ChecksFailed, ConfigError, EventuallyTimeout
from .journal import Journal
from .kernel_output import redact_kernel_output
from .mailbox import Mailbox
from .params import Params, load_params
from .plan_tests import PlanTests
from .polling import eventually
from .redact import Redactor
from .report.sequence import show_sequences
from .snapshot import Diff, Snapshot, diff
from .stream import EventStreams
from .tls import shared_ssl_context
from .tracebacks import install_short_tracebacks

MAX_USER_ID = 2**31 - 1
_issued_users: set[int] = set()


class Session:
    """Clients, checks and journal of one notebook run (build it with :func:`session`)."""

    def __init__(
        self,
        params: Params,
        target: Target,
        *,
        notebook: str = "notebook",
        user_id: int | None = None,
        user: str | None = None,
        timeout: float | None = None,
        eventually_timeout: float | None = None,
        transport: Any = None,
        display: Emit = emit,
        control_runner: Callable[..., Any] | None = None,
    ):
        self.notebook = notebook
        self.params = params
        self.target = target
        self.redactor = Redactor(params.secrets)
        self.redactor.register(target.admin_token)
        self.journal = Journal()
        self.tests = PlanTests()
        self.vars = MappingProxyType(dict(params.vars))
        self.users = Personas(params.users, redactor=self.redactor)
        self.timings: dict[str, float] = {}
        self.last_wait_s: float | None = None  # how long the latest eventually()/wait_for() took
        self.timeout = timeout or params.request_timeout_s
        self.eventually_timeout = eventually_timeout or params.eventually_timeout_s
        self._display = display
        self._transport = transport
        self._admin: AdminClient | None = None
        self.cells = CellTracker()  # which notebook cell runs: re-runs replace their checks
        self.checks = Checks(
            cells=self.cells,
            redactor=self.redactor,
            display=display,
            test_id=self._current,
            xfail=self.tests.xfail_reason,
            on_record=self._on_check,
        )
        self._auth_http = httpx.Client(
            base_url=target.base_url,
            transport=transport,
            timeout=self.timeout,
            verify=shared_ssl_context(),
        )
        self.auth: AuthProvider = build_provider(
            params.auth, redactor=self.redactor, http=self._auth_http, transport=transport
        )
        self.api = ApiClient(
            target.base_url,
            auth=self.auth,
            personas=self.users,
            user=self._default_persona(user=user, user_id=user_id),
            api_prefix=params.api_prefix,
            **self._client_options(),
        )
        if params.openapi:
            self.api.observers.append(
                ResponseContract(
                    params.openapi,
                    base_url=target.base_url,
                    http=self._auth_http,
                    checks=self.checks,
                )
            )
        self.db = Databases(
            target.databases, redactor=self.redactor, discovered=target.state_dir is not None
        )
        self.mail = self._mailbox()
        self.events = EventStreams(  # the live event stream, as the session's personas
            target.base_url, headers=lambda who: self.auth.headers(self.api.as_persona(who))
        )
        control = {"runner": control_runner} if control_runner else {}
        self.platform = PlatformControl(target.state_dir, **control)

    def _mailbox(self) -> Mailbox:
        return Mailbox(
            self.target.mailbox_url,
            redactor=self.redactor,
            timeout=self.timeout,
            eventually_timeout=self.eventually_timeout,
            transport=self._transport,
            on_success=self._record_timing,
            personas=self.users,
        )

    def _default_persona(self, *, user: str | None, user_id: int | None) -> Persona | None:
        """Who ``s.api`` acts as: ``user=``, ``user_id=``, ``auth.default_user``, the first
        persona of ``users:``, or (shopstack) a fresh numeric user."""
        if user is not None:
            return self.users[user]
        if user_id is not None:
            return Persona.numeric(user_id)
        if self.params.auth.default_user:
            return self.users[self.params.auth.default_user]
        if self.params.auth.uses_user_ids or not len(self.users):
            return Persona.numeric(self.new_user())
        return self.users.first()

    def _on_check(self, result: CheckResult) -> None:
        self.tests.touch(result.test_id, result.at)

    def _client_options(self) -> dict[str, Any]:
        return {
            "journal": self.journal,
            "redactor": self.redactor,
            "timeout": self.timeout,
            "transport": self._transport,
            "test_id": self._current,
        }

    def _current(self) -> str | None:
        return self.cells.test_id(self.tests.current)  # a re-run cell keeps its first test id

    @property
    def _test_id(self) -> str | None:
        return self.tests.current

    @property
    def user(self) -> Persona | None:
        """The persona ``s.api`` acts as (None: anonymous)."""
        return self.api.user

    @property
    def user_id(self) -> int:
        """The numeric user ``s.api`` acts as (shopstack; a fresh one per session unless given)."""
        return self.api.user_id  # type: ignore[return-value]

    @property
    def admin(self) -> AdminClient:
        """The admin client (test-data setup); needs an admin token (params or state dir)."""
        if self._admin is None:
            token = self.target.admin_token
            if not token:
                hint = (
                    "start the platform with `make up` (it writes STATE_DIR/admin_token) or "
                    "export SHOPSTACK_ADMIN_TOKEN"
                    if self.params.is_shopstack
                    else "set admin_token in the params file (from an environment variable)"
                )
                raise ConfigError(f"{self.params.source}: admin_token: not set — {hint}")
            self._admin = AdminClient(self.target.base_url, token=token, **self._client_options())
        return self._admin

    def test(
        self, test_id: str, title: str | None = None, *, xfail: str | None = None
    ) -> TestScope:
        """Make ``test_id`` current (checks and requests are filed under it) and show a heading.

        ``xfail="reason"`` marks a known divergence of the platform: its failed checks are
        reported as expected failures (not a failure of the run); if they all pass, the test
        is reported as XPASS. A plain call switches the current test; ``with s.test(...):``
        restores the previous one at the end of the block.
        """
        scope = TestScope(self, self.tests.current)
        self.tests.declare(str(test_id), title, xfail)
        self.cells.switched()
        heading = f"Test {test_id}" + (f" — {title}" if title else "")
        if xfail:
            heading += f" (expected to fail: {xfail})"
        heading = self.redactor.text(heading)
        self._display({"text/plain": f"── {heading}", "text/html": f"<h4>{escape(heading)}</h4>"})
        return scope

    def new_user(self) -> int:
        """A fresh random user id in [2**30, 2**31), never repeated in this process."""
        while True:
            candidate = 2**30 + secrets.randbelow(2**30 - 1)
            if candidate not in _issued_users:
                _issued_users.add(candidate)
                return candidate

    def unique(self, prefix: str = "key") -> str:
        """A unique string such as ``checkout-3f9c2a7d1b04`` (idempotency keys, names)."""
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def eventually(self, fn: Callable[[], Any], *, check: str | None = None, **kwargs: Any) -> Any:
        """:func:`phasebook.eventually` with the params timeout; records the convergence time.

        With ``check="name"`` a timeout does not raise: it is recorded as a failed check (with
        the last value observed) and that last value is returned, so the checks after it still
        run and show what the platform got wrong.
        """
        kwargs.setdefault("timeout", self.eventually_timeout)
        kwargs.setdefault("on_success", self._record_timing)
        if check is not None:  # names the convergence time in the report, not "<lambda>"
            kwargs.setdefault("description", check)
        if check is None:
            return eventually(fn, **kwargs)
        try:
            value = eventually(fn, **kwargs)
        except EventuallyTimeout as exc:
            detail = f"not within {exc.elapsed:.1f} s, last value {exc.last_value!r}"
            self.checks.true(check, False, detail)
            return exc.last_value
        self.checks.true(check, True, f"within {self.last_wait_s:.3f} s")
        return value

    def _record_timing(self, description: str, seconds: float) -> None:
        label = f"{self._test_id} {description}" if self._test_id else description
        self.timings[self.redactor.text(label)] = round(seconds, 4)
        self.last_wait_s = seconds

    def snapshot(
        self,
        database: str,
        sql: str,
        *,
        key: Any = None,
        json: str | Sequence[str] | None = None,
        timestamps: str | Sequence[str] | None = None,
        **params: Any,
    ) -> Snapshot:
        """``s.db[database].snapshot(sql, ...)``: rows now, to diff against later."""
        return self.db[database].snapshot(sql, key=key, json=json, timestamps=timestamps, **params)

    def diff(self, before: Snapshot, after: Snapshot, *, key: Any = None) -> Diff:
        """:func:`phasebook.diff`: rows added, removed and changed between two snapshots."""
        return diff(before, after, key=key)

    def results(self) -> dict[str, Any]:
        """The results payload (architecture.md), secrets already redacted."""
        journal = self.journal.rows()
        routes = [o for o in self.api.observers if isinstance(o, ResponseContract)]
        for row in journal:
            self.tests.touch(row["test_id"], row["at"])
            for contract in routes:  # the OpenAPI template, so the report groups by it
                if route := contract.route(row["method"], row["path"]):
                    row["route"] = route
                    break
        checks = [r.payload() for r in self.checks.results]
        tests = self.tests.payload(checks)
        summary = dict(self.checks.counts(), xpass=sum(t["status"] == "xpass" for t in tests))
        payload = {
            "version": 1,
            "notebook": self.notebook,
            "checks": checks,
            "tests": tests,
            "summary": summary,
            "journal": journal,
            "timings": dict(self.timings),
        }
        return self.redactor.value(payload)  # type: ignore[return-value]

    def finish(self) -> None:
        """Show the results (and emit them for the runner); raise ChecksFailed if any failed.

        Returns nothing, so the last cell shows the summary only; ``results()`` has the payload.
        """
        payload = self.results()
        logs = self.platform.state_dir / "logs" if self.platform.available else None
        show_sequences(payload["journal"], logs, display=self._display)  # report/sequence.py
        self._display(_results_bundle(payload))
        failed = self.checks.failed
        if failed:
            tests = list(dict.fromkeys(r.test_id or "(no test id)" for r in failed))
            lines = "; ".join(f"[{r.test_id}] {r.message}" for r in failed[:5])
            more = f" (+{len(failed) - 5} more)" if len(failed) > 5 else ""
            raise ChecksFailed(
                f"{len(failed)} check(s) failed in {self.notebook}, tests "
                f"{', '.join(tests)}: {lines}{more}",
                failed_tests=tests,
            )

    def close(self) -> None:
        self.api.close()
        self._auth_http.close()
        if self._admin is not None:
            self._admin.close()
        self.mail.close()
        self.db.dispose()

    def __repr__(self) -> str:
        persona = self.user.name if self.user is not None else "anonymous"
        return (
            f"<Session {self.notebook} {self.target.base_url} auth={self.auth.describe()} "
            f"persona={persona} params={self.params.source} "
            f"databases={sorted(self.db)} control={'yes' if self.platform.available else 'no'}>"
        )


class TestScope:
    """Returned by :meth:`Session.test`; as a context manager it restores the previous test."""

    __test__ = False  # not a pytest test class

    def __init__(self, session: Session, previous: str | None):
        self._session = session
        self._previous = previous

    def __enter__(self) -> TestScope:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._session.tests.current = self._previous

    def _ipython_display_(self) -> None:
        """Nothing: ``s.test(...)`` already showed its heading."""
        return None


def _results_bundle(payload: dict[str, Any]) -> dict[str, Any]:
    counts = payload["summary"]
    line = f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
    if counts.get("xfail") or counts.get("xpass"):
        line += f", {counts.get('xfail', 0)} xfail, {counts.get('xpass', 0)} xpass"
    failed = [c for c in payload["checks"] if c["status"] == "failed"]
    items = "".join(f"<li>[{escape(c['test_id'])}] {escape(c['message'])}</li>" for c in failed)
    color = "#cf222e" if failed else "#1a7f37"
    html = (
        f"<div class='phasebook-results'><b style='color:{color}'>{escape(payload['notebook'])}: "
        f"{escape(line)}</b>{f'<ul>{items}</ul>' if items else ''}</div>"
    )
    return {
        "text/plain": f"{payload['notebook']}: {line}",
        "text/html": html,
        RESULTS_MIME: payload,
    }


def session(
    notebook: str | None = None,
    *,
    user_id: int | None = None,
    user: str | None = None,
    timeout: float | None = None,
    eventually_timeout: float | None = None,
    params: str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    transport: Any = None,
    display: Emit | None = None,
) -> Session:
    """Build the notebook's :class:`Session` from the params file.

    Overrides (safe as papermill parameters: none is a secret): ``user`` (a persona name from
    the params ``users:``), ``user_id`` (shopstack's numeric user; default: a fresh one),
    ``timeout`` (request timeout, s), ``eventually_timeout`` (s), ``params`` (a
    params file instead of ``PHASEBOOK_PARAMS``). ``environ``, ``cwd``, ``transport`` and
    ``display`` exist for tests.
    """
    _check_overrides(user_id=user_id, timeout=timeout, eventually_timeout=eventually_timeout)
    loaded = load_params(params, environ=environ, cwd=cwd)
    target = resolve_target(loaded)
    install_short_tracebacks()
    built = Session(
        loaded,
        target,
        notebook=notebook or "notebook",
        user_id=user_id,
        user=user,
        timeout=timeout,
        eventually_timeout=eventually_timeout,
        transport=transport,
        display=emit if display is None else display,
    )
    redact_kernel_output(built.redactor)
    # a cell re-run that raised before its checks leaves none of its earlier passes counted
    settle_after_each_cell(built.cells, built.checks.results)
    built.db.open_all()
    return built


def _check_overrides(*, user_id: Any, timeout: Any, eventually_timeout: Any) -> None:
    if user_id is not None and (
        isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id <= MAX_USER_ID
    ):
        raise ConfigError(
            f"session(user_id={user_id!r}): expected a positive integer below 2**31, or None "
            "for a fresh user"
        )
    for name, value in (("timeout", timeout), ("eventually_timeout", eventually_timeout)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
        ):
            raise ConfigError(f"session({name}={value!r}): expected a positive number of seconds")

"""Sequence diagrams from the run: a test's requests and the internal calls they caused.

The notebook's journal gives each request's ``X-Request-ID``; shopstack logs every call
between its services with that id (``call out rid=ID caller->target METHOD path STATUS
t0=EPOCH MSms``, logger ``shopstack.calls``). Joining the two gives, per test id, the real
flow: ``notebook → gateway → checkout → inventory → payment``. Against a platform whose logs
phasebook cannot read, the diagram has the notebook → gateway part only.

A diagram is shown as Mermaid (``text/markdown``: JupyterLab and GitHub draw it) and as SVG
drawn here (``image/svg+xml``: the exported HTML shows it offline, with no script).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from phasebook.display import SEQUENCE_MIME, Emit, emit
from phasebook.report.routes import normalize_path

MAX_MESSAGES = 60
_CALL = re.compile(
    r"call out rid=(?P<rid>\S+) (?P<caller>[\w-]+)->(?P<target>[\w-]+) (?P<method>\S+) "
    r"(?P<path>\S+) (?P<status>\S+) t0=(?P<t0>[\d.]+) (?P<ms>[\d.]+)ms"
)


@dataclass(frozen=True)
class Call:
    """One logged call between two services."""

    request_id: str
    caller: str
    target: str
    method: str
    path: str
    status: str
    started: float
    elapsed_ms: float


@dataclass(frozen=True)
class Message:
    """One arrow: a request (``call``) or its answer (``reply``)."""

    source: str
    target: str
    label: str
    kind: str = "call"


def parse_calls(lines: Iterable[str], wanted: set[str] | None = None) -> list[Call]:
    """The outbound calls in log ``lines`` (only those of ``wanted`` request ids, if given)."""
    calls = []
    for line in lines:
        _, marker, rest = line.partition("call out rid=")
        if not marker or (wanted is not None and rest.split(" ", 1)[0] not in wanted):
            continue  # cheap tests first: logs of a load run hold 100k+ lines
        found = _CALL.search(line)
        if found is None or (wanted is not None and found["rid"] not in wanted):
            continue
        calls.append(
            Call(
                found["rid"],
                found["caller"],
                found["target"],
                found["method"],
                found["path"],
                found["status"],
                float(found["t0"]),
                float(found["ms"]),
            )
        )
    return calls


def read_calls(logs_dir: Path | None, wanted: set[str]) -> dict[str, list[Call]]:
    """Calls of the ``wanted`` request ids from every ``*.log`` in ``logs_dir``."""
    by_id: dict[str, list[Call]] = {}
    if logs_dir is None or not logs_dir.is_dir() or not wanted:
        return by_id
    for path in sorted(logs_dir.glob("*.log")):
        try:
            with path.open(encoding="utf-8", errors="replace") as lines:
                for call in parse_calls(lines, wanted):
                    by_id.setdefault(call.request_id, []).append(call)
        except OSError:
            continue
    return by_id


def _exchange(row: Mapping, calls: Mapping[str, list[Call]]) -> list[Message]:
    """One request's arrows: the request, the calls it caused (by start and end time), its
    answer."""
    route = f"{row.get('method', '?')} {normalize_path(str(row.get('path', '')))}"
    events = []
    for call in calls.get(str(row.get("request_id")), []):
        label = f"{call.method} {normalize_path(call.path)}"
        end = call.started + call.elapsed_ms / 1000
        events.append((call.started, 0, Message(call.caller, call.target, label)))
        events.append((end, 1, Message(call.target, call.caller, call.status, "reply")))
    inner = [m for _, _, m in sorted(events, key=lambda e: (e[0], e[1]))]
    answer = Message("gateway", "notebook", str(row.get("status") or "no answer"), "reply")
    return [Message("notebook", "gateway", route), *inner, answer]


def messages_for(rows: Sequence[Mapping], calls: Mapping[str, list[Call]]) -> list[Message]:
    """The arrows of one test, in order. Identical exchanges in a row (polling until a
    condition holds) are drawn once inside a ``loop``, so the diagram does not depend on how
    many polls it took."""
    blocks: list[tuple[list[Message], int]] = []
    for row in rows:
        exchange = _exchange(row, calls)
        if blocks and blocks[-1][0] == exchange:
            blocks[-1] = (exchange, blocks[-1][1] + 1)
        else:
            blocks.append((exchange, 1))
    messages: list[Message] = []
    for exchange, count in blocks:
        if count > 1:
            messages.append(Message("notebook", "notebook", "repeated until it held", "loop"))
        messages += exchange
        if count > 1:
            messages.append(Message("notebook", "notebook", "", "end"))
    return messages


def participants(messages: Sequence[Message]) -> list[str]:
    seen: dict[str, None] = {}
    for message in messages:
        if message.kind in ("loop", "end"):
            continue
        seen.setdefault(message.source)
        seen.setdefault(message.target)
    return list(seen)


def mermaid(messages: Sequence[Message], *, omitted: int = 0) -> str:
    """Mermaid ``sequenceDiagram`` source."""
    lines = ["sequenceDiagram"]
    lines += [f"    participant {name}" for name in participants(messages)]
    for m in messages:
        if m.kind == "loop":
            lines.append(f"    loop {_mermaid_text(m.label)}")
        elif m.kind == "end":
            lines.append("    end")
        else:
            arrow = "-->>" if m.kind == "reply" else "->>"
            lines.append(f"    {m.source}{arrow}{m.target}: {_mermaid_text(m.label)}")
    if omitted:
        lines.append(f"    Note over notebook: {omitted} more requests not drawn")
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return text.replace(";", ",").replace("#", "")


def sequence_svg(
    messages: Sequence[Message], *, title: str = "", arrow_id: str = "pb-arrow"
) -> str:
    """The diagram as SVG: one lifeline per participant, one arrow per message, top down.

    ``arrow_id`` names the arrowhead marker. A page holding several diagrams inline needs one
    id per diagram: ``url(#id)`` resolves to the page's first element with that id, and a
    marker inside a closed ``<details>`` draws nothing (index.html's arrows had no heads)."""
    names = participants(messages)
    step, row, top = 150, 22, 46
    width = 40 + step * max(len(names), 1)
    height = top + row * (len(messages) + 1)
    x = {name: 20 + step * i + step / 2 for i, name in enumerate(names)}
    body = [
        f"<text x='4' y='12' font-weight='600'>{html.escape(title)}</text>",
        f"<defs><marker id='{html.escape(arrow_id)}' viewBox='0 0 10 10' refX='9' refY='5' "
        "markerWidth='7' markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
        "fill='#24292f'/></marker></defs>",
    ]
    for name in names:
        body.append(
            f"<rect x='{x[name] - 55}' y='18' width='110' height='20' rx='3' fill='#f6f8fa' "
            f"stroke='#8c959f'/><text class='pb-participant' x='{x[name]}' y='32' "
            f"text-anchor='middle'>{html.escape(name)}</text>"
            f"<line x1='{x[name]}' y1='38' x2='{x[name]}' y2='{height - 4}' stroke='#d0d7de' "
            "stroke-dasharray='3,3'/>"
        )
    for index, m in enumerate(messages):
        y = top + row * (index + 0.5)
        if m.kind in ("loop", "end"):
            if m.kind == "loop":
                body.append(
                    f"<text class='pb-loop' x='4' y='{y + 4}' fill='#8250df'>↻ "
                    f"{html.escape(m.label)}</text>"
                )
            continue
        x1, x2 = x[m.source], x[m.target]
        dash = " stroke-dasharray='4,3'" if m.kind == "reply" else ""
        body.append(
            f"<g class='pb-message pb-{m.kind}' data-from='{html.escape(m.source)}' "
            f"data-to='{html.escape(m.target)}'><line x1='{x1}' y1='{y + 4}' x2='{x2}' "
            f"y2='{y + 4}' stroke='#24292f'{dash} marker-end='url(#{html.escape(arrow_id)})'/>"
            f"<text x='{(x1 + x2) / 2}' y='{y}' text-anchor='middle'>"
            f"{html.escape(m.label[:48])}</text></g>"
        )
    return (
        f"<svg class='pb-sequence' xmlns='http://www.w3.org/2000/svg' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' "
        f"style='font-family:system-ui,sans-serif;font-size:11px'>{''.join(body)}</svg>"
    )


def sequence_payload(
    test_id: str, rows: Sequence[Mapping], calls: Mapping[str, list[Call]]
) -> dict[str, Any]:
    """What the notebook keeps for the report: the test's arrows and its Mermaid source."""
    messages = messages_for(rows, calls)
    drawn = messages[:MAX_MESSAGES]
    requests = sum(m.source == "notebook" and m.kind == "call" for m in messages)
    omitted = requests - sum(m.source == "notebook" and m.kind == "call" for m in drawn)
    messages = drawn
    return {
        "test_id": test_id,
        "messages": [asdict(m) for m in messages],
        "mermaid": mermaid(messages, omitted=omitted),
        "omitted": omitted,
    }


def messages_of(payload: Mapping) -> list[Message]:
    return [Message(**m) for m in payload.get("messages", []) if isinstance(m, Mapping)]


def show_sequences(
    journal_rows: Sequence[Mapping], logs_dir: Path | None, *, display: Emit = emit
) -> int:
    """Display one diagram per test id of ``journal_rows``; returns how many were shown."""
    tests: dict[str, list[Mapping]] = {}
    for row in journal_rows:
        if row.get("test_id"):
            tests.setdefault(str(row["test_id"]), []).append(row)
    wanted = {str(r.get("request_id")) for rows in tests.values() for r in rows}
    calls = read_calls(logs_dir, wanted)
    for test_id, rows in tests.items():
        payload = sequence_payload(test_id, rows, calls)
        title = f"Test {test_id}: requests and the calls they caused"
        display(
            {
                "text/plain": f"{title} (sequence diagram)",
                "text/markdown": f"**{title}**\n\n```mermaid\n{payload['mermaid']}\n```\n",
                "image/svg+xml": sequence_svg(messages_of(payload), title=title),
                SEQUENCE_MIME: payload,
            }
        )
    return len(tests)

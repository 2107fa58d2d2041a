"""Assert an HTML page references nothing on the network (tags' src/href, not text)."""

from __future__ import annotations

from html.parser import HTMLParser


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and tag != "a" and _remote(value):
                self.external.append(f"<{tag} {name}={value}>")


def _remote(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith(("http://", "https://", "//"))


def external_references(html: str) -> list[str]:
    """Every script/link/img/iframe/... whose src or href loads from the network."""
    parser = _References()
    parser.feed(html)
    return parser.external

"""The explorer on a platform known only by its URL: no databases, no state dir, no mailbox.

Every panel still builds; what the platform lacks is said, and the trace falls back to the API.
"""

from __future__ import annotations

import pytest
from phasebook.explore import PlatformPanel, RequestConsole, StateBrowser, TracePanel


@pytest.fixture
def remote(platform, tmp_path, monkeypatch):
    import phasebook

    for name in ("PHASEBOOK_PARAMS", "SHOPSTACK_STATE_DIR", "SHOPSTACK_ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    params = tmp_path / "remote.yaml"
    params.write_text(f"platform:\n  base_url: {platform['gateway_url']}\nauth:\n  mode: mock\n")
    s = phasebook.session("remote", params=str(params), display=lambda bundle: None)
    yield s
    s.close()


def test_every_panel_builds_and_says_what_the_platform_lacks(remote):
    assert "platform panel unavailable" in PlatformPanel(remote).widget.value
    assert "no databases" in StateBrowser(remote).sql.widget.value
    console = RequestConsole(remote)
    console.path.value = "/api/v1/products"
    console.send.click()
    assert console.last_response.status == 200


def test_trace_without_databases_uses_the_api_and_notes_the_rest(remote):
    remote.api.post("/api/v1/cart/items", json={"product_id": 2, "quantity": 1})
    response = remote.api.post("/api/v1/checkout", json={"idempotency_key": remote.unique("co")})
    timeline = TracePanel(remote, response.json["checkout_id"]).run()

    assert timeline.subject == f"checkout {response.json['checkout_id']}"
    kinds = timeline.kinds()
    assert kinds[0] == "request" and kinds.count("transition") == 5
    assert any("no mailbox" in note for note in timeline.notes)
    assert any("platform control unavailable" in note for note in timeline.notes)
    assert any("database 'checkout': not in the params" in note for note in timeline.notes)

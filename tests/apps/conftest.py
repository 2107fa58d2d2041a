"""A conduit server process for the tests of ``tests/apps``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.launch import Conduit, running_conduit


@pytest.fixture(scope="module")
def conduit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conduit]:
    with running_conduit(tmp_path_factory.mktemp("conduit")) as app:
        yield app

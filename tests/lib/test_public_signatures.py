"""The signatures a notebook author sees with Shift-Tab (issue 12): the API verbs spell out
their keyword arguments, and every check that takes a name takes ``(name, actual, ...)``."""

from __future__ import annotations

import inspect

import pytest
from phasebook.api import AdminClient, ApiClient
from phasebook.checks import Checks

VERBS = ("get", "post", "put", "patch", "delete", "request")
EVERY_VERB_TAKES = {"path", "params", "headers", "as_user", "anonymous", "timeout"}


@pytest.mark.parametrize("client", [ApiClient, AdminClient])
@pytest.mark.parametrize("verb", VERBS)
def test_api_verbs_take_explicit_keyword_arguments(client, verb):
    parameters = inspect.signature(getattr(client, verb)).parameters
    kinds = {p.kind for p in parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{verb} hides its arguments in **kwargs"
    assert inspect.Parameter.VAR_POSITIONAL not in kinds
    assert set(parameters) >= EVERY_VERB_TAKES, EVERY_VERB_TAKES - set(parameters)


def _named_checks():
    for name, method in inspect.getmembers(Checks, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = [
            p.name
            for p in list(inspect.signature(method).parameters.values())[1:]
            if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ]
        if "name" in parameters:  # skip(reason, *, name=...) names itself by keyword only
            yield name, parameters


def test_every_check_that_takes_a_name_takes_it_first_then_the_actual_value():
    named = dict(_named_checks())
    assert {"equal", "money", "length", "subset", "json_schema"} <= set(named)
    wrong = {check: params for check, params in named.items() if params[0] != "name"}
    assert not wrong, f"name is not the first argument of: {wrong}"
    for check in ("equal", "money", "subset", "one_of", "matches", "json_schema", "is_type"):
        assert named[check][1] == "actual", (check, named[check])

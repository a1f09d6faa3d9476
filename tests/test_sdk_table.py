"""The action table against the official SDK: the generated declarations are what the installed
SDK says (so a new SDK version shows what changed), and every action of the table, emulated or
not, has the SDK's method, path, parameters and body fields with compatible types."""

from __future__ import annotations

import inspect
import re

import pytest
from alibabacloud_aicontent20240611.client import Client

from emulator.api import bodies, sdkgen
from emulator.api.kinds import KINDS
from emulator.api.sdk_actions import ACTIONS as SDK
from emulator.api.spec import PREFIX
from emulator.api.table import ACTIONS, BY_NAME


def test_the_generated_declarations_are_the_installed_sdks() -> None:
    for path, text in sdkgen.generated().items():
        assert path.read_text() == text, f"{path.name} is stale: run python -m emulator.api.sdkgen --write"


def test_every_sdk_method_is_an_action_of_the_table() -> None:
    methods = {name.removesuffix("_with_options") for name, _ in inspect.getmembers(Client, inspect.isfunction)
               if name.startswith("model_router_") and name.endswith("_with_options")}
    assert methods == {a.sdk_method for a in ACTIONS} and len(methods) == 91


@pytest.mark.parametrize("sdk", SDK, ids=[s.name.removeprefix("ModelRouter") for s in SDK])
def test_the_table_declares_what_the_sdk_sends(sdk) -> None:  # type: ignore[no-untyped-def]
    a = BY_NAME[sdk.name]
    source = inspect.getsource(getattr(Client, f"{sdk.sdk_method}_with_options"))
    assert f"method = '{a.method}'" in source and f"action = '{a.name}'" in source
    template = re.search(r"pathname = f'([^']+)'", source).group(1)  # type: ignore[union-attr]
    assert re.sub(r"\{DaraURL\.percent_encode\((\w+)\)\}", "{}", template) == \
        re.sub(r"\{\w+\}", "{}", PREFIX + a.path)
    assert [p.name for p in a.path_params] == list(sdk.path_params)
    query = {f.name: f for f in sdk.query}
    extras = {p.name for p in a.by_name.values() if p.source == "client"}  # what public clients send besides
    assert set(a.by_name) - extras == set(query), "the table's query parameters are the SDK's"
    for p in a.by_name.values():
        if p.name in extras:
            continue
        assert query[p.name].type in KINDS[p.kind].sdk_types, (p.name, p.kind, query[p.name].type)
        if query[p.name].required:
            assert p.required, f"{p.name}: the SDK says it is required"
    model = bodies.model_for(a)
    if sdk.body:
        assert model is not None
        assert set(model.model_fields) == {f.name for f in sdk.body}
        required = {n for n, f in model.model_fields.items() if f.is_required()}
        assert required >= {f.name for f in sdk.body if f.required}
    else:
        assert model is None
    assert a.any_body == sdk.any_body

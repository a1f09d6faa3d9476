"""QueryBillingCostBreakdown and QueryUsageBreakdown: one row per bucket × model × API key, the
grain of departmental chargeback.

Rows are ordered by (summaryTime, modelId, apiKeyId) over the buckets of the asked granularity,
the models M (modelId, modelTypes) and the keys the filters select. Under `empty_buckets=zero`
every combination is a row, so row *i* is found from *i* alone and a page costs its rows, not the
span (a year of hourly rows pages like a day); under `omit` only rows with usage are listed,
which looks at the whole span. Each row's figures are the key's own model-detail figures for the
bucket, so Σ `payableAmount` over the rows = the overview's `total_amount` for the same span and
filters, exactly; under `discounted_amounts=payable` the figures are before the department's
discount and `payableAmount` after it (the key as the wallet is charged), so Σ `payableAmount`
= − Σ the wallet debits instead. A page's text over a span wholly before the data clock never changes and is
kept (bounded).
"""

from __future__ import annotations

import json
from typing import Any

from emulator.api import reply, text
from emulator.api.call import Call
from emulator.api.prices import tier_rows
from emulator.domain.aggregate import union_keys
from emulator.domain.figures import complete_rows
from emulator.domain.scenario import ApiKey, Model
from emulator.domain.timeline import Timeline

# (bucket index, model, key, the key's figures in that bucket, its payable amount there)
Cell = tuple[int, Model, ApiKey, list[int], int]


def _timeline(call: Call) -> Timeline:
    return Timeline.of(call.args["granularity"], call.args["startTime"], call.args["endTime"])


def _grid(call: Call, timeline: Timeline, models: list[Model], keys: list[ApiKey],
          payable: bool) -> tuple[list[Cell], int]:
    """This page's cells and the number of rows listed (`payable`: with their payable amounts)."""
    figures, state = call.world.figures, call.state
    per_bucket = len(models) * len(keys)
    if not per_bucket:
        return [], 0
    size = call.paging.size or 20
    if not state.omit_empty:
        total = timeline.total * per_bucket
        first, count = call.window(total)
        if count == 0:
            return [], total
        b0, b1 = first // per_bucket, (first + count - 1) // per_bucket + 1
        rows = {(m.id, k.id): figures.rows(m, (k,), timeline, b0, b1 - b0, state.cutoff, state.events)
                for m in models for k in keys}
        paid = _payable(call, models, keys, timeline, b0, b1 - b0) if payable else {}
        cells = []
        for i in range(first, first + count):
            b, r = divmod(i, per_bucket)
            m, k = models[r // len(keys)], keys[r % len(keys)]
            w = len(m.type.columns)
            row = rows[(m.id, k.id)][(b - b0) * w: (b - b0 + 1) * w]
            amounts = paid.get((m.id, k.id))
            cells.append((b, m, k, row, row[-1] if amounts is None else amounts[b - b0]))
        return cells, total
    listed: list[Cell] = []
    every = {(m.id, k.id): figures.rows(m, (k,), timeline, 0, timeline.total, state.cutoff, state.events)
             for m in models for k in keys}
    paid = _payable(call, models, keys, timeline, 0, timeline.total) if payable else {}
    for b in range(timeline.total):
        for m in models:
            w = len(m.type.columns)
            for k in keys:
                row = every[(m.id, k.id)][b * w: (b + 1) * w]
                if any(row):
                    amounts = paid.get((m.id, k.id))
                    listed.append((b, m, k, row, row[-1] if amounts is None else amounts[b]))
    first = min(call.offset, len(listed))
    return listed[first: first + size], len(listed)


def _payable(call: Call, models: list[Model], keys: list[ApiKey], timeline: Timeline, first: int,
             count: int) -> dict[tuple[int, int], list[int]]:
    """The amounts after discount of the keys the cost figures price before it (the form
    `discounted_amounts=payable`): bucket by bucket from `first`, per (model, key); none of a key
    priced as it is charged."""
    figures, state, api_keys = call.world.figures, call.state, call.world.scenario.api_keys
    out: dict[tuple[int, int], list[int]] = {}
    for k in keys:
        charged = api_keys.get(k.id, k)
        if charged is k or not charged.discounts:
            continue
        for m in models:
            w = len(m.type.columns)
            out[(m.id, k.id)] = figures.rows(m, (charged,), timeline, first, count, state.cutoff,
                                             state.events)[w - 1::w]
    return out


def _head(call: Call, m: Model, k: ApiKey) -> str:
    """The fields of a row that depend on its model and key alone, as JSON text."""
    scenario = call.world.scenario
    dep = scenario.departments[k.department_id]
    member = scenario.members.get(k.member_id) if k.member_id is not None else None
    return (f'"apiKeyId":{k.id},"apiKeyName":{text.quoted(k.name)},"clientId":{dep.id},'
            f'"clientName":{text.quoted(scenario.name_of(dep))},"memberUserId":{k.member_id or 0},'
            f'"memberUserName":{text.quoted(scenario.name_of(member) if member else "")},'
            f'"modelCode":{text.quoted(m.code)},"modelId":{m.id},"modelName":{text.quoted(m.name)}')


def _page(call: Call, render: Any) -> bytes:
    """The page: `render(cells, timeline, models)` writes the rows; kept when the span is settled."""
    timeline = _timeline(call)
    models = sorted(call.models(), key=lambda m: m.id)
    keys = sorted(call.keys, key=lambda k: k.id)
    settled = complete_rows(timeline.first, timeline.step, timeline.total, call.state.cutoff) == timeline.total
    kept = call.world.aggregate.pages
    key = (call.action.name, call.fingerprint, call.offset, call.paging.size, call.state.events,
           call.world.forms, call.world.scenario.generation)
    found = kept.get(key) if settled else None
    if found is None:
        cells, total = _grid(call, timeline, models, keys, render is _cost_rows)
        found = (render(call, cells, timeline, models).encode(), total)  # encoded once: the text is large
        if settled:
            kept.put(key, found)
    data, total = found
    size = call.paging.size or 20
    body = b"".join((f'{{"granularity":"{timeline.granularity}","page":{call.legacy_page},"pageSize":{size},'.encode(),
                     data, f',"total":{total}}}'.encode()))
    return reply.body(call.request_id, body, size, call.next_token(total))


def _cost_rows(call: Call, cells: list[Cell], timeline: Timeline, models: list[Model]) -> str:
    double = call.double_encoded
    heads: dict[tuple[int, int], str] = {}
    out = []
    for b, m, k, row, paid in cells:
        head = heads.get((m.id, k.id))
        if head is None:
            head = heads[(m.id, k.id)] = _head(call, m, k)
        names = tuple(c.key for c in m.type.columns)
        numbers = [str(x) for x in row[:-1]] + [text.amount(row[-1])]
        usage = {c: x for c, x in zip(names[:-1], row[:-1]) if c in m.type.drawn and c != "total_calls"}
        out.append(f'{{{head},"billingType":"total_amount","dimValues":"{{}}","modelSymbol":{text.quoted(m.symbol)},'
                   f'"modelType":{text.quoted(m.wire_type)},"modelVersion":1,"payableAmount":{text.amount(paid)},'
                   f'"summaryTime":{timeline.bucket(b)},"tiers":{tier_rows(m, usage, paid, double)},'
                   f'"values":{text.values(names, numbers, double)}}}')
    columns = text.metric_defs(tuple(union_keys(models)))
    return f'"columns":{columns},"rows":[{",".join(out)}]'


def _usage_rows(call: Call, cells: list[Cell], timeline: Timeline, models: list[Model]) -> str:
    """Usage as `metrics` [{key, value}], only the non-zero ones [sdk]; the amount is not usage."""
    heads: dict[tuple[int, int], str] = {}
    out = []
    for b, m, k, row, _ in cells:
        head = heads.get((m.id, k.id))
        if head is None:
            head = heads[(m.id, k.id)] = _head(call, m, k)
        metrics = json.dumps([{"key": c.key, "value": x} for c, x in zip(m.type.columns[:-1], row[:-1]) if x],
                             separators=(",", ":"))
        out.append(f'{{{head},"metrics":{metrics},"modelType":{text.quoted(m.wire_type)},'
                   f'"summaryTime":{timeline.bucket(b)}}}')
    return f'"rows":[{",".join(out)}]'


def cost_breakdown(call: Call) -> bytes:
    return _page(call, _cost_rows)


def usage_breakdown(call: Call) -> bytes:
    return _page(call, _usage_rows)

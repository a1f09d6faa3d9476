"""The actions that total costs over the model set M (the catalogue narrowed by modelId,
modelTypes, search): overview, trend, cost by model, bill summary.

Each number is a sum of the same key × model × bucket figures model-detail returns, over the
same buckets (`Call.timeline`), so they agree with model-detail exactly (README "The billing
family" lists the invariants).
"""

from __future__ import annotations

from typing import Any

from emulator import errors
from emulator.api import reply, text
from emulator.api.call import Call
from emulator.api.spec import Limits
from emulator.domain.aggregate import AMOUNT, LANES, PRESENCE, UNION, settled_rows, union_keys
from emulator.domain.scenario import Model
from emulator.domain.timeline import DAY, Timeline

HOURLY_MAX_DAYS = 31  # the longest span trend answers hourly when asked to ([choice])


def _totals(call: Call, models: list[Model], timeline: Timeline) -> list[list[int]]:
    agg, keys, state = call.world.aggregate, call.keys, call.state
    return [agg.totals(m, keys, timeline, state) for m in models]


def overview(call: Call) -> bytes:
    """[{key, label, unit, value}]: calls, the usage metrics of M, model_count, the amount."""
    models = list(call.models())
    per_model = _totals(call, models, call.timeline())
    keys = union_keys(models)
    items = [(k, str(sum(t[UNION.index(k)] for t in per_model))) for k in keys[:-1]]
    if "total_tokens" in keys:  # [client]: a public FinOps client reads avg_tokens from the overview
        tokened = [t for m, t in zip(models, per_model) if any(c.key == "total_tokens" for c in m.type.columns)]
        calls = sum(t[UNION.index("total_calls")] for t in tokened)  # per call of the models with tokens
        tokens = sum(t[UNION.index("total_tokens")] for t in tokened)
        place = keys.index("total_tokens") + 1
        items.insert(place, ("avg_tokens", text.ratio(tokens, calls)))
    items += [("model_count", str(sum(1 for t in per_model if t[PRESENCE]))),
              ("total_amount", text.amount(sum(t[AMOUNT] for t in per_model)))]
    first, count = call.window(len(items))
    data = ",".join(f'{{"key":"{k}","label":{text.quoted(text.column(k).label)},'
                    f'"unit":{text.quoted(text.column(k).unit)},"value":{v}}}'
                    for k, v in items[first: first + count])
    return reply.body(call.request_id, f"[{data}]", call.paging.size or count, call.next_token(len(items)))


def trend_rule(args: dict[str, Any], limits: Limits) -> None:
    """An asked hourly granularity covers at most HOURLY_MAX_DAYS (judged with the other request checks)."""
    if args.get("granularity") == "hourly" and args["endTime"] - args["startTime"] > HOURLY_MAX_DAYS * DAY:
        raise errors.invalid_parameter("granularity", f"hourly covers at most {HOURLY_MAX_DAYS} days; "
                                                      "ask daily, or give no granularity")


def trend_timeline(call: Call) -> Timeline:
    granularity = call.args.get("granularity")
    if granularity is None:
        return call.timeline()  # model-detail's rule: hourly up to hourly_max_days, daily beyond
    return Timeline.of(granularity, call.args["startTime"], call.args["endTime"])


def _points(call: Call, timeline: Timeline) -> tuple[list[Model], list[int], list[int], int, int]:
    """(M, the page's rows summed over M in the shared layout, their bucket starts, the number
    of rows listed: every bucket, or those with usage (empty_buckets=omit), the whole amount)."""
    models = tuple(call.models())
    flat = call.world.aggregate.combined(models, call.keys, timeline, call.state)
    whole = sum(flat[AMOUNT::LANES])
    listed = list(range(timeline.total))
    if call.state.omit_empty:
        listed = [i for i in listed if flat[i * LANES + PRESENCE]]
    first, count = call.window(len(listed))
    chosen = listed[first: first + count]
    if len(chosen) == timeline.total:  # every row: their starts are a range
        stamps = list(range(timeline.first, timeline.first + timeline.total * timeline.step, timeline.step))
        return list(models), flat, stamps, len(listed), whole
    flat = [x for i in chosen for x in flat[i * LANES: (i + 1) * LANES]]
    return list(models), flat, [timeline.bucket(i) for i in chosen], len(listed), whole


def trend(call: Call) -> bytes:
    """The trend's `data`. Its text for a span wholly before the data clock never changes (the
    usage events in force are part of the key), so it is kept, bounded (`TREND_KEPT`)."""
    timeline = trend_timeline(call)
    whole_span = settled_rows(timeline, call.state) == timeline.total
    key = (tuple(call.models()), call.keys, timeline, call.state.events, call.state.omit_empty,
           call.double_encoded, call.offset, call.paging.size)
    kept = call.world.aggregate.texts
    found = kept.get(key) if whole_span else None
    if found is None:
        found = _trend_data(call, timeline)
        if whole_span:
            kept.put(key, found)
    data, count, listed = found
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(listed))


def _trend_data(call: Call, timeline: Timeline) -> tuple[bytes, int, int]:
    models, flat, stamps, listed, _ = _points(call, timeline)
    keys = union_keys(models)
    order = tuple(keys[:-1]) + ("model_count", "total_amount")
    lanes = [UNION.index(k) for k in keys[:-1]] + [PRESENCE]
    points = text.points(flat, stamps, lanes, AMOUNT, order, call.double_encoded)
    head = (f'{{"defaultMetric":"total_amount","granularity":"{timeline.granularity}",'
            f'"metrics":{text.metric_defs(order)},"points":[').encode()
    return b"".join((head, points, b"]}")), len(stamps), listed


def bill_summary(call: Call) -> bytes:
    """{totalAmount, points: [{timestamp, totalAmount}]} at the automatic granularity."""
    timeline = call.timeline()
    _, flat, stamps, listed, total = _points(call, timeline)
    points = text.amounts(flat, stamps, AMOUNT)
    data = f'{{"points":[{points}],"totalAmount":{text.amount(total)}}}'
    return reply.body(call.request_id, data, call.paging.size or len(stamps), call.next_token(listed))


def model_list(call: Call) -> bytes:
    """One row per model of M with usage in the span, most spent first."""
    models = list(call.models())
    keys = tuple(union_keys(models))
    lanes = [UNION.index(k) for k in keys]
    rows = [(m, t) for m, t in zip(models, _totals(call, models, call.timeline())) if t[PRESENCE]]
    rows.sort(key=lambda r: (-r[1][AMOUNT], r[0].id))
    first, count = call.window(len(rows))
    out = []
    for model, totals in rows[first: first + count]:
        numbers = [str(totals[lane]) for lane in lanes[:-1]] + [text.amount(totals[AMOUNT])]
        values = text.values(keys, numbers, call.double_encoded)
        out.append(f'{{"modelCode":{text.quoted(model.code)},"modelId":{model.id},'
                   f'"modelName":{text.quoted(model.name)},"values":{values}}}')
    data = (f'{{"columns":{text.metric_defs(keys)},"idField":"model_id","nameField":"model_name",'
            f'"rows":[{",".join(out)}]}}')
    return reply.body(call.request_id, data, call.paging.size or count, call.next_token(len(rows)))

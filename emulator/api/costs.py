"""The actions that total costs over the model set M (the catalogue narrowed by modelId,
modelTypes, search): overview, trend, cost by model, bill summary.

Each number is a sum of the same key × model × bucket figures model-detail returns, over the
same buckets (`Call.timeline`), so they agree with model-detail exactly (README "The billing
family" lists the invariants).
"""

from __future__ import annotations

from emulator import errors
from emulator.api import text
from emulator.api.call import Call
from emulator.domain.aggregate import LANES, PRESENCE, UNION, column_totals, rows_of, union_keys
from emulator.domain.scenario import Model
from emulator.domain.timeline import DAY, Timeline

HOURLY_MAX_DAYS = 31  # the longest span trend answers hourly when asked to ([choice])


def _series(call: Call, models: list[Model], timeline: Timeline) -> list[int]:
    agg = call.service.aggregate
    return [agg.series(m, call.keys, timeline, call.state) for m in models]


def overview(call: Call) -> bytes:
    """[{key, label, unit, value}]: calls, the usage metrics of M, model_count, the amount."""
    models = list(call.models())
    timeline = call.timeline()
    series = _series(call, models, timeline)
    totals = column_totals(rows_of(sum(series), timeline.total))
    keys = union_keys(models)
    items = [(k, str(totals[UNION.index(k)])) for k in keys[:-1]]
    items += [("model_count", str(sum(1 for s in series if s))),
              ("total_amount", text.amount(totals[UNION.index("total_amount")]))]
    first, count = call.window(len(items))
    data = ",".join(f'{{"key":"{k}","label":{text.quoted(text.column(k).label)},'
                    f'"unit":{text.quoted(text.column(k).unit)},"value":{v}}}'
                    for k, v in items[first: first + count])
    return text.body(call.request_id, f"[{data}]", call.paging.size or count, call.next_token(len(items)))


def trend_timeline(call: Call) -> Timeline:
    granularity = call.args.get("granularity")
    if granularity is None:
        return call.timeline()  # model-detail's rule: hourly up to hourly_max_days, daily beyond
    start, end = call.args["startTime"], call.args["endTime"]
    if granularity == "hourly" and end - start > HOURLY_MAX_DAYS * DAY:
        raise errors.invalid_parameter("granularity", f"hourly covers at most {HOURLY_MAX_DAYS} days; "
                                                      "ask daily, or give no granularity")
    return Timeline.of(granularity, start, end)


def _points(call: Call, timeline: Timeline) -> tuple[list[Model], list[int], list[int]]:
    """(M, flat rows summed over M in the shared layout, indexes of the rows listed)."""
    models = list(call.models())
    flat = rows_of(sum(_series(call, models, timeline)), timeline.total)
    listed = list(range(timeline.total))
    if call.state.omit_empty:
        listed = [i for i in listed if flat[i * LANES + PRESENCE]]
    return models, flat, listed


def trend(call: Call) -> bytes:
    timeline = trend_timeline(call)
    models, flat, listed = _points(call, timeline)
    keys = union_keys(models)
    order = tuple(keys[:-1]) + ("model_count", "total_amount")
    lanes = [UNION.index(k) for k in keys[:-1]] + [PRESENCE, UNION.index("total_amount")]
    first, count = call.window(len(listed))
    points = []
    for i in listed[first: first + count]:
        row = flat[i * LANES: (i + 1) * LANES]
        numbers = [str(row[lane]) for lane in lanes[:-1]] + [text.amount(row[lanes[-1]])]
        values = text.values(order, numbers, call.double_encoded)
        points.append(f'{{"timestamp":{timeline.bucket(i)},"values":{values}}}')
    data = (f'{{"defaultMetric":"total_amount","granularity":"{timeline.granularity}",'
            f'"metrics":{text.metric_defs(list(order))},"points":[{",".join(points)}]}}')
    return text.body(call.request_id, data, call.paging.size or count, call.next_token(len(listed)))


def bill_summary(call: Call) -> bytes:
    """{totalAmount, points: [{timestamp, totalAmount}]} at the automatic granularity."""
    timeline = call.timeline()
    _, flat, listed = _points(call, timeline)
    amount_lane = UNION.index("total_amount")
    total = sum(flat[amount_lane::LANES])
    first, count = call.window(len(listed))
    points = ",".join(f'{{"timestamp":{timeline.bucket(i)},"totalAmount":{text.amount(flat[i * LANES + amount_lane])}}}'
                      for i in listed[first: first + count])
    data = f'{{"points":[{points}],"totalAmount":{text.amount(total)}}}'
    return text.body(call.request_id, data, call.paging.size or count, call.next_token(len(listed)))


def model_list(call: Call) -> bytes:
    """One row per model of M with usage in the span, most spent first."""
    models = list(call.models())
    timeline = call.timeline()
    keys = tuple(union_keys(models))
    amount_lane = UNION.index("total_amount")
    rows = []
    for model, packed in zip(models, _series(call, models, timeline)):
        if packed:
            totals = column_totals(rows_of(packed, timeline.total))
            rows.append((-totals[amount_lane], model.id, model, totals))
    rows.sort(key=lambda r: (r[0], r[1]))
    first, count = call.window(len(rows))
    out = []
    for _, _, model, totals in rows[first: first + count]:
        numbers = [text.printed(k, totals[UNION.index(k)]) for k in keys]
        values = text.values(keys, numbers, call.double_encoded)
        out.append(f'{{"modelCode":{text.quoted(model.code)},"modelId":{model.id},'
                   f'"modelName":{text.quoted(model.name)},"values":{values}}}')
    data = (f'{{"columns":{text.metric_defs(list(keys))},"idField":"model_id","nameField":"model_name",'
            f'"rows":[{",".join(out)}]}}')
    return text.body(call.request_id, data, call.paging.size or count, call.next_token(len(rows)))

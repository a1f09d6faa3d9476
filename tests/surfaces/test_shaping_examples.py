"""The README's "Shaping the data for a test" examples, exactly as printed there: an outage, a
spike that trips an alert, and "spend so far today" with a frozen clock. Official SDK only."""

import json
from decimal import Decimal

from alibabacloud_aicontent20240611 import models

# -- README: an outage ------------------------------------------------------------------------


def test_an_outage(aicontent_emulator, aicontent_client):
    noon = 1709265600                                     # 2024-03-01 12:00 Beijing time
    aicontent_emulator.usage_events.add(startTime=noon, endTime=noon + 3600, factor=0, note="outage")
    body = aicontent_client.model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=noon - 3600, end_time=noon + 7200)).body
    calls = [json.loads(row.values)["total_calls"] for row in body.data.rows]   # 11:00, 12:00, 13:00
    assert calls[1] == 0 and calls[0] > 0 and calls[2] > 0


# -- README: a spike that trips an alert -----------------------------------------------------


def hours_over(client, model_id, start, end, limit_yuan):
    """The alert under test: the hours whose spend is over the limit."""
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=model_id, start_time=start, end_time=end,
                                                        page_size=100)
    rows = client.model_router_query_cost_model_detail(req).body.data.rows
    return [row.timestamp for row in rows if json.loads(row.values)["total_amount"] > limit_yuan]


def test_a_spike_trips_the_alert(aicontent_emulator, aicontent_client):
    day = 1709222400                                      # 2024-03-01 00:00 Beijing time
    spike = day + 14 * 3600                               # its 14:00 hour
    assert hours_over(aicontent_client, 1, day, day + 86400, limit_yuan=10) == []
    aicontent_emulator.usage_events.add(startTime=spike, endTime=spike + 3600, modelId=1, factor=10)
    assert hours_over(aicontent_client, 1, day, day + 86400, limit_yuan=10) == [spike]


# -- README: spend so far today, with a frozen clock ---------------------------------------------


def spend_today(client, model_id, midnight):
    """The code under test: today's spend so far, summed from the hourly rows."""
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=model_id, start_time=midnight,
                                                        end_time=midnight + 86400, page_size=24)
    rows = client.model_router_query_cost_model_detail(req).body.data.rows
    return sum(json.loads(row.values, parse_float=Decimal)["total_amount"] for row in rows)


def test_spend_so_far_today(aicontent_emulator, aicontent_client):
    aicontent_emulator.clock.set("2024-03-01T15:20:00+08:00")   # "now", frozen
    today = 1709222400                                          # 2024-03-01 00:00 Beijing time
    so_far = spend_today(aicontent_client, 1, today)
    week = aicontent_client.model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=today - 7 * 86400, end_time=today + 86400)).body   # 8 days: daily rows
    assert so_far == json.loads(week.data.rows[-1].values, parse_float=Decimal)["total_amount"]
    aicontent_emulator.clock.advance(3600)
    assert spend_today(aicontent_client, 1, today) > so_far

"""The directory's writes, API keys and the catalogue (models, flow control, prices): as in
`emulator.api.writes`, a checked body becomes a named operation, its answer is rendered from the
world it made.

A new key's secret comes from the seed and its id; the create answers hand it out (as CopyApiKey
does), nothing stores or journals it. A provider's API key given to CreateModel is kept as its
preview only.
"""

from __future__ import annotations

from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.catalogue import has_rule
from emulator.api.prices import rule_dto
from emulator.api.writes import batch_result, body_args, done, perform
from emulator.domain.clock import iso_utc
from emulator.render import dumps


def _provider_key(args: dict[str, Any]) -> dict[str, Any]:
    """The provider's key replaced by its preview before anything keeps the arguments."""
    secret = args.pop("apiKey", None)
    if secret is not None:
        args["apiKeyPreview"] = dto.masked(secret) if len(secret) > 10 else "****"
    return args


# -- API keys -------------------------------------------------------------------------------------
def create_api_key(call: Call) -> bytes:
    key_id, world = perform(call, "create_api_key", body_args(call))
    s = world.scenario
    return reply.of(call.request_id, dto.api_key_dto(s, s.api_keys[key_id], call.org.id, reveal=True))


def create_member_api_key(call: Call) -> bytes:
    key_id, world = perform(call, "create_member_api_key", body_args(call, "clientId", "id"))
    return reply.of(call.request_id, {"apiKey": dto.api_key_secret(world.scenario.seed, key_id), "apiKeyId": key_id})


def batch_create_member_api_keys(call: Call) -> bytes:
    result, _ = perform(call, "batch_create_member_api_keys", body_args(call, "id"))
    return batch_result(call, result)


def update_api_key_status(call: Call) -> bytes:
    """Its own envelope [sdk]: {code, message, requestId, success, data}."""
    result, _ = perform(call, "update_api_key_status", body_args(call, "id"))
    return (f'{{"code":200,"message":"success","requestId":"{call.request_id}","success":true,'
            f'"data":{dumps(result).decode()}}}').encode()


def batch_disable_member_api_keys(call: Call) -> bytes:
    result, _ = perform(call, "batch_disable_member_api_keys", body_args(call, "id"))
    return batch_result(call, result)


def renew_api_key(call: Call) -> bytes:
    result, _ = perform(call, "renew_api_key", body_args(call, "id"))
    expire = result["expireAt"]
    return reply.of(call.request_id, {**result, "expireAt": iso_utc(expire) if expire is not None else None})


def batch_renew_member_api_keys(call: Call) -> bytes:
    result, _ = perform(call, "batch_renew_member_api_keys", body_args(call, "id"))
    return batch_result(call, result)


def delete_api_key(call: Call) -> bytes:
    return done(call, "delete_api_key", body_args(call, "id"))


# -- models, flow control, prices -----------------------------------------------------------------
def _model(world: Any, model_id: int) -> dict[str, Any]:
    return dto.model_dto(world.scenario.models[model_id], model_id in has_rule(world.scenario))


def create_model(call: Call) -> bytes:
    model_id, world = perform(call, "create_model", _provider_key(body_args(call)))
    return reply.of(call.request_id, _model(world, model_id))


def batch_create_model(call: Call) -> bytes:
    result, world = perform(call, "batch_create_model", _provider_key(body_args(call)))
    created = [_model(world, i) for i in result["created"]]
    return reply.of(call.request_id, {"created": created, "failCount": len(result["failures"]),
                                      "failures": result["failures"], "successCount": len(created)})


def update_model(call: Call) -> bytes:
    model_id, world = perform(call, "update_model", _provider_key(body_args(call, "id")))
    return reply.of(call.request_id, _model(world, model_id))


def delete_model(call: Call) -> bytes:
    return done(call, "delete_model", body_args(call, "id"))


def save_flow_config(call: Call) -> bytes:
    model_id, world = perform(call, "save_flow_config", body_args(call))
    f = world.scenario.flows[model_id]
    return reply.of(call.request_id, {"gmtCreate": dto.gmt(f.created_at), "gmtModified": dto.gmt(f.modified_at),
                                      "id": f.id, "modelId": f.model_id, "rpm": f.rpm,
                                      "smoothFlowEnabled": f.smooth, "tpm": f.tpm})


def _rule(call: Call, name: str, args: dict[str, Any]) -> bytes:
    rule_id, world = perform(call, name, args)
    rule = world.scenario.rules[rule_id]
    return reply.of(call.request_id, rule_dto(world.scenario.models[rule.model_id], rule))


def create_billing_rule(call: Call) -> bytes:
    return _rule(call, "create_billing_rule", body_args(call))


def update_billing_rule(call: Call) -> bytes:
    return _rule(call, "update_billing_rule", body_args(call, "id"))

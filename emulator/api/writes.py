"""The directory's writes, departments, members and model groups: each handler turns its checked
body into the arguments of a named operation (`emulator.domain.operations`), performs it on the
world, and renders the answer from the world it made.

An operation's arguments are stored as they are, so that every worker, a restart and an
imported state replay it: JSON values only, never a secret (a provider's API key is kept as
its preview).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from emulator import errors
from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.world import World
from emulator.domain.directory import Refused


def caller(call: Call) -> dict[str, Any]:
    """Who writes: the organisation, and a department-scoped caller's departments."""
    scope = call.account.department_ids
    return {"org": call.org.id, "scope": list(scope) if scope is not None else None}


def body_args(call: Call, *path: str) -> dict[str, Any]:
    """The body's given fields (those set to null left out) and the named path parameters."""
    body = call.body
    data = body.model_dump(exclude_none=True) if isinstance(body, BaseModel) else {}
    data.pop("allowedModelGroupConfig", None)
    data.pop("allowedModels", None)
    if isinstance(body, BaseModel) and {"allowedModelGroupConfig", "allowedModels"} & body.model_fields_set:
        data["auth"] = auth_of(body)
    return {**caller(call), **data, **{p: call.args[p] for p in path}}


def auth_of(body: Any) -> dict[str, Any] | None:
    """allowedModelGroupConfig, else the legacy allowedModels [sdk: the former takes precedence];
    None: every model."""
    if "allowedModelGroupConfig" in body.model_fields_set and body.allowedModelGroupConfig is not None:
        return dict(body.allowedModelGroupConfig)
    return body.allowedModels  # type: ignore[no-any-return]


def perform(call: Call, name: str, args: dict[str, Any], finish: Any = None) -> tuple[Any, World]:
    """Run the operation; a refusal is the API's error naming the field (the world unchanged)."""
    try:
        return call.world.write(name, args, finish) if finish is not None else call.world.write(name, args)
    except Refused as exc:
        if exc.denied:
            raise errors.rejected(errors.PERMISSION_DENIED, f"{exc.field}: {exc.reason}") from None
        raise errors.invalid_parameter(exc.field, exc.reason) from None


def done(call: Call, name: str, args: dict[str, Any]) -> bytes:
    """An operation whose answer is `data: true` [sdk: "no business data"]."""
    perform(call, name, args)
    return reply.of(call.request_id, True)


def batch_result(call: Call, result: dict[str, Any]) -> bytes:
    """BatchOpResultDTO: the users changed, and those that failed with the reason."""
    return reply.of(call.request_id, {"failed": result["failed"], "succeeded": result["succeeded"]})


# -- departments ----------------------------------------------------------------------------------
def create_client(call: Call) -> bytes:
    dep_id, world = perform(call, "create_client", body_args(call))
    return reply.of(call.request_id, dto.client_dto(world.scenario, world.scenario.departments[dep_id], call.org.id))


def update_client(call: Call) -> bytes:
    dep_id, world = perform(call, "update_client", body_args(call, "id"))
    return reply.of(call.request_id, dto.client_dto(world.scenario, world.scenario.departments[dep_id], call.org.id))


def delete_client(call: Call) -> bytes:
    return done(call, "delete_client", body_args(call, "id"))


def batch_bind_model_group(call: Call) -> bytes:
    return done(call, "batch_bind_model_group", body_args(call))


# -- members --------------------------------------------------------------------------------------
def create_user(call: Call) -> bytes:
    member_id, _ = perform(call, "create_user", body_args(call))
    return reply.of(call.request_id, {"userId": member_id})


def update_user(call: Call) -> bytes:
    return done(call, "update_user", body_args(call, "id"))


def delete_user(call: Call) -> bytes:
    return done(call, "delete_user", body_args(call, "id"))


def set_user_roles(call: Call) -> bytes:
    return done(call, "set_user_roles", body_args(call, "id"))


def set_member_authorization(call: Call) -> bytes:
    args = body_args(call, "clientId", "id")
    if "auth" not in args:
        raise errors.missing_parameter("allowedModelGroupConfig")
    return done(call, "set_member_authorization", args)


def reset_member_authorization(call: Call) -> bytes:
    return done(call, "reset_member_authorization", body_args(call, "clientId", "id"))


def batch_set_member_authorization(call: Call) -> bytes:
    args = body_args(call)
    return done(call, "batch_set_member_authorization", {**args, "clientId": call.args["id"]})


def batch_reset_member_authorization(call: Call) -> bytes:
    result, _ = perform(call, "batch_reset_member_authorization", {**body_args(call), "clientId": call.args["id"]})
    return batch_result(call, result)


# -- model groups ---------------------------------------------------------------------------------
def create_model_group(call: Call) -> bytes:
    group_id, _ = perform(call, "create_model_group", body_args(call))
    return reply.of(call.request_id, {"groupId": group_id})


def update_model_group(call: Call) -> bytes:
    return done(call, "update_model_group", body_args(call, "groupId"))


def delete_model_group(call: Call) -> bytes:
    return done(call, "delete_model_group", body_args(call, "groupId"))

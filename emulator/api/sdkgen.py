"""Reads the official SDK (`alibabacloud-aicontent20240611`) and writes what it declares of every
Model Router action: `emulator/api/sdk_actions.py` (method, path template, path, query and body
fields with their wire names, types and whether the SDK says they are required) and
`emulator/api/sdk_shapes.py` (the answer of each action, field by field, and the SDK's DTOs).

    python -m emulator.api.sdkgen --write     # regenerate both files from the installed SDK
    python -m emulator.api.sdkgen --check     # exit 1, with a diff, when they differ from it

The emulator never imports the SDK: the generated files are checked in, and a test runs
`--check`, so a new SDK version shows what changed. Everything is read from the SDK's own code:
the `*_with_options` methods of `client.py` (which keys go to `query[...]` or `body[...]`, the
`Params(...)` of the call), the request models' annotations and comments ("This parameter is
required."), and the wire names each model's own `to_map` writes.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import importlib.metadata
import inspect
import re
import sys
from pathlib import Path
from typing import Any

PACKAGE = "alibabacloud_aicontent20240611"
DISTRIBUTION = "alibabacloud-aicontent20240611"
PREFIX = "/api/v1/modelRouter/open/"
HERE = Path(__file__).resolve().parent
ACTIONS_FILE = HERE / "sdk_actions.py"
SHAPES_FILE = HERE / "sdk_shapes.py"
MAX_DOC = 400  # characters of an SDK comment kept


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _models() -> Any:
    return importlib.import_module(PACKAGE + ".models")


def _comments(cls: type) -> dict[str, tuple[str, bool]]:
    """attribute → (its comment, whether it says the field is required), from `__init__`'s source."""
    lines = inspect.getsource(cls.__init__).splitlines()  # type: ignore[misc]
    out: dict[str, tuple[str, bool]] = {}
    block: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped.lstrip("#").strip())
            continue
        m = re.match(r"self\.(\w+) = ", stripped)
        if m:
            required = any(b == "This parameter is required." for b in block)
            text = " ".join(b for b in block if b and b != "This parameter is required.")
            out[m.group(1)] = (text[:MAX_DOC], required)
        block = []
    return out


class _Mark:
    """Stands for a field's value while the model's `to_map` runs; nested models call `to_map` on it."""

    def __init__(self, attr: str) -> None:
        self.attr = attr

    def to_map(self) -> dict[str, str]:
        return {"\0": self.attr}


def _marked(value: Any) -> str | None:
    """The attribute a written value stands for (a mark, a list of marks, a nested mark's map)."""
    if isinstance(value, _Mark):
        return value.attr
    if isinstance(value, list) and value:
        return _marked(value[0])
    if isinstance(value, dict) and "\0" in value:
        return str(value["\0"])
    return None


def _wire_names(cls: type) -> dict[str, str]:
    """attribute → wire name, found by letting the model's own `to_map` write marks."""
    params = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    obj = cls()
    for name, p in list(params.items())[1:]:
        annotation = p.annotation if isinstance(p.annotation, str) else str(p.annotation)
        setattr(obj, name, [_Mark(name)] if annotation.startswith("List[") else _Mark(name))
    out = {}
    for key, value in obj.to_map().items():
        attr = _marked(value)
        if attr is not None:
            out[attr] = key
    return out


def _type_of(annotation: Any, hints_module: Any, dtos: dict[str, Any]) -> str:
    """A field's type in the generated vocabulary: int, str, float, bool, any, dict, list[T], or a
    DTO's name (its fields written to `dtos`)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    text = text.replace("main_models.", "")
    m = re.fullmatch(r"List\[(.+)\]", text)
    if m:
        return f"list[{_type_of(m.group(1), hints_module, dtos)}]"
    if re.fullmatch(r"Dict\[.+\]", text):
        return "dict"
    simple = {"int": "int", "str": "str", "float": "float", "bool": "bool", "Any": "any"}
    if text in simple:
        return simple[text]
    cls = getattr(hints_module, text)
    if text not in dtos:
        dtos[text] = None  # placeholder first: recursive DTOs
        dtos[text] = _fields(cls, hints_module, dtos)
    return text


def _fields(cls: type, hints_module: Any, dtos: dict[str, Any]) -> list[tuple[str, str, bool, str]]:
    """(wire name, type, required, comment) of every field of a model, in the SDK's order."""
    comments, names = _comments(cls), _wire_names(cls)
    out = []
    for name, p in list(inspect.signature(cls.__init__).parameters.items())[1:]:  # type: ignore[misc]
        doc, required = comments.get(name, ("", False))
        out.append((names[name], _type_of(p.annotation, hints_module, dtos), required, doc))
    return out


def _path(node: ast.expr) -> tuple[str, list[str]]:
    """The pathname f-string → (template under PREFIX with {wireName} parameters, python arg names)."""
    assert isinstance(node, ast.JoinedStr), ast.dump(node)
    parts, args = [], []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        else:
            assert isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Call)
            arg = value.value.args[0]
            assert isinstance(arg, ast.Name)
            args.append(arg.id)
            parts.append("{" + _camel(arg.id) + "}")
    path = "".join(parts)
    assert path.startswith(PREFIX), path
    return path[len(PREFIX):], args


def extract() -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """(SDK version, every action's declaration, every DTO of their answers)."""
    client = importlib.import_module(PACKAGE + ".client")
    models = _models()
    source = inspect.getsource(client)
    tree = ast.parse(source)
    klass = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    actions: list[dict[str, Any]] = []
    dtos: dict[str, Any] = {}
    request_dtos: dict[str, Any] = {}
    for fn in klass.body:
        if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("model_router_")
                and fn.name.endswith("_with_options")):
            continue
        params = next(c for c in ast.walk(fn) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") == "Params")
        kw = {k.arg: k.value for k in params.keywords}
        template, path_args = _path(kw["pathname"])
        where: dict[str, str] = {}  # request attribute → "query" | "body"
        wire: dict[str, str] = {}
        for node in ast.walk(fn):
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
                    and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id in ("query", "body")
                    and isinstance(node.value, ast.Attribute)):
                sub = node.targets[0].slice
                assert isinstance(sub, ast.Constant)
                where[node.value.attr] = node.targets[0].value.id
                wire[node.value.attr] = str(sub.value)
        query: list[tuple[str, str, bool, str]] = []
        body: list[tuple[str, str, bool, str]] = []
        whole_body = any(isinstance(k.value, ast.Attribute) and k.arg == "body" and k.value.attr == "body"
                         for c in ast.walk(fn) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") ==
                         "OpenApiRequest" for k in c.keywords)
        request_arg = next((a for a in fn.args.args if a.arg == "request"), None)
        if request_arg is not None:  # actions with only path parameters take no request model
            assert isinstance(request_arg.annotation, ast.Attribute)
            request_cls = getattr(models, request_arg.annotation.attr)
            comments = _comments(request_cls)
            hints = dict(inspect.signature(request_cls.__init__).parameters)
            for attr, loc in where.items():
                doc, required = comments.get(attr, ("", False))
                kind = _type_of(hints[attr].annotation, models, request_dtos)
                (query if loc == "query" else body).append((wire[attr], kind, required, doc))
        returns = fn.returns
        assert isinstance(returns, ast.Attribute)
        response_cls = getattr(models, returns.attr)
        body_annotation = inspect.signature(response_cls.__init__).parameters["body"].annotation
        body_name = _type_of(body_annotation, models, dtos)
        action = {
            "name": _const(kw["action"]),
            "sdk_method": fn.name.removesuffix("_with_options"),
            "method": _const(kw["method"]),
            "path": template,
            "path_params": [_camel(a) for a in path_args],
            "query": sorted(query),
            "body": sorted(body),
            "response": body_name,
            "any_body": whole_body,
        }
        actions.append(action)
    actions.sort(key=lambda a: str(a["name"]))
    dtos.update({f"request:{k}": v for k, v in request_dtos.items()})
    return importlib.metadata.version(DISTRIBUTION), actions, dtos


def _const(node: ast.expr) -> str:
    assert isinstance(node, ast.Constant)
    return str(node.value)


HEADER = '''"""GENERATED by `python -m emulator.api.sdkgen --write` from {dist} {version}: do not edit.

{what} `tests/test_sdk_table.py` runs `--check`, so a new SDK version shows what changed.
"""
'''


def _field(f: tuple[str, str, bool, str]) -> str:
    name, kind, required, doc = f
    return f"F({name!r}, {kind!r}, {required!r}, {doc!r})"


def render_actions(version: str, actions: list[dict[str, Any]], dtos: dict[str, Any]) -> str:
    out = [HEADER.format(dist=DISTRIBUTION, version=version,
                         what="Every Model Router action the SDK sends: its method, path template under "
                              "`/api/v1/modelRouter/open/`,\nits path parameters, query and JSON body fields "
                              "(wire name, type, required by the SDK's word, comment)."),
           "from __future__ import annotations\n",
           "from emulator.api.sdkspec import SdkAction as A",
           "from emulator.api.sdkspec import SdkField as F\n",
           f"SDK_VERSION = {version!r}\n",
           "# Models nested in request bodies, by name: their fields as above.",
           "REQUEST_MODELS: dict[str, tuple[F, ...]] = {"]
    for name, fields in sorted(dtos.items()):
        if name.startswith("request:"):
            out.append(f"    {name.removeprefix('request:')!r}: (")
            out += [f"        {_field(f)}," for f in fields]
            out.append("    ),")
    out.append("}\n")
    out.append("ACTIONS: tuple[A, ...] = (")
    for a in actions:
        out.append(f"    A({a['name']!r}, {a['sdk_method']!r}, {a['method']!r}, {a['path']!r},")
        out.append(f"      path_params={tuple(a['path_params'])!r},")
        for part in ("query", "body"):
            if a[part]:
                out.append(f"      {part}=(")
                out += [f"          {_field(f)}," for f in a[part]]
                out.append("      ),")
        if a["any_body"]:
            out.append("      any_body=True,")
        out.append(f"      response={a['response']!r}),")
    out.append(")")
    return "\n".join(out) + "\n"


def render_shapes(version: str, dtos: dict[str, Any]) -> str:
    out = [HEADER.format(dist=DISTRIBUTION, version=version,
                         what="The answers as the SDK reads them: every response body and DTO, field by field "
                              "(wire name,\ntype, comment). Types: int, str, float, bool, any, dict, list[T], "
                              "or another entry's name."),
           "from __future__ import annotations\n",
           "from emulator.api.sdkspec import SdkField as F\n",
           "SHAPES: dict[str, tuple[F, ...]] = {"]
    for name, fields in sorted(dtos.items()):
        if name.startswith("request:"):
            continue
        out.append(f"    {name!r}: (")
        out += [f"        {_field((n, k, False, d))}," for n, k, _, d in fields]
        out.append("    ),")
    out.append("}")
    return "\n".join(out) + "\n"


def generated() -> dict[Path, str]:
    version, actions, dtos = extract()
    return {ACTIONS_FILE: render_actions(version, actions, dtos), SHAPES_FILE: render_shapes(version, dtos)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m emulator.api.sdkgen", description=__doc__.split("\n\n")[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the files from the installed SDK")
    group.add_argument("--check", action="store_true", help="exit 1 when the files differ from the installed SDK")
    args = ap.parse_args(argv)
    stale = 0
    for path, text in generated().items():
        if args.write:
            path.write_text(text)
            continue
        old = path.read_text() if path.exists() else ""
        if old != text:
            stale = 1
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       str(path), "the installed SDK", n=1))
    return stale


if __name__ == "__main__":
    raise SystemExit(main())

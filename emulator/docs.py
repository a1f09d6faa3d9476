"""The README's reference tables, generated from what states them once: the settings (`Settings`),
the actions and their parameters (the action table), and what each well-known account may call
(its policies, evaluated). `python -m emulator.docs --check README.md` fails when the README's
copy is stale; `--write README.md` refreshes it. Each table sits between
`<!-- generated: NAME -->` and `<!-- /generated -->`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from emulator.api.sdk_actions import SDK_VERSION
from emulator.api.spec import Param
from emulator.api.table import ACTIONS
from emulator.settings import ENV_PREFIX, Settings

EMULATED = tuple(a for a in ACTIONS if a.emulated)

SOURCE = {"doc": "[doc]", "sdk": "[sdk]", "choice": "[choice]", "client": "[client]"}


def settings_table() -> str:
    rows = ["| setting | flag | variable | default | meaning |", "|---|---|---|---|---|"]
    for f in dataclasses.fields(Settings):
        default = f.default
        shown = "wall clock" if f.name == "now" else "built-in" if default is None else (
            default.isoformat() if isinstance(default, dt.date) else default)
        flag = f"`--{f.name.replace('_', '-')}`" if f.metadata.get("flag") else "(variable only)"
        rows.append(f"| {f.name} | {flag} | `{ENV_PREFIX}{f.name.upper()}` | `{shown}` | {f.metadata['help']} |")
    return "\n".join(rows)


def actions_table() -> str:
    rows = ["| action | method and path (`/api/v1/modelRouter/open/…`) | SDK method | RAM action | what it answers |",
            "|---|---|---|---|---|"]
    for a in EMULATED:
        ram = f"`{a.ram_action}`" if a.ram_action else "none [doc]"
        rows.append(f"| {a.name} | `{a.method} {a.path}` | `{a.sdk_method}` | {ram} | {a.summary} |")
    return "\n".join(rows)


def coverage_table() -> str:
    """Every action of the SDK, emulated or not (as moto's implementation-coverage pages)."""
    done = len(EMULATED)
    rows = [f"{done} of the {len(ACTIONS)} actions of the official SDK ({SDK_VERSION}) are emulated; "
            "every other one answers 501 `NotImplemented` once its path, query and body have been checked.", "",
            "| | action | method | path (`/api/v1/modelRouter/open/…`) | SDK method |", "|---|---|---|---|---|"]
    for a in ACTIONS:
        rows.append(f"| {'✅' if a.emulated else '—'} | {a.name.removeprefix('ModelRouter')} | {a.method} | "
                    f"`{a.path}` | `{a.sdk_method}` |")
    return "\n".join(rows)


def parameters_tables() -> str:
    """One row per parameter as the table states it, with the actions that take it: a parameter
    shared by several actions (the time span, the filters) is one row."""
    short = {a.name: a.name.removeprefix("ModelRouter") for a in EMULATED}
    rows: dict[Param, list[str]] = {}
    for a in EMULATED:
        for p in a.params:
            rows.setdefault(p, []).append(short[a.name] + (" (required)" if p.required else ""))
    out = ["| parameter | kind | rule | taken by |", "|---|---|---|---|"]
    for p, takers in rows.items():
        kind = p.kind + (f" 1..{p.high}" if p.kind == "size" else f" ≤ {p.high} chars" if p.kind == "text" else "")
        if p.choices:
            kind += " (" + ", ".join(p.choices) + ")"
        every = len(takers) == len(EMULATED)
        where = " (path)" if p.location == "path" else ""
        out.append(f"| `{p.name}`{where} {SOURCE[p.source]} | {kind} | {p.description} | "
                   f"{'every action' if every else ', '.join(takers)} |")
    return "\n".join(out)


def accounts_table() -> str:
    from emulator.auth.policy import RESOURCE, RequestContext, evaluate
    from emulator.service import Service

    service = Service(Settings())
    ctx = RequestContext("127.0.0.1", False, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    rows = ["| name | AccessKey id | AccessKey secret | organization | what it shows | may call |",
            "|---|---|---|---|---|---|"]
    for acct in service.accounts.accounts:
        if acct.organization_id is None:  # every action refuses it
            allowed = "nothing (OrgNoExistException)"
        else:
            names = [a.name.removeprefix("ModelRouter") for a in EMULATED
                     if a.ram_action is None or evaluate(acct.policies, a.ram_action, RESOURCE, ctx) == "Allow"]
            allowed = "every emulated action" if len(names) == len(EMULATED) else ", ".join(names)
        org = "none" if acct.organization_id is None else str(acct.organization_id)
        if acct.department_ids is not None:
            org += f", department {', '.join(map(str, acct.department_ids))} only"
        rows.append(f"| {acct.name} | `{acct.access_key_id}` | `{acct.access_key_secret}` | {org} | "
                    f"{acct.description} | {allowed} |")
    return "\n".join(rows)


def directory_table() -> str:
    """The default scenario's departments, members and API keys: the ids a test names."""
    from emulator.service import Service

    scenario = Service(Settings()).scenario
    rows = ["| organization | department (parent) | members | API keys (id: member, or the department's own) |",
            "|---|---|---|---|"]
    for org in scenario.organizations.values():
        for dep_id in org.department_ids:
            dep = scenario.departments[dep_id]
            members = ", ".join(f"{m.id} {scenario.name_of(m)}" for m in scenario.members.values()
                                if m.department_id == dep_id) or "–"
            keys = ", ".join(f"{k.id}: {k.member_id if k.member_id is not None else 'department'}"
                             for k in scenario.keys_of_department(dep_id)) or "–"
            parent = f" (in {dep.parent_id})" if dep.parent_id is not None else ""
            rows.append(f"| {org.id} {scenario.name_of(org)} | {dep.id} {scenario.name_of(dep)}{parent} | "
                        f"{members} | {keys} |")
    return "\n".join(rows)


TABLES: dict[str, Callable[[], str]] = {
    "settings": settings_table, "actions": actions_table, "parameters": parameters_tables,
    "accounts": accounts_table, "coverage": coverage_table, "directory": directory_table,
}
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- /generated -->)", re.S)


def refreshed(text: str) -> str:
    """The text with every generated block replaced by its current table."""
    def fill(m: re.Match[str]) -> str:
        if m.group(2) not in TABLES:
            raise KeyError(f"no generated table named {m.group(2)!r}")
        return m.group(1) + TABLES[m.group(2)]() + "\n" + m.group(4)
    return BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m emulator.docs", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", metavar="README", help="exit 1 if the README's tables are stale")
    ap.add_argument("--write", metavar="README", help="refresh the README's tables in place")
    args = ap.parse_args(argv)
    path = args.check or args.write
    if path is None:
        for name, table in TABLES.items():
            print(f"<!-- generated: {name} -->\n{table()}\n<!-- /generated -->\n")
        return 0
    text = Path(path).read_text()
    new = refreshed(text)
    if args.write:
        Path(path).write_text(new)
        return 0
    if new != text:
        print(f"{path}: generated tables are stale; run python -m emulator.docs --write {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

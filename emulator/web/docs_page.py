"""`GET /_emulator/docs`: the OpenAPI document as a plain page, written here from the document
itself. Nothing is fetched from another host (FastAPI's default page pulls Swagger UI from a CDN
into the origin that serves every development secret, and is blank offline)."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1b1f24}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;
vertical-align:top}code{font:12px ui-monospace,monospace}.m{font-weight:600;width:4.5em}.muted{color:#57606a}
details{margin:2px 0}summary{cursor:pointer}"""


def _params(op: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
                   f"<td>{'yes' if p.get('required') else ''}</td>"
                   f"<td>{escape(str(p.get('description', '')))}</td></tr>" for p in op.get("parameters", []))
    body = ""
    if "requestBody" in op:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        name = schema.get("$ref", "#/object").rsplit("/", 1)[-1]
        body = f"<p class=muted>JSON body: <code>{escape(name)}</code> (schema in the document)</p>"
    if not rows and not body:
        return ""
    table = f"<table><tr><th>parameter</th><th>in</th><th>required</th><th></th></tr>{rows}</table>" if rows else ""
    return f"<details><summary class=muted>parameters</summary>{table}{body}</details>"


def page(document: dict[str, Any]) -> bytes:
    """The page: every operation by tag, with its parameters; a link to the JSON document."""
    by_tag: dict[str, list[str]] = {}
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(
                f"<tr><td class=m>{escape(method.upper())}</td><td><code>{escape(path)}</code>"
                f"<div>{escape(op.get('summary', ''))}</div>{_params(op)}</td></tr>")
    sections = "".join(f"<h2>{escape(tag)} ({len(rows)})</h2><table>{''.join(rows)}</table>"
                       for tag, rows in by_tag.items())
    info = document.get("info", {})
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(info.get('title', ''))} API"
            f"</title><link rel=icon href='data:,'><style>{STYLE}</style></head><body>"
            f"<h1>{escape(info.get('title', ''))} {escape(str(info.get('version', '')))}</h1>"
            f"<p>{escape(info.get('description', ''))}</p><p>The whole document, for tools: "
            f"<a href='/_emulator/openapi.json'><code>/_emulator/openapi.json</code></a>. The dashboard: "
            f"<a href='/_emulator/ui'><code>/_emulator/ui</code></a>.</p>{sections}</body></html>")
    return html.encode("utf-8")

"""Routing: (method, path) → the action and its raw path arguments, compiled once from the table.

A path of literal segments only (`billing/cost/model-detail`) is one dictionary look-up. The
templates are a tree of segments per method, where a literal segment wins over a parameter
(`clients/tree` is QueryClientTree, not QueryClient with id "tree"); a parameter segment takes any
non-empty segment (`%2F` stays inside it: segments are split before they are decoded). A path no action of
that method has is 404 InvalidAction.NotFound, and the reason says which methods the path has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from emulator import errors
from emulator.api.spec import PREFIX, Action
from emulator.errors import ApiError


@dataclass
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    action: Action | None = None


class Router:
    def __init__(self, actions: Iterable[Action]) -> None:
        self._exact: dict[tuple[str, str], Action] = {}
        self._trees: dict[str, _Node] = {}
        self._methods: dict[str, set[str]] = {}  # template → its methods, for the 404's reason
        for action in actions:
            key = (action.method, action.full_path)
            if key in self._exact or self._insert(action, dry=True):
                raise ValueError(f"two actions answer {action.method} {action.path}")
            self._methods.setdefault(action.path, set()).add(action.method)
            if "{" not in action.path:
                self._exact[key] = action
            self._insert(action)

    def _insert(self, action: Action, dry: bool = False) -> bool:
        """Put the action in its method's tree (dry: only say whether its place is taken)."""
        node = self._trees.get(action.method)
        if node is None:
            if dry:
                return False
            node = self._trees[action.method] = _Node()
        for segment in action.path.split("/"):
            if segment.startswith("{"):
                if node.param is None:
                    if dry:
                        return False
                    node.param = _Node()
                node = node.param
            else:
                child = node.literal.get(segment)
                if child is None:
                    if dry:
                        return False
                    child = node.literal[segment] = _Node()
                node = child
        if dry:
            return node.action is not None
        node.action = action
        return False

    def match(self, method: str, path: str, raw_path: str) -> tuple[Action, tuple[str, ...]]:
        """The action answering `method path` and its path arguments (as sent); else 404."""
        exact = self._exact.get((method, path))
        if exact is not None:
            return exact, ()
        if raw_path.startswith(PREFIX):
            segments = raw_path[len(PREFIX):].split("/")
            tree = self._trees.get(method)
            found = _walk(tree, segments, 0, []) if tree is not None else None
            if found is not None:
                action, args = found
                return action, tuple(args)  # still percent-encoded: parsing decodes each, naming it
            raise self._not_found(method, path, segments)
        raise errors.not_found(method, path)

    def _not_found(self, method: str, path: str, segments: list[str]) -> ApiError:
        others = sorted(m for m, tree in self._trees.items() if m != method and _walk(tree, segments, 0, []))
        if others:
            return ApiError(errors.ACTION_NOT_FOUND,
                            reason=f"{errors.echo(path)} answers {', '.join(others)}, not {errors.echo(method)}")
        return errors.not_found(method, path)


def _walk(node: _Node, segments: list[str], i: int, args: list[str]) -> tuple[Action, list[str]] | None:
    """Literal segments first, then the parameter; depth-first, so `clients/tree/search` and
    `clients/{id}/members` both resolve. Bounded by the templates' depth (a few segments)."""
    if i == len(segments):
        return (node.action, args) if node.action is not None else None
    segment = segments[i]
    child = node.literal.get(unquote(segment) if "%" in segment else segment) if segment else None
    if child is not None:
        found = _walk(child, segments, i + 1, args)
        if found is not None:
            return found
    if node.param is not None and segment:
        return _walk(node.param, segments, i + 1, [*args, segment])
    return None

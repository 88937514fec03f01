"""Check a YAML settings file against frozen dataclasses, field by field, with line numbers.

The dataclasses in `themesite.config` are the schema: each field's annotation is its
type (`bool`, `int`, `float`, `str`, `X | None`, `Literal[...]`), an optional `Rule` in
`Annotated[...]` is its range, and its docstring is its meaning. This module reads the
composed YAML document (nodes keep their line), so every problem is reported as
`file:LINE: key: what is wrong (what is allowed)`, all at once. Values are never
coerced: a quoted "false" is text, not a boolean, and is refused.
"""

from __future__ import annotations

import codecs
import difflib
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from typing import Annotated, Literal, NamedTuple

import yaml

_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Rule:
    """The range of a field: bounds for numbers, a test for text (with its wording)."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    test: Callable[[object], bool] | None = None
    allowed: str = ""

    def wording(self) -> str:
        if self.allowed:
            return self.allowed
        low = f"above {_number(self.gt)}" if self.gt is not None else None
        if self.ge is not None:
            low = (
                f"from {_number(self.ge)}"
                if self.le is not None
                else f"at least {_number(self.ge)}"
            )
        if self.le is not None:
            return f"{low} to {_number(self.le)}" if low else f"at most {_number(self.le)}"
        return low or ""

    def accepts(self, value: object) -> bool:
        if self.test is not None and not self.test(value):
            return False
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                (self.gt is None or value > self.gt)
                and (self.ge is None or value >= self.ge)
                and (self.le is None or value <= self.le)
            )
        return True


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def non_empty(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_codec(value: object) -> bool:
    try:
        codecs.lookup(str(value))
    except LookupError:
        return False
    return True


@dataclass(frozen=True)
class FieldSpec:
    """One setting as the checker sees it: its accepted kinds and its range."""

    name: str
    kinds: tuple[type, ...]  # bool, int, float, str; a float field accepts ints too
    optional: bool
    choices: tuple[str, ...]
    rule: Rule | None

    def allowed(self) -> str:
        """What the setting accepts, in words (error messages and the README use this)."""
        if self.rule is not None and self.rule.allowed:
            text = self.rule.allowed
        elif self.choices:
            text = "one of " + ", ".join(self.choices)
        else:
            text = _KIND_WORDS.get(self.kinds[0], _TEXT)
            if self.rule is not None and self.rule.wording():
                text += ", " + self.rule.wording()
        return text + (", or null" if self.optional else "")

    def problem(self, value: object) -> str | None:
        """Why `value` is not allowed, or None; the wording names what was found."""
        kind = self.kinds[0]
        if value is None:
            return None if self.optional else "has no value; remove the line for the default"
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, self.kinds):
            quote = kind is str and not isinstance(value, list | dict)
            return f"is {_shown(value)}, not {_KIND_NAMES[kind]}" + (
                "; put it in quotes" if quote else ""
            )
        if isinstance(value, float) and not math.isfinite(value):
            return f"is {value}, not a finite number"
        if self.choices and value not in self.choices:
            return f"is {value!r}, not a known choice"
        if self.rule is not None and not self.rule.accepts(value):
            if isinstance(value, str):
                return "is empty" if not value.strip() else f"cannot be {value!r}"
            return f"is {_number(value)}, out of range"
        return None


_TEXT = "text"
_KIND_WORDS = {bool: "true or false, without quotes", int: "a whole number", float: "a number"}
_KIND_NAMES = {bool: "a boolean", int: "a whole number", float: "a number", str: "text"}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"  # a date, for instance


@cache
def field_specs(cls: type) -> dict[str, FieldSpec]:
    """Every field of a settings dataclass, read from its annotations."""
    hints = typing.get_type_hints(cls, include_extras=True)
    specs = {}
    for item in fields(cls):
        hint, rule = hints[item.name], None
        if typing.get_origin(hint) is Annotated:
            hint, *extras = typing.get_args(hint)
            rule = next((e for e in extras if isinstance(e, Rule)), None)
        members = (
            typing.get_args(hint)
            if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
            else (hint,)
        )
        optional = type(None) in members
        [kind] = [m for m in members if m is not type(None)]
        choices: tuple[str, ...] = ()
        if typing.get_origin(kind) is Literal:
            choices, kind = typing.get_args(kind), str
        kinds = (float, int) if kind is float else (kind,)
        specs[item.name] = FieldSpec(item.name, kinds, optional, choices, rule)
    return specs


class Problem(NamedTuple):
    """One wrong setting: its line (to sort by) and the full message."""

    line: int
    message: str


@dataclass(frozen=True)
class Entry:
    """A setting's value as written, with the line it is on."""

    line: int
    value: object


def read_sections(
    text: str, display: str, sections: dict[str, type], problems: list[Problem]
) -> dict[str, dict[str, Entry]]:
    """The checked entries of each section; every problem found is appended to `problems`.

    A document that is not YAML is one problem at the line PyYAML names.
    """
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or "cannot be read"
        message = f"not valid YAML: {problem} (fix the indentation or quoting)"
        problems.append(Problem(line, f"{display}:{line}: {message}"))
        return {}
    finally:
        loader.dispose()
    if root is None or _is_null(root):
        return {}
    names = ", ".join(sections)
    if not isinstance(root, yaml.MappingNode):
        problems.append(
            Problem(1, f"{display}:1: the file must be a mapping of sections ({names})")
        )
        return {}
    result: dict[str, dict[str, Entry]] = {}
    for key, node in _keys(root, display, "", sections, problems):
        if _is_null(node):
            continue
        if not isinstance(node, yaml.MappingNode):
            line = _line(node)
            message = f"{display}:{line}: {key}: is not a mapping (indent its settings under it)"
            problems.append(Problem(line, message))
            continue
        entries: dict[str, Entry] = {}
        specs = field_specs(sections[key])
        elsewhere = {
            name: other
            for other, cls in sections.items()
            if other != key
            for name in field_specs(cls)
            if name not in specs
        }
        for name, value_node in _keys(node, display, f"{key}.", specs, problems, elsewhere):
            value = _value(loader, value_node)
            problem = specs[name].problem(value)
            if problem:
                line = _line(value_node)
                allowed = specs[name].allowed()
                problems.append(
                    Problem(line, f"{display}:{line}: {key}.{name}: {problem} ({allowed})")
                )
            else:
                entries[name] = Entry(_line(value_node), value)
        result[key] = entries
    return result


def _keys(
    node: yaml.MappingNode,
    display: str,
    prefix: str,
    allowed: dict,
    problems: list[Problem],
    elsewhere: dict[str, str] | None = None,
) -> list[tuple[str, yaml.Node]]:
    """The known keys of a mapping with their value nodes; unknown and repeated keys are
    problems (a key of another section says which one)."""
    seen: dict[str, int] = {}
    found = []
    for key_node, value_node in node.value:
        key, line = str(key_node.value), _line(key_node)
        if key not in allowed:
            near = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
            hint = f"did you mean {near[0]}? " if near else ""
            if elsewhere and key in elsewhere:
                hint = f"it belongs under {elsewhere[key]}:; "
            message = f"{prefix}{key}: unknown setting ({hint}allowed: {', '.join(allowed)})"
            problems.append(Problem(line, f"{display}:{line}: {message}"))
        elif key in seen:
            message = f"{prefix}{key}: set twice (first at line {seen[key]}; keep one)"
            problems.append(Problem(line, f"{display}:{line}: {message}"))
        else:
            seen[key] = line
            found.append((key, value_node))
    return found


def _value(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        return str(getattr(node, "value", ""))


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1

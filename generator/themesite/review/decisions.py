"""`corpus/decisions.yml`: what the researcher decided about whole themes, checked line by line.

The file outlives every rebuild, so it is strict about its own shape (an unknown key or
a theme in two contradictory entries stops every command, naming the line) and lenient
about the themes it names: one that a rebuild no longer finds is a warning of the
analysis, since corpora grow and themes come and go.

    version: 1
    rename:                # theme id -> the label readers see
      d-minimum-wage: Pay and the minimum wage
    merge:                 # theme id -> the themes merged into it
      d-owners: [d-small-business]
    drop:                  # themes not to report
      - d-bowling-green
    promote:               # discovered theme -> the taxonomy theme it became
      d-minimum-wage: minimum-wage
"""

from __future__ import annotations

from pathlib import Path

import yaml

from themesite.analyse.shaping import Decision
from themesite.analyse.taxonomy import compose
from themesite.errors import ThemesiteError

DECISIONS = "decisions.yml"
ACTIONS = ("rename", "merge", "drop", "promote")
HOW = "see 'corpus/decisions.yml' in the README"


class DecisionsError(ThemesiteError):
    """The decisions file is malformed; the message names every line at fault."""


def load_decisions(path: Path) -> tuple[Decision, ...]:
    """The decisions in `path` in file order (none when there is no file)."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: cannot read the decisions file as UTF-8 text") from exc
    root = compose(text, path, DecisionsError)
    problems: list[str] = []
    decisions = _read(root, str(path), problems) if root is not None else []
    _contradictions(decisions, problems)
    if len(problems) == 1:
        raise DecisionsError(problems[0])
    if problems:
        raise DecisionsError(f"{len(problems)} problems in {path}: " + "; ".join(problems))
    return tuple(decisions)


def _read(root: yaml.Node, path: str, problems: list[str]) -> list[Decision]:
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{path}:1: the file must be a mapping of {', '.join(ACTIONS)} ({HOW})")
        return []
    decisions: list[Decision] = []
    for key, node in root.value:
        line = key.start_mark.line + 1
        name = key.value
        if name == "version":
            if node.value != "1":
                problems.append(f"{path}:{line}: unknown version {node.value!r} (write version: 1)")
        elif name not in ACTIONS:
            problems.append(
                f"{path}:{line}: unknown key '{name}' (use {', '.join(ACTIONS)} or version)"
            )
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            continue  # "drop:" with every entry commented out
        elif name == "drop":
            decisions += _drops(node, path, problems)
        else:
            decisions += _pairs(name, node, path, problems)
    return decisions


def _drops(node: yaml.Node, path: str, problems: list[str]) -> list[Decision]:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.SequenceNode) or not all(_word(v) for v in node.value):
        problems.append(f"{path}:{line}: 'drop' must be a list of theme ids ({HOW})")
        return []
    return [Decision("drop", v.value, "", f"{path}:{v.start_mark.line + 1}") for v in node.value]


def _pairs(action: str, node: yaml.Node, path: str, problems: list[str]) -> list[Decision]:
    line = node.start_mark.line + 1
    what = {
        "rename": "theme id: new label",
        "merge": "theme id: [ids merged into it]",
        "promote": "discovered theme id: taxonomy theme id",
    }[action]
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{path}:{line}: '{action}' must be a mapping of {what} ({HOW})")
        return []
    found = []
    for key, value in node.value:
        where = f"{path}:{key.start_mark.line + 1}"
        if not _word(key):
            problems.append(f"{where}: '{action}' needs a theme id here ({what})")
        elif action == "merge":
            items = value.value if isinstance(value, yaml.SequenceNode) else None
            if not items or not all(_word(v) for v in items):
                problems.append(f"{where}: merge into '{key.value}' needs a list of ids ({what})")
                continue
            found += [Decision("merge", v.value, key.value, where) for v in items]
        elif not _word(value):
            problems.append(f"{where}: '{key.value}' needs a non-empty value ({what})")
        else:
            label = " ".join(value.value.split())
            found.append(Decision(action, key.value, label, where))
    return found


def _word(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and bool(str(node.value).strip())


def _contradictions(decisions: list[Decision], problems: list[str]) -> None:
    """A theme may be renamed once and moved (merged, promoted, dropped) once; a theme
    merged into another cannot be the target of a merge itself (one step, not chains)."""
    seen: dict[tuple[bool, str], Decision] = {}
    for decision in decisions:
        key = (decision.action == "rename", decision.theme_id)
        if key in seen:
            first = seen[key]
            problems.append(
                f"{decision.where}: theme '{decision.theme_id}' is already in a "
                f"{first.action} entry at {first.where} (keep one of them)"
            )
        seen.setdefault(key, decision)
        if decision.action == "merge" and decision.theme_id == decision.value:
            problems.append(f"{decision.where}: theme '{decision.value}' is merged into itself")
    moved = {d.theme_id: d for d in decisions if d.action in ("merge", "promote", "drop")}
    for decision in decisions:
        if decision.action == "merge" and decision.value in moved:
            other = moved[decision.value]
            problems.append(
                f"{decision.where}: '{decision.value}' receives a merge but is itself in a "
                f"{other.action} entry at {other.where} (merge into the final theme)"
            )

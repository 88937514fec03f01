"""Promote a discovered theme into the taxonomy, where the researcher can edit and keep it.

The entry is drafted from what the analysis knows: the label readers saw, a description
from the key terms and the strongest quote, and the members a reviewer confirmed as
examples (the quotes, when nobody has reviewed the theme yet). It is added as readable
YAML at the end of the taxonomy's theme list, comments and all kept, and the promotion
is recorded in `corpus/decisions.yml`, so the reviews of the discovered theme count for
the new one and the discovered theme, if clustering finds it again, joins it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from themesite.analyse.records import DISCOVERED, ThemeFindings
from themesite.analyse.shaping import YES
from themesite.analyse.taxonomy import _ID, load_taxonomy
from themesite.config import Project
from themesite.errors import ThemesiteError
from themesite.review.decisions import DECISIONS, load_decisions
from themesite.review.labels import REVIEWS, read_reviews
from themesite.review.sheet import find_theme

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Promoted:
    theme_id: str
    taxonomy: Path
    examples: int
    confirmed: bool  # examples are reviewed members (not quotes)


def promote(
    project: Project, taxonomy_path: Path, name: str, new_id: str | None = None
) -> Promoted:
    """Add the discovered theme `name` (id or label) to the taxonomy as `new_id` (by
    default its id without the 'd-' prefix) and record it in corpus/decisions.yml."""
    from themesite.build import read_findings
    from themesite.ingest.store import write_atomic
    from themesite.review.apply import comment_texts

    findings = read_findings(project)
    theme = find_theme(findings, name)
    if theme.kind != DISCOVERED:
        raise ThemesiteError(
            f"theme {theme.id!r} is already in the taxonomy", "promote a discovered theme"
        )
    decisions_path = project.corpus / DECISIONS
    recorded = {
        d.theme_id: d.value for d in load_decisions(decisions_path) if d.action == "promote"
    }
    target = new_id or recorded.get(theme.id) or theme.id.removeprefix("d-")
    if not _ID.match(target):
        raise ThemesiteError(
            f"{target!r} is not a theme id", "use lower-case words joined by hyphens, with --id"
        )
    taxonomy = load_taxonomy(taxonomy_path, missing_ok=True)
    if any(t.id == target for t in taxonomy.themes):
        raise ThemesiteError(
            f"{taxonomy_path}: there is already a theme {target!r}", "choose another id with --id"
        )
    texts = comment_texts(project)
    confirmed = sorted(
        v.comment_id
        for v in read_reviews(project.corpus / REVIEWS)
        if v.decision == YES and v.theme_id in (theme.id, target) and v.comment_id in texts
    )
    item = next(t for t in findings.themes if t.theme.id == theme.id)
    examples = [" ".join(texts[c].split()) for c in confirmed][:MAX_EXAMPLES]
    if not examples:
        examples = [q.text for q in item.quotes]
    entry = {
        "id": target,
        "label": theme.label,
        "description": draft_description(item),
        "examples": examples,
    }
    old = taxonomy_path.read_text(encoding="utf-8") if taxonomy_path.exists() else ""
    new_taxonomy = with_theme(old, entry, taxonomy_path)
    _check(new_taxonomy, taxonomy_path)
    new_decisions = with_promotion(
        decisions_path.read_text(encoding="utf-8") if decisions_path.exists() else "",
        theme.id,
        target,
        decisions_path,
    )
    write_atomic(taxonomy_path, new_taxonomy.encode("utf-8"))
    if theme.id not in recorded:
        write_atomic(decisions_path, new_decisions.encode("utf-8"))
    return Promoted(target, taxonomy_path, len(examples), bool(confirmed))


def draft_description(item: ThemeFindings) -> str:
    """A first description for the researcher to rewrite: the key terms, then the
    strongest quote."""
    terms = list(item.theme.key_terms[:6])
    text = f"Comments about {', '.join(terms)}." if terms else f"Comments about {item.theme.label}."
    if item.quotes:
        text += f' For example: "{item.quotes[0].text}"'
    return text


def with_theme(text: str, entry: dict, path: Path) -> str:
    """The taxonomy text with `entry` as the last theme of its list."""
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=88)
    block = "".join(f"  {line}" if line.strip() else line for line in block.splitlines(True))
    root = yaml.compose(text) if text.strip() else None
    if root is None:
        return (
            text
            + ("" if text.endswith("\n") or not text else "\n")
            + "version: 1\nthemes:\n"
            + block
        )
    themes = next((v for k, v in getattr(root, "value", []) if k.value == "themes"), None)
    if themes is None:
        raise ThemesiteError(f"{path}:1: the taxonomy has no 'themes' list", "add 'themes:' to it")
    return _inserted(text, themes, block, path, "themes")


def with_promotion(text: str, old_id: str, new_id: str, path: Path) -> str:
    """The decisions text with `old_id: new_id` under `promote`."""
    line = f"  {old_id}: {new_id}\n"
    root = yaml.compose(text) if text.strip() else None
    if root is None:
        return "version: 1\npromote:\n" + line
    node = next((v for k, v in root.value if k.value == "promote"), None)
    if node is None:
        return text + ("" if text.endswith("\n") else "\n") + "promote:\n" + line
    return _inserted(text, node, line, path, "promote")


def _inserted(text: str, node: yaml.Node, block: str, path: Path, key: str) -> str:
    """`block` appended to the block collection `node` of `text` (or as its first items
    where the collection is empty: `key:` alone, or `[]` / `{}`)."""
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = node.start_mark.line
    if isinstance(node, yaml.ScalarNode) and node.value == "":
        at = start + 1  # "key:" with nothing after it
    elif node.flow_style if hasattr(node, "flow_style") else False:
        if node.value:
            raise ThemesiteError(
                f"{path}:{start + 1}: '{key}' is written on one line",
                "write it as an indented block and run the command again",
            )
        lines[start] = re.sub(r"\[\s*\]|\{\s*\}", "", lines[start], count=1)
        at = start + 1
    else:
        at = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
        while at > start + 1 and not lines[at - 1].strip():
            at -= 1
    return "".join(lines[:at]) + block + "".join(lines[at:])


def _check(text: str, path: Path) -> None:
    """The new taxonomy must load as the old one did (a promoted theme never breaks it)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_text(text, encoding="utf-8")
        load_taxonomy(copy)

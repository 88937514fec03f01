"""The researcher-editable taxonomy (`corpus/taxonomy.yml`): load it and say exactly what is wrong.

Researchers write themes in words: a label, a description, example statements and
counter-examples. Patterns (phrases, spaCy token patterns) are optional extra
evidence. Every problem is reported at once, each as `file:line: what (how to fix)`,
because a researcher fixing a taxonomy should not have to run the tool ten times.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from themesite.errors import ThemesiteError

THEME_KEYS = {
    "id",
    "label",
    "description",
    "patterns",
    "examples",
    "counter_examples",
    "sub_themes",
}
PATTERN_KEYS = {"phrases", "tokens"}
#: Token-pattern attributes whose values our pipeline produces in lower case only.
_LOWERCASE_ATTRS = {"LOWER", "LEMMA", "NORM"}
#: Token-pattern attributes whose values are words (IS_ALPHA and the like take true/false).
_WORD_ATTRS = _LOWERCASE_ATTRS | {"ORTH", "TEXT", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TaxonomyError(ThemesiteError):
    """The taxonomy file has problems; the message lists every one."""


@dataclass(frozen=True)
class ThemeSpec:
    id: str
    label: str
    description: str
    phrases: tuple[str, ...] = ()
    tokens: tuple[tuple[dict, ...], ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    parent: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Taxonomy:
    """The themes a researcher named. None at all is a valid taxonomy: every theme is then
    discovered."""

    path: str  # "" when there was no taxonomy file
    themes: tuple[ThemeSpec, ...]
    sha256: str = ""

    def theme(self, theme_id: str) -> ThemeSpec:
        return next(t for t in self.themes if t.id == theme_id)

    @property
    def top_level(self) -> tuple[ThemeSpec, ...]:
        return tuple(t for t in self.themes if t.parent is None)

    def without_patterns(self) -> Taxonomy:
        """The same themes written in words only (descriptions and examples), to measure
        what the model finds without the researcher's patterns. Its own hash keeps the NLP
        cache's pattern hits apart from the full taxonomy's."""
        digest = hashlib.sha256(f"{self.sha256}:without-patterns".encode()).hexdigest()
        themes = tuple(replace(t, phrases=(), tokens=()) for t in self.themes)
        return replace(self, themes=themes, sha256=digest)

    def with_examples(self, extra: dict[str, list[str]]) -> Taxonomy:
        """The same themes with more examples (labelled comments): the NLP's pattern hits
        do not depend on examples, so the hash, which keys the NLP cache, stays."""
        themes = tuple(
            replace(t, examples=t.examples + tuple(extra.get(t.id, ()))) for t in self.themes
        )
        return replace(self, themes=themes)


#: The taxonomy of a project that has none: discovered themes only.
NO_TAXONOMY = Taxonomy(path="", themes=())


def load_taxonomy(path: Path, missing_ok: bool = False) -> Taxonomy:
    """The taxonomy in `path`. A project's own taxonomy is optional (`missing_ok`: no file
    means `NO_TAXONOMY`), but a file the user names must exist; a file with no themes
    (empty, only comments, `themes: []`) is an empty taxonomy either way."""
    if missing_ok and not path.exists():
        return NO_TAXONOMY
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(
            f"{path}: cannot read the taxonomy: {exc.strerror}",
            "pass --taxonomy FILE or create corpus/taxonomy.yml",
        ) from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyError(
            f"{path}: the taxonomy is not UTF-8 text", "save it as UTF-8 YAML"
        ) from exc
    root = compose(text, path, TaxonomyError)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if root is None:
        return Taxonomy(path=str(path), themes=(), sha256=digest)
    problems: list[str] = []
    themes = _read_themes(root, str(path), problems)
    if problems:
        raise TaxonomyError(f"{len(problems)} problem(s) in the taxonomy: " + "; ".join(problems))
    return Taxonomy(path=str(path), themes=tuple(themes), sha256=digest)


def compose(text: str, path: Path, error: type[ThemesiteError]) -> yaml.Node | None:
    """The YAML node tree of a researcher's file (which keeps every line number), or
    `error` naming the line where the YAML breaks."""
    try:
        return yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise error(f"{path}:{line}: not valid YAML", "fix the indentation or quoting") from exc


def _read_themes(root: yaml.Node | None, path: str, problems: list[str]) -> list[ThemeSpec]:
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{path}:1: the file must be a mapping with a 'themes' list (see README)")
        return []
    top = _mapping(root)
    for key, (line, _) in top.items():
        if key not in {"themes", "version"}:
            problems.append(f"{path}:{line}: unknown key '{key}' (use 'themes' and 'version')")
    if "themes" in top and _is_null(top["themes"][1]):
        return []  # "themes:" with every theme commented out
    if "themes" not in top or not isinstance(top["themes"][1], yaml.SequenceNode):
        problems.append(f"{path}:1: 'themes' must be a list of themes")
        return []
    themes: list[ThemeSpec] = []
    for node in top["themes"][1].value:
        themes += _read_theme(node, path, None, problems)
    seen: dict[str, int] = {}
    for theme in themes:
        if theme.id in seen:
            problems.append(
                f"{path}:{theme.line}: duplicate theme id '{theme.id}' "
                f"(first at line {seen[theme.id]}; ids must be unique)"
            )
        seen.setdefault(theme.id, theme.line)
    return themes


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[int, yaml.Node]]:
    return {k.value: (k.start_mark.line + 1, v) for k, v in node.value}


def _read_theme(
    node: yaml.Node, path: str, parent: str | None, problems: list[str]
) -> list[ThemeSpec]:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{path}:{line}: a theme must be a mapping with id, label, description")
        return []
    fields = _mapping(node)
    for key, (key_line, _) in fields.items():
        if key not in THEME_KEYS:
            allowed = ", ".join(sorted(THEME_KEYS))
            problems.append(f"{path}:{key_line}: unknown key '{key}' (allowed: {allowed})")
    for required in ("id", "label", "description"):
        if required not in fields or not _scalar(fields[required][1]):
            problems.append(f"{path}:{line}: the theme needs a non-empty '{required}'")
    if any(not _scalar(fields.get(k, (0, None))[1]) for k in ("id", "label", "description")):
        return []
    theme_id = fields["id"][1].value
    if not _ID.match(theme_id):
        problems.append(
            f"{path}:{fields['id'][0]}: theme id '{theme_id}' must be lower-case words "
            "joined by hyphens"
        )
    phrases, tokens = _read_patterns(fields.get("patterns"), path, problems)
    spec = ThemeSpec(
        id=theme_id,
        label=fields["label"][1].value,
        description=" ".join(fields["description"][1].value.split()),
        phrases=phrases,
        tokens=tokens,
        examples=_strings(fields.get("examples"), path, "examples", problems),
        counter_examples=_strings(
            fields.get("counter_examples"), path, "counter_examples", problems
        ),
        parent=parent,
        line=line,
    )
    found = [spec]
    subs = fields.get("sub_themes")
    if subs is not None:
        if not isinstance(subs[1], yaml.SequenceNode):
            problems.append(f"{path}:{subs[0]}: 'sub_themes' must be a list of themes")
        else:
            for sub in subs[1].value:
                found += _read_theme(sub, path, theme_id, problems)
    return found


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _scalar(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.ScalarNode) and bool(str(node.value).strip())


def _strings(
    entry: tuple[int, yaml.Node] | None, path: str, key: str, problems: list[str]
) -> tuple[str, ...]:
    if entry is None:
        return ()
    line, node = entry
    if not isinstance(node, yaml.SequenceNode) or not all(_scalar(v) for v in node.value):
        problems.append(f"{path}:{line}: '{key}' must be a list of non-empty strings")
        return ()
    return tuple(" ".join(v.value.split()) for v in node.value)


def _read_patterns(
    entry: tuple[int, yaml.Node] | None, path: str, problems: list[str]
) -> tuple[tuple[str, ...], tuple[tuple[dict, ...], ...]]:
    if entry is None:
        return (), ()
    line, node = entry
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{path}:{line}: 'patterns' must have 'phrases' and/or 'tokens'")
        return (), ()
    fields = _mapping(node)
    for key, (key_line, _) in fields.items():
        if key not in PATTERN_KEYS:
            problems.append(f"{path}:{key_line}: unknown key '{key}' (use 'phrases' or 'tokens')")
    phrases = _strings(fields.get("phrases"), path, "phrases", problems)
    for phrase in phrases:
        if not re.search(r"\w", phrase):
            problems.append(
                f"{path}:{fields['phrases'][0]}: phrase {phrase!r} has no word in it and can "
                "never match (remove it)"
            )
    tokens: list[tuple[dict, ...]] = []
    if "tokens" in fields:
        token_line, token_node = fields["tokens"]
        value = yaml.safe_load(yaml.serialize(token_node))
        if not isinstance(value, list) or not all(
            isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in value
        ):
            problems.append(
                f"{path}:{token_line}: 'tokens' must be a list of spaCy token patterns "
                "(each a list of mappings such as {LEMMA: measure})"
            )
        else:
            # The list's nodes carry each pattern's own line, which is what a reader fixes.
            for pattern, pattern_node in zip(value, token_node.value, strict=True):
                problem = _never_matches(pattern)
                if problem:
                    line = pattern_node.start_mark.line + 1
                    problems.append(f"{path}:{line}: token pattern {pattern} {problem}")
                tokens.append(tuple(pattern))
    return phrases, tuple(tokens)


def _never_matches(pattern: list[dict]) -> str | None:
    """Why a token pattern can never match in our pipeline, or None if it can."""
    for token in pattern:
        for attr, value in token.items():
            values = value.get("IN", []) if isinstance(value, dict) else [value]
            if attr.upper() in _WORD_ATTRS and any(isinstance(v, bool) for v in values):
                return (
                    "compares a word with true/false: YAML reads on, off, yes and no as "
                    "booleans (put the word in quotes)"
                )
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    try:
        Matcher(Vocab(), validate=True).add("check", [pattern])
    except ValueError as exc:
        first = str(exc).strip().splitlines()[0]
        return f"is not a valid spaCy pattern: {first} (see spacy.io/usage/rule-based-matching)"
    for token in pattern:
        for attr, value in token.items():
            values = value.get("IN", []) if isinstance(value, dict) else [value]
            if attr.upper() in _LOWERCASE_ATTRS and any(
                isinstance(v, str) and v != v.lower() for v in values
            ):
                return (
                    f"can never match: {attr} values are lower case here (write them in lower case)"
                )
    return None

"""What changed between two builds: texts, themes, the comments that moved, quotes, agreement.

One comparison of two records (`analyse.snapshot`), shown twice: as the site's What
changed page and by `themesite diff` in the terminal, so the two always agree. Lists
are sorted (themes by id, comments by id), so the same records give the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from themesite.analyse.snapshot import Snapshot, ThemeRecord
from themesite.wording import count


@dataclass(frozen=True)
class TextChange:
    id: str
    title: str
    comments: int


@dataclass(frozen=True)
class ThemeChange:
    id: str
    label: str
    kind: str
    before: int  # assigned comments in the previous build
    after: int
    joined: tuple[str, ...] = ()  # comment ids assigned now and not before
    left: tuple[str, ...] = ()
    previous_label: str = ""  # when the label changed
    quotes_added: tuple[str, ...] = ()
    quotes_removed: tuple[str, ...] = ()
    leads_to: str = ""  # a vanished theme: the theme its old page leads to


@dataclass(frozen=True)
class Agreement:
    name: str
    before: dict[str, float] | None
    after: dict[str, float] | None


@dataclass(frozen=True)
class Changes:
    first: bool  # no previous build: nothing to compare
    texts_added: tuple[TextChange, ...] = ()
    texts_removed: tuple[TextChange, ...] = ()
    comments_added: int = 0
    comments_removed: int = 0
    appeared: tuple[ThemeChange, ...] = ()
    vanished: tuple[ThemeChange, ...] = ()
    grew: tuple[ThemeChange, ...] = ()
    shrank: tuple[ThemeChange, ...] = ()
    moved: tuple[ThemeChange, ...] = ()  # same count, other comments
    renamed: tuple[ThemeChange, ...] = ()
    quotes: tuple[ThemeChange, ...] = ()  # themes whose quotes changed
    agreement: tuple[Agreement, ...] = ()
    unchanged: int = 0  # themes with the same label, comments and quotes

    @property
    def nothing(self) -> bool:
        """True when the builds report the same findings."""
        lists = (self.texts_added, self.texts_removed, self.appeared, self.vanished)
        lists += (self.grew, self.shrank, self.moved, self.renamed, self.quotes)
        moved_agreement = any(a.before != a.after for a in self.agreement)
        return not (any(lists) or self.comments_added or self.comments_removed or moved_agreement)


def compare(previous: Snapshot | None, current: Snapshot) -> Changes:
    """What `current` reports differently from `previous` (None: the first build)."""
    if previous is None:
        return Changes(first=True)
    before = {t.id: t for t in previous.threads}
    after = {t.id: t for t in current.threads}
    # A record made from a findings file does not list the comments: none are counted.
    listed = previous.universe() is not None and current.universe() is not None
    old_comments = previous.universe() or frozenset() if listed else frozenset()
    new_comments = current.universe() or frozenset() if listed else frozenset()
    old_themes = {t.id: t for t in previous.themes}
    new_themes = {t.id: t for t in current.themes}
    both = sorted(set(old_themes) & set(new_themes))
    compared = [_change(old_themes[i], new_themes[i]) for i in both]
    return Changes(
        first=False,
        texts_added=tuple(_text(after[i]) for i in sorted(set(after) - set(before))),
        texts_removed=tuple(_text(before[i]) for i in sorted(set(before) - set(after))),
        comments_added=len(new_comments - old_comments),
        comments_removed=len(old_comments - new_comments),
        appeared=tuple(
            ThemeChange(t.id, t.label, t.kind, 0, len(t.comments), joined=t.comments)
            for i, t in sorted(new_themes.items())
            if i not in old_themes
        ),
        vanished=tuple(
            ThemeChange(
                t.id,
                t.label,
                t.kind,
                len(t.comments),
                0,
                left=t.comments,
                leads_to=current.retired.get(t.id, ""),
            )
            for i, t in sorted(old_themes.items())
            if i not in new_themes
        ),
        grew=tuple(c for c in compared if c.after > c.before),
        shrank=tuple(c for c in compared if c.after < c.before),
        moved=tuple(c for c in compared if c.after == c.before and (c.joined or c.left)),
        renamed=tuple(c for c in compared if c.previous_label),
        quotes=tuple(c for c in compared if c.quotes_added or c.quotes_removed),
        agreement=tuple(
            Agreement(name, previous.agreement.get(name), current.agreement.get(name))
            for name in sorted(set(previous.agreement) | set(current.agreement))
        ),
        unchanged=sum(1 for c in compared if _same(c)),
    )


def _text(thread) -> TextChange:
    return TextChange(thread.id, thread.title, len(thread.comments))


def _change(old: ThemeRecord, new: ThemeRecord) -> ThemeChange:
    before, after = set(old.comments), set(new.comments)
    return ThemeChange(
        new.id,
        new.label,
        new.kind,
        len(before),
        len(after),
        joined=tuple(sorted(after - before)),
        left=tuple(sorted(before - after)),
        previous_label=old.label if old.label != new.label else "",
        quotes_added=tuple(q for q in new.quotes if q not in old.quotes),
        quotes_removed=tuple(q for q in old.quotes if q not in new.quotes),
    )


def _same(change: ThemeChange) -> bool:
    return not (
        change.joined
        or change.left
        or change.previous_label
        or change.quotes_added
        or change.quotes_removed
    )


def report_lines(changes: Changes) -> Iterator[str]:
    """The comparison as plain lines for the terminal (`themesite diff`)."""
    if changes.first:
        yield "There is no previous build to compare with."
        return
    if changes.nothing:
        yield f"Nothing changed ({count(changes.unchanged, 'theme')} the same)."
        return
    for label, texts in (("added", changes.texts_added), ("removed", changes.texts_removed)):
        for text in texts:
            yield f"text {label}: {text.title} ({count(text.comments, 'comment')}) [{text.id}]"
    yield (f"comments: {changes.comments_added} added, {changes.comments_removed} removed")
    for theme in changes.appeared:
        yield f"theme appeared: {theme.label} [{theme.id}] with {count(theme.after, 'comment')}"
    for theme in changes.vanished:
        where = f", its page leads to {theme.leads_to}" if theme.leads_to else ""
        yield (
            f"theme vanished: {theme.label} [{theme.id}] "
            f"had {count(theme.before, 'comment')}{where}"
        )
    for verb, themes in (("grew", changes.grew), ("shrank", changes.shrank)):
        for theme in themes:
            yield _moved_line(verb, theme)
    for theme in changes.moved:
        yield _moved_line("kept its size but changed", theme)
    for theme in changes.renamed:
        yield f"theme renamed: {theme.previous_label} -> {theme.label} [{theme.id}]"
    for theme in changes.quotes:
        yield (
            f"quotes of {theme.label} [{theme.id}]: {len(theme.quotes_added)} new, "
            f"{len(theme.quotes_removed)} gone"
        )
    for item in changes.agreement:
        yield f"agreement ({item.name}): {_score(item.before)} -> {_score(item.after)}"
    yield f"unchanged: {count(changes.unchanged, 'theme')}"


def _moved_line(verb: str, theme: ThemeChange) -> str:
    detail = ""
    if theme.joined:
        detail += f"; joined: {', '.join(theme.joined)}"
    if theme.left:
        detail += f"; left: {', '.join(theme.left)}"
    return f"theme {verb}: {theme.label} [{theme.id}] {theme.before} -> {theme.after}{detail}"


def _score(value: dict[str, float] | None) -> str:
    if value is None:
        return "none"
    return f"micro F1 {value['micro_f1']:.3f}, kappa {value['kappa']:.3f}"

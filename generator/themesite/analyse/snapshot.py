"""The small record a build keeps of its findings, so the next build can compare with it.

`build/findings.json` is large and says what the site reports; the record says only
what the next build needs: which comments each theme holds, its quotes, the threads,
the agreement with human coding, and every discovered-theme id ever issued with where
a retired one now leads. It is plain JSON with sorted keys and no timestamps, so the
same findings always give the same bytes; a project may commit it (see the README)
so that CI compares a build with the last published site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from themesite.analyse.records import ASSIGNED, DISCOVERED, Findings
from themesite.errors import InputError

RECORD = "snapshot.json"
PREVIOUS = "previous-snapshot.json"
VERSION = 1


@dataclass(frozen=True)
class ThemeRecord:
    id: str
    label: str
    kind: str
    key_terms: tuple[str, ...]
    comments: tuple[str, ...]  # assigned comment ids, sorted
    quotes: tuple[str, ...]  # quote texts, in the site's order


@dataclass(frozen=True)
class ThreadRecord:
    id: str
    title: str
    comments: tuple[str, ...]  # every comment id in thread order (for links), or () if unknown


@dataclass(frozen=True)
class Snapshot:
    themes: tuple[ThemeRecord, ...]
    threads: tuple[ThreadRecord, ...]
    #: scorer name -> {"micro_f1", "kappa"}: agreement with the human coding, if any.
    agreement: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Every discovered-theme id any build issued, so a new theme never takes an old URL.
    issued: tuple[str, ...] = ()
    #: Retired theme id -> the theme id its page now leads to ("" for none).
    retired: dict[str, str] = field(default_factory=dict)
    #: The discovered themes before the researcher's decisions (merged, dropped and
    #: promoted ones too), which the next build matches its own with.
    discovered: tuple[ThemeRecord, ...] = ()

    def theme(self, theme_id: str) -> ThemeRecord | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def universe(self) -> frozenset[str] | None:
        """Every comment id of the corpus, or None when the record does not list them (a
        record made from a findings file)."""
        found = frozenset(c for t in self.threads for c in t.comments)
        return found or None


def snapshot_of(
    findings: Findings,
    threads: Sequence | None = None,
    evaluation: Mapping | None = None,
    issued: Sequence[str] = (),
    retired: Mapping[str, str] | None = None,
    discovered: Sequence[ThemeRecord] | None = None,
) -> Snapshot:
    """The record of `findings`; `threads` (the corpus's `Thread`s) add every comment id,
    which findings alone do not list (unassigned comments have no outcome); `discovered`
    defaults to the discovered themes the findings report."""
    members: dict[str, set[str]] = defaultdict(set)
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            members[item.theme_id].add(item.unit_id)
    themes = tuple(
        ThemeRecord(
            t.theme.id,
            t.theme.label,
            t.theme.kind,
            tuple(t.theme.key_terms),
            tuple(sorted(members.get(t.theme.id, ()))),
            tuple(q.text for q in t.quotes),
        )
        for t in findings.themes
    )
    if threads is not None:
        thread_records = tuple(
            ThreadRecord(t.id, t.title, tuple(c.id for c in t.comments))
            for t in sorted(threads, key=lambda t: t.id)
        )
    else:
        thread_records = tuple(ThreadRecord(p.id, p.label, ()) for p in findings.threads)
    agreement = {}
    for result in (evaluation or {}).get("results", ()):
        agreement[result["name"]] = {
            "micro_f1": round(float(result["micro"]["f1"]), 4),
            "kappa": round(float(result["kappa"]), 4),
        }
    if discovered is None:
        discovered = [replace(t, quotes=()) for t in themes if t.kind == DISCOVERED]
    return Snapshot(
        themes=themes,
        threads=thread_records,
        agreement=agreement,
        issued=tuple(sorted({*issued, *(t.id for t in discovered)})),
        retired=dict(sorted((retired or {}).items())),
        discovered=tuple(sorted(discovered, key=lambda t: t.id)),
    )


def snapshot_to_json(snapshot: Snapshot) -> bytes:
    data = {"themesite_snapshot": VERSION, **_plain(snapshot)}
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _plain(snapshot: Snapshot) -> dict:
    return orjson.loads(orjson.dumps(snapshot))


def read_snapshot(path: Path) -> Snapshot:
    """A record written by `snapshot_to_json`, or the record of a findings.json file (so
    `themesite diff` compares any two builds); anything else is an error naming the file."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(path, f"cannot read it ({exc.strerror})", hint="check the path") from exc
    except orjson.JSONDecodeError as exc:
        raise InputError(
            path,
            f"not valid JSON ({exc.msg})",
            line=exc.lineno,
            hint="delete it, or restore it from git, to start again from this build",
        ) from exc
    try:
        if isinstance(data, dict) and "themesite_snapshot" in data:
            return _from_plain(data)
        if isinstance(data, dict) and "comment_assignments" in data:
            from themesite.analyse.findings import findings_from_json

            return snapshot_of(findings_from_json(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"'{exc.args[0]}' is missing" if isinstance(exc, KeyError) else "a value is wrong"
        raise InputError(
            path,
            f"not a themesite build record of this version ({what})",
            hint="delete it to start again from this build",
        ) from exc
    raise InputError(
        path,
        "not a themesite build record or findings file",
        hint="give a snapshot.json or findings.json from build/",
    )


def _from_plain(data: dict) -> Snapshot:
    if data["themesite_snapshot"] != VERSION:
        raise ValueError("themesite_snapshot")
    return Snapshot(
        themes=_themes(data["themes"]),
        threads=tuple(
            ThreadRecord(str(t["id"]), str(t["title"]), tuple(map(str, t["comments"])))
            for t in data["threads"]
        ),
        agreement={
            str(k): {"micro_f1": float(v["micro_f1"]), "kappa": float(v["kappa"])}
            for k, v in data["agreement"].items()
        },
        issued=tuple(map(str, data["issued"])),
        retired={str(k): str(v) for k, v in data["retired"].items()},
        discovered=_themes(data["discovered"]),
    )


def _themes(items: list) -> tuple[ThemeRecord, ...]:
    return tuple(
        ThemeRecord(
            str(t["id"]),
            str(t["label"]),
            str(t["kind"]),
            tuple(map(str, t["key_terms"])),
            tuple(map(str, t["comments"])),
            tuple(map(str, t["quotes"])),
        )
        for t in items
    )

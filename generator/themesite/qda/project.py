"""The analysed corpus as a REFI-QDA project (`.qdpx`): sources, codes and coded comments.

Each thread is one text source: its title, article and comments as plain text, stored
in the archive's `Sources/` folder as the standard asks. Each comment with an assigned
theme is a plain-text selection whose start and end positions (Unicode characters,
counted from 0, end exclusive) slice the source to exactly the comment's text, with
one coding per assigned theme: one quotation with its codes, as the QDA tools model
it, not one copy of the comment per code. Ambiguous assignments are left out: they are
for review, not findings. Every GUID comes from a stable id and every date is the fixed
one, so the same corpus and findings give the same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from themesite.analyse.records import ASSIGNED, Findings
from themesite.errors import ThemesiteError
from themesite.ingest.records import Thread
from themesite.qda.codebook import ORIGIN, add_codes
from themesite.qda.schema import check_export
from themesite.qda.xmltext import (
    PROJECT_NS,
    code_guid,
    element,
    guid,
    serialize,
    text_element,
    timestamp,
)

USER = guid("user", "themesite")
#: The archive's fixed entry date (zip cannot go earlier); SOURCE_DATE_EPOCH is for XML.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SourceText:
    """A thread's plain text and where each comment's text is in it ([start, end))."""

    thread: Thread
    guid: str
    text: str
    spans: dict[str, tuple[int, int]]

    @property
    def path(self) -> str:
        return f"Sources/{self.guid}.txt"


def source_text(thread: Thread) -> SourceText:
    """The thread as one text: title, article, then each comment under a line naming its
    author (and role), comments apart by a blank line."""
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    size = 0

    def put(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    put(thread.title + "\n\n")
    for paragraph in thread.article:
        put(paragraph + "\n\n")
    for comment in thread.comments:
        author = comment.author or "Anonymous"
        put(f"{author} ({comment.role}):\n" if comment.role else f"{author}:\n")
        spans[comment.id] = (size, size + len(comment.text))
        put(comment.text + "\n\n")
    return SourceText(thread, guid("source", thread.id), "".join(parts), spans)


def project_xml(name: str, sources: Iterable[SourceText], findings: Findings) -> bytes:
    """The project document: one user, every theme as a code, every source with its
    coded selections; checked against the schema."""
    sources = list(sources)
    codes = {t.theme.id for t in findings.themes}
    where = {c: s for s in sources for c in s.spans}
    coded: dict[str, list[tuple[str, str]]] = {}
    for item in findings.comment_assignments:
        if item.status != ASSIGNED:
            continue
        if item.unit_id not in where or item.theme_id not in codes:
            raise ThemesiteError(
                f"the findings code comment {item.unit_id!r} with theme {item.theme_id!r}, "
                "which the corpus or the findings' themes do not have",
                "run 'themesite analyse' again",
            )
        coded.setdefault(where[item.unit_id].guid, []).append((item.unit_id, item.theme_id))
    when = timestamp()
    root = element(
        None,
        PROJECT_NS,
        "Project",
        name=name,
        origin=ORIGIN,
        creatingUserGUID=USER,
        creationDateTime=when,
    )
    users = element(root, PROJECT_NS, "Users")
    element(users, PROJECT_NS, "User", guid=USER, name="themesite")
    if findings.themes:
        codebook = element(root, PROJECT_NS, "CodeBook")
        add_codes(
            element(codebook, PROJECT_NS, "Codes"), PROJECT_NS, [t.theme for t in findings.themes]
        )
    if sources:
        holder = element(root, PROJECT_NS, "Sources")
        for source in sources:
            _add_source(holder, source, sorted(coded.get(source.guid, [])), when)
    data = serialize(root)
    check_export(data, "project")
    return data


def _add_source(holder, source: SourceText, coded: list[tuple[str, str]], when: str) -> None:
    node = element(
        holder,
        PROJECT_NS,
        "TextSource",
        guid=source.guid,
        name=source.thread.title,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=USER,
        creationDateTime=when,
    )
    text_element(node, PROJECT_NS, "Description", f"themesite thread {source.thread.id}")
    themes: dict[str, list[str]] = {}
    for comment_id, theme_id in coded:
        themes.setdefault(comment_id, []).append(theme_id)
    for comment_id in sorted(themes, key=lambda c: (source.spans[c], c)):
        start, end = source.spans[comment_id]
        selection = element(
            node,
            PROJECT_NS,
            "PlainTextSelection",
            guid=guid("selection", comment_id),
            name=comment_id,
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=USER,
            creationDateTime=when,
        )
        for theme_id in sorted(themes[comment_id]):
            coding = element(
                selection,
                PROJECT_NS,
                "Coding",
                guid=guid("coding", f"{comment_id}:{theme_id}"),
                creatingUser=USER,
                creationDateTime=when,
            )
            element(coding, PROJECT_NS, "CodeRef", targetGUID=code_guid(theme_id))


def qdpx(name: str, threads: Iterable[Thread], findings: Findings) -> bytes:
    """The `.qdpx` archive: `project.qde` and each source's text, with fixed entry dates."""
    sources = [source_text(t) for t in sorted(threads, key=lambda t: t.id)]
    entries = {"project.qde": project_xml(name, sources, findings)}
    entries.update({s.path: s.text.encode("utf-8") for s in sources})
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in ["project.qde", *sorted(s.path for s in sources)]:
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries[path])
    return buffer.getvalue()

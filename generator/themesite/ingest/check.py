"""Validate the corpus on disk and summarise its coverage ledger.

`check_corpus` is what `themesite check` prints and what scripts read with
`--json`: counts, the lines of each kind per source, warnings recorded at ingest,
and errors (inconsistencies that need `themesite ingest` or a fixed source).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from themesite.config import Project
from themesite.errors import CorpusError
from themesite.ingest.corpus import raw_digests
from themesite.ingest.records import LineKind, Thread
from themesite.ingest.store import read_threads


@dataclass(frozen=True)
class SourceSummary:
    source: str
    format: str
    threads: int
    comments: int
    lines: dict[str, int]


@dataclass(frozen=True)
class CheckReport:
    threads: int
    comments: int
    excluded_comments: int
    highlights: int
    highlights_linked: int
    replies: int
    duplicates_removed: int
    unaccounted_lines: int
    sources: tuple[SourceSummary, ...]
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        lines: Counter[str] = Counter()
        for source in self.sources:
            lines.update(source.lines)
        return {
            "threads": self.threads,
            "comments": self.comments,
            "excluded_comments": self.excluded_comments,
            "highlights": self.highlights,
            "highlights_linked": self.highlights_linked,
            "replies": self.replies,
            "duplicates_removed": self.duplicates_removed,
            "unaccounted_lines": self.unaccounted_lines,
            "ledger": dict(sorted(lines.items())),
            "sources": [source.__dict__ for source in self.sources],
            "warnings": list(self.warnings),
            "errors": list(self.errors),
        }


def check_corpus(
    project: Project,
    threads: list[Thread] | None = None,
    digests: dict[str, str] | None = None,
) -> CheckReport:
    """Validate the threads (read from disk unless given) against the raw files' digests."""
    if digests is None:
        digests = raw_digests(project)
    if threads is None:
        # A new project (no sources yet) has no threads folder, and nothing wrong with it.
        if not project.threads.is_dir() and digests:
            raise CorpusError(
                f"{project.threads} does not exist", "run 'themesite ingest' to build the corpus"
            )
        threads = read_threads(project.threads)
    errors = _consistency_errors(threads, digests)
    by_source: dict[str, list[Thread]] = {}
    for thread in threads:
        by_source.setdefault(thread.source, []).append(thread)
    sources = tuple(_summarise(name, group) for name, group in sorted(by_source.items()))
    return CheckReport(
        threads=len(threads),
        comments=sum(len(t.comments) for t in threads),
        excluded_comments=sum(1 for t in threads for c in t.comments if c.excluded),
        highlights=sum(len(t.highlights) for t in threads),
        highlights_linked=sum(1 for t in threads for h in t.highlights if h.comment_id),
        replies=sum(t.replies for t in threads),
        duplicates_removed=sum(t.duplicates_removed for t in threads),
        unaccounted_lines=sum(s.lines.get(LineKind.UNRECOGNISED.value, 0) for s in sources),
        sources=sources,
        warnings=tuple(w for t in threads for w in t.warnings),
        errors=tuple(errors),
    )


def _summarise(source: str, threads: list[Thread]) -> SourceSummary:
    """Lines per kind for one source; a line shared by threads (a CSV header) counts once."""
    kinds: dict[int, str] = {}
    for thread in threads:
        for entry in thread.ledger:
            for number in range(entry.start, entry.end + 1):
                kinds.setdefault(number, entry.kind.value)
    counts = Counter(kinds.values())
    return SourceSummary(
        source=source,
        format=threads[0].format,
        threads=len(threads),
        comments=sum(len(t.comments) for t in threads),
        lines=dict(sorted(counts.items())),
    )


def _consistency_errors(threads: list[Thread], digests: dict[str, str]) -> list[str]:
    errors: list[str] = []
    sources = {t.source for t in threads}
    for name in sorted(set(digests) - sources):
        errors.append(f"corpus/raw/{name} has no threads (run 'themesite ingest')")
    seen_ids: set[str] = set()
    for thread in threads:
        digest = digests.get(thread.source)
        if digest is None:
            errors.append(f"thread {thread.id}: source corpus/raw/{thread.source} is missing")
        elif digest != thread.source_sha256:
            errors.append(
                f"thread {thread.id}: corpus/raw/{thread.source} changed since it was ingested "
                "(run 'themesite ingest')"
            )
        ids = {c.id for c in thread.comments}
        for comment in thread.comments:
            if comment.id in seen_ids:
                errors.append(f"thread {thread.id}: comment id {comment.id} is not unique")
            seen_ids.add(comment.id)
            if comment.reply_to and comment.reply_to not in ids:
                errors.append(f"thread {thread.id}: {comment.id} replies to an unknown comment")
        for highlight in thread.highlights:
            if highlight.comment_id and highlight.comment_id not in ids:
                errors.append(f"thread {thread.id}: a highlight links to an unknown comment")
    return errors

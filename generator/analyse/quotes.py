"""Representative quotes: verbatim, whole sentences, typical of the theme, from many voices.

A reader trusts a finding when it is shown in the words of several different people.
So candidates are ranked by how strongly and how typically they carry the theme, and
picked greedily with a preference for authors and threads not yet quoted. Every quote
is checked to be an exact substring of its comment; a mismatch is a build error,
never a silent correction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from themesite.analyse.records import Quote, Statement
from themesite.errors import ThemesiteError

#: Readable quotes: long enough to say something, short enough to read at a glance.
MIN_WORDS, MAX_WORDS = 8, 70
_SENTENCE_START = re.compile(r"^[\"“‘'(\[]?[A-Z0-9]")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")


class BuildError(ThemesiteError):
    """The findings would show something that is not true to the corpus."""


@dataclass(frozen=True)
class Candidate:
    statement: Statement
    score: float  # confidence x typicality, in [0, 1]


def is_whole_sentence(text: str) -> bool:
    """Starts like a sentence and ends with sentence punctuation (so never cut mid-sentence)."""
    return bool(_SENTENCE_START.match(text) and _SENTENCE_END.search(text))


def choose_quotes(
    candidates: Sequence[Candidate],
    texts: Mapping[str, str],
    roles: Mapping[str, str | None],
    limit: int,
) -> tuple[Quote, ...]:
    """Up to `limit` quotes: best score first, new authors and threads before repeats.

    `texts` maps comment ids to their text (for the verbatim check), `roles` to the
    author's role.
    """
    usable = [
        c
        for c in candidates
        if is_whole_sentence(c.statement.text)
        and MIN_WORDS <= len(c.statement.text.split()) <= MAX_WORDS
    ]
    remaining = sorted(usable, key=lambda c: (-c.score, c.statement.id))
    authors: set[str | None] = set()
    threads: set[str] = set()
    comments: set[str] = set()
    chosen: list[Quote] = []
    while remaining and len(chosen) < limit:
        best = min(
            remaining,
            key=lambda c: (
                c.statement.comment_id in comments,
                c.statement.author in authors and c.statement.author is not None,
                c.statement.thread_id in threads,
                -c.score,
                c.statement.id,
            ),
        )
        remaining.remove(best)
        statement = best.statement
        chosen.append(verified_quote(statement, best.score, texts, roles))
        authors.add(statement.author)
        threads.add(statement.thread_id)
        comments.add(statement.comment_id)
    return tuple(chosen)


def verified_quote(
    statement: Statement, score: float, texts: Mapping[str, str], roles: Mapping[str, str | None]
) -> Quote:
    source = texts.get(statement.comment_id, "")
    if source[statement.start : statement.end] != statement.text:
        raise BuildError(
            f"quote {statement.id} is not an exact substring of comment {statement.comment_id}",
            "re-run 'themesite ingest' and 'themesite analyse'; report it if it persists",
        )
    return Quote(
        text=statement.text,
        comment_id=statement.comment_id,
        statement_id=statement.id,
        thread_id=statement.thread_id,
        author=statement.author,
        role=roles.get(statement.comment_id),
        start=statement.start,
        end=statement.end,
        score=round(score, 4),
    )

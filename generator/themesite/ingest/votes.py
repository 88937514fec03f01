"""Votes on comments, read from the files a conversation's export keeps beside it.

Polis lets every participant agree, disagree or pass on other people's comments, and
publishes the votes as a participant x comment matrix (`participants-votes.csv`: 1
agree, -1 disagree, 0 pass, empty not seen) and as an event log (`votes.csv`, one row
per vote, a later vote replacing an earlier one). The matrix is read when both are
there, as it is what Polis itself computes from; the log otherwise. Votes stay in
`corpus/raw/` byte for byte and are read here, at the edge, into a `Ballots` record:
the thread files do not change shape when a conversation has votes, and a corpus
without votes is exactly what it was.

Exports that carry only per-comment counts (a CSV with `agrees` and `disagrees`
columns, Polis's own comments.csv among them) keep them as comment attributes; the
analysis reads those where no ballots exist (see `analyse.votes.VOTE_ATTRIBUTES`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from themesite.errors import InputError
from themesite.ingest.decode import decode_source
from themesite.ingest.records import Thread

#: The matrix under its two published names (see `formats.polis`), then the log.
MATRICES = ("participants-votes.csv", "participant-votes.csv")
LOG = "votes.csv"
#: Matrix columns that describe the participant rather than name a comment.
PARTICIPANT = "participant"
GROUP = "group-id"
MATRIX_META = frozenset({PARTICIPANT, GROUP, "n-comments", "n-votes", "n-agree", "n-disagree"})
LOG_COLUMNS = ("comment-id", "voter-id", "vote")
VALUES = {"1": 1, "-1": -1, "0": 0}
_HINT = "restore the file from the export; values are 1 (agree), -1 (disagree), 0 (pass)"


@dataclass(frozen=True, eq=False)
class Ballots:
    """One conversation's votes, one entry per vote cast (a vote not cast has none).

    Entry i says participant `participants[voter[i]]` voted `vote[i]` (1 agree, -1
    disagree, 0 pass) on the comment `comments[comment[i]]` (comment ids, in thread
    order). Kept as entries rather than a participant x comment matrix because most
    cells of a real matrix are empty: every later step costs the votes cast, not the
    cells. `reference_groups` are the opinion groups the exporting tool gave each
    participant ('' for none), kept so a reader can compare with ours.
    """

    thread_id: str
    source: str
    participants: tuple[str, ...]
    comments: tuple[str, ...]
    voter: np.ndarray  # int32
    comment: np.ndarray  # int32
    vote: np.ndarray  # int8
    reference_groups: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def matrix(self) -> np.ndarray:
        """The participant x comment matrix, NaN where no vote was cast."""
        dense = np.full((len(self.participants), len(self.comments)), np.nan, np.float32)
        dense[self.voter, self.comment] = self.vote
        return dense


def vote_file(raw: Path, thread: Thread) -> Path | None:
    """The votes file kept beside the thread's source, the matrix first; None without."""
    folder = (raw / thread.source).parent
    for name in (*MATRICES, LOG):
        if (folder / name).is_file():
            return folder / name
    return None


def read_ballots(raw: Path, thread: Thread) -> Ballots | None:
    """The ballots in the votes file beside the thread's source; None without one."""
    path = vote_file(raw, thread)
    if path is None:
        return None
    return parse_ballots(thread, path.relative_to(raw).as_posix(), path.read_bytes())


def parse_ballots(thread: Thread, shown: str, data: bytes) -> Ballots:
    """`data` (a matrix or a log, told apart by the file name in `shown`) as ballots."""
    text = decode_source(data, shown)
    rows = csv_rows(shown, text)
    columns = {c.source_id: i for i, c in enumerate(thread.comments) if c.source_id is not None}
    if Path(shown).name == LOG:
        return _from_log(thread, shown, rows, columns)
    from themesite.ingest.vote_matrix import read_matrix

    found = read_matrix(shown, text, columns)
    unknown = _unknown(shown, found.unknown_columns)
    return _ballots(thread, shown, found.participants, found.entries, found.groups, unknown)


def csv_rows(shown: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of a CSV file's non-blank rows; InputError with the line on a
    malformed one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            if row:
                yield reader.line_num, row
    except csv.Error as exc:
        problem = f"the file is not valid CSV: {exc}"
        raise InputError(shown, problem, line=reader.line_num + 1) from exc


def header_of(shown: str, rows: Iterator[tuple[int, list[str]]], needed: Iterable[str]):
    first = next(rows, None)
    if first is None:
        raise InputError(shown, "the votes file is empty", hint="restore it from the export")
    line, header = first
    missing = [name for name in needed if name not in header]
    if missing:
        raise InputError(
            shown,
            f"the header has no {', '.join(missing)} column",
            line=line,
            hint="themesite reads the Polis vote matrix or vote log as exported",
        )
    return header


def vote_code(shown: str, line: int, text: str, column: str) -> int:
    try:
        return VALUES[text.strip()]
    except KeyError:
        problem = f"{text!r} is not a vote (column {column!r})"
        raise InputError(shown, problem, line=line, hint=_HINT) from None


def _unknown(shown: str, names: Iterable[str]) -> tuple[str, ...]:
    names = sorted(set(names), key=lambda n: (len(n), n))
    if not names:
        return ()
    listed = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    return (f"{shown}: votes on {len(names)} comment(s) not in the corpus ignored ({listed})",)


def _from_log(thread: Thread, shown: str, rows, columns: dict[str, int]) -> Ballots:
    """The last vote of each voter on each comment, in file order among equal times."""
    header = header_of(shown, rows, LOG_COLUMNS)
    comment, voter, vote = (header.index(name) for name in LOG_COLUMNS)
    stamp = header.index("timestamp") if "timestamp" in header else None
    latest: dict[tuple[str, int], tuple[int, int, int]] = {}
    unknown = []
    for line, row in rows:
        same_width(shown, line, row, header)
        value = vote_code(shown, line, row[vote], header[vote])
        when = _integer(shown, line, row[stamp]) if stamp is not None else 0
        column = columns.get(row[comment])
        if column is None:
            unknown.append(row[comment])
            continue
        key = (row[voter], column)
        if key not in latest or latest[key][:2] <= (when, line):
            latest[key] = (when, line, value)
    participants = sorted({v for v, _ in latest}, key=_participant_order)
    row_of = {p: i for i, p in enumerate(participants)}
    entries = (
        [row_of[who] for who, _ in latest],
        [column for _, column in latest],
        [value for _, _, value in latest.values()],
    )
    return _ballots(thread, shown, participants, entries, (), _unknown(shown, unknown))


def same_width(shown: str, line: int, row: list[str], header: list[str]) -> None:
    if len(row) != len(header):
        raise InputError(
            shown,
            f"this row has {len(row)} fields but the header names {len(header)} columns",
            line=line,
            hint="restore the file from the export",
        )


def _integer(shown: str, line: int, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(
            shown, f"the timestamp {text!r} is not a whole number", line=line, hint=_HINT
        ) from None


def _participant_order(participant: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order (Polis numbers its participants), others after."""
    return (0, int(participant), "") if participant.isdigit() else (1, 0, participant)


def _ballots(thread, shown, participants, entries, groups, warnings) -> Ballots:
    """`entries` are (voter rows, comment columns, votes) in any order; sorted here."""
    twice = sorted(p for p, n in Counter(participants).items() if n > 1)
    if twice:
        raise InputError(
            shown,
            f"participant {twice[0]} has more than one row",
            hint="restore the file from the export",
        )
    voter, comment, vote = (np.asarray(x, dtype=np.int64) for x in entries)
    key = voter * max(len(thread.comments), 1) + comment
    if len(key) > 1 and not (key[1:] > key[:-1]).all():  # a matrix is read in order already
        order = np.argsort(key, kind="stable")
        voter, comment, vote = voter[order], comment[order], vote[order]
    return Ballots(
        thread_id=thread.id,
        source=shown,
        participants=tuple(participants),
        comments=tuple(c.id for c in thread.comments),
        voter=voter.astype(np.int32),
        comment=comment.astype(np.int32),
        vote=vote.astype(np.int8),
        reference_groups=tuple(groups),
        warnings=warnings,
    )

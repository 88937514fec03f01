"""The Polis vote matrix (`participants-votes.csv`) read into vote entries.

A matrix has a row per participant and a column per comment, and nearly all its
cells are empty: 10,000 participants who each saw 60 of 2,000 comments make 20 million
cells for 600,000 votes. Python's csv module turns every cell into a string, which
costs more than everything done with the votes afterwards, so a matrix without
quotation marks (every Polis export) is cut up with numpy over its bytes instead, and
only the cells that hold something are looked at. A file with quotes, or with a cell
the fast reader cannot take as it is (a space around a code, a word), goes through the
csv module, which reads quotes and names the file, line and column of a bad value;
tests check both readers agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from themesite.ingest.votes import (
    GROUP,
    MATRIX_META,
    PARTICIPANT,
    csv_rows,
    header_of,
    same_width,
    vote_code,
)

_COMMA, _NEWLINE = ord(","), ord("\n")


@dataclass(frozen=True)
class MatrixRead:
    participants: list[str]
    groups: list[str]  # empty when the file has no group-id column
    entries: tuple[np.ndarray, np.ndarray, np.ndarray]  # voter rows, comment columns, votes
    unknown_columns: list[str]  # comment ids of the file that the thread does not have


def read_matrix(shown: str, text: str, columns: dict[str, int]) -> MatrixRead:
    """The votes of a matrix (`text` as `decode_source` gives it) whose comment columns map
    to thread columns by `columns`."""
    if '"' not in text:
        fast = _bytes_matrix(shown, text, columns)
        if fast is not None:
            return fast
    return _csv_matrix(shown, text, columns)


def _targets(header: list[str], columns: dict[str, int]) -> list[int]:
    """Header position -> thread column voted on; -1 for the participant's own columns
    and for comments the thread does not have."""
    return [-1 if name in MATRIX_META else columns.get(name, -1) for name in header]


def _unknown(header: Iterable[str], columns: dict[str, int]) -> list[str]:
    return [name for name in header if name not in MATRIX_META and name not in columns]


def _csv_matrix(shown: str, text: str, columns: dict[str, int]) -> MatrixRead:
    rows = csv_rows(shown, text)
    header = header_of(shown, rows, (PARTICIPANT,))
    target = _targets(header, columns)
    participant, group = header.index(PARTICIPANT), header.index(GROUP) if GROUP in header else None
    participants, groups = [], []
    voter: list[int] = []
    comment: list[int] = []
    vote: list[int] = []
    for line, row in rows:
        same_width(shown, line, row, header)
        for at, cell in enumerate(row):
            if target[at] >= 0 and cell.strip():
                voter.append(len(participants))
                comment.append(target[at])
                vote.append(vote_code(shown, line, cell, header[at]))
        participants.append(row[participant].strip())
        if group is not None:
            groups.append(row[group].strip())
    entries = (np.array(voter), np.array(comment), np.array(vote))
    return MatrixRead(participants, groups, entries, _unknown(header, columns))


def _bytes_matrix(shown: str, text: str, columns: dict[str, int]) -> MatrixRead | None:
    """The same as `_csv_matrix` for a file without quotes, or None to leave a file with
    a cell it cannot read as is (or a ragged row, whose message it leaves to csv) to it.

    Only the cells that hold something are found: a cell starts after a separator and
    is not one itself; its column is the number of commas before it on its line.
    """
    data = text.encode("utf-8")  # line endings are "\n" already (`decode_source`)
    if not data.endswith(b"\n"):
        data += b"\n"
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == _NEWLINE)
    line_starts = np.concatenate([[0], newlines[:-1] + 1])
    filled = np.flatnonzero(newlines > line_starts)  # non-blank lines
    if not len(filled):
        return None  # empty: the csv reader says so
    header = data[line_starts[filled[0]] : newlines[filled[0]]].decode("utf-8").split(",")
    if PARTICIPANT not in header:
        return None
    lines = filled[1:]
    is_comma = raw == _COMMA
    commas = np.flatnonzero(is_comma)  # a cell's column: the commas before it on its line
    before = np.searchsorted(commas, line_starts[lines])
    if (np.searchsorted(commas, newlines[lines]) - before != len(header) - 1).any():
        return None
    separator = is_comma | (raw == _NEWLINE)
    starts = np.flatnonzero(~separator & np.concatenate([[True], separator[:-1]]))
    starts = starts[starts >= line_starts[lines[0]]] if len(lines) else starts[:0]
    line = np.searchsorted(newlines, starts)  # index into newlines / line_starts
    row = np.searchsorted(lines, line)  # 0-based data row
    position = np.searchsorted(commas, starts) - before[row]
    target = np.array(_targets(header, columns))[position]
    votes = np.flatnonzero(target >= 0)
    padded = np.concatenate([raw, np.zeros(2, np.uint8) + _NEWLINE])
    at = starts[votes]
    ends_after_one = separator[np.minimum(at + 1, len(raw) - 1)]
    codes = np.full(len(votes), 2, dtype=np.int8)  # 2: not a code as written
    codes[(raw[at] == ord("1")) & ends_after_one] = 1
    codes[(raw[at] == ord("0")) & ends_after_one] = 0
    minus_one = (raw[at] == ord("-")) & (padded[at + 1] == ord("1"))
    codes[minus_one & ((padded[at + 2] == _COMMA) | (padded[at + 2] == _NEWLINE))] = -1
    if (codes == 2).any():
        return None

    def column(name: str) -> list[str]:
        """The column's value on every row ('' where the cell is empty)."""
        values = [""] * len(lines)
        cells = np.flatnonzero(position == header.index(name))
        # A cell ends at the comma after it or at its line's end, whichever comes first.
        ends = newlines[line[cells]]
        following = np.searchsorted(commas, starts[cells])
        inside = following < len(commas)
        ends[inside] = np.minimum(commas[following[inside]], ends[inside])
        spans = zip(row[cells].tolist(), starts[cells].tolist(), ends.tolist(), strict=True)
        for r, start, end in spans:
            values[r] = data[start:end].decode("utf-8").strip()
        return values

    participants = column(PARTICIPANT)
    if not all(participants):
        return None
    groups = column(GROUP) if GROUP in header else []
    entries = (row[votes], target[votes], codes)
    return MatrixRead(participants, groups, entries, _unknown(header, columns))

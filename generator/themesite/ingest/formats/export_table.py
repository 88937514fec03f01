"""Structured exports (.csv, .jsonl): one record per comment, columns named by a header.

Exports from survey, forum and deliberation tools differ mostly in what they call
their columns, so a header is mapped by name onto the canonical fields in
`ALIASES` (case does not matter, nor do `-`, `_` and spaces; an earlier alias wins
over a later one). Only a text column is required. Every other column is kept, as
a string, in the comment's attributes: nothing in an export is lost.

Rows form one thread per distinct `thread` value, in order of first appearance.
A JSONL file is detected by the keys of its first object; its columns are every
key seen. Presets for a known tool (see `polis.py`) supply a fixed `ColumnMapping`
and reserve their exact header, so this generic format leaves those files alone.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from themesite.errors import InputError
from themesite.ingest.parsed import LineMarks, ParsedRow, ParsedThread
from themesite.ingest.records import LineKind
from themesite.ingest.registry import Siblings, Source, register
from themesite.ingest.text import blocks, split_lines

#: Canonical field -> the column names that map onto it, most specific first.
ALIASES: dict[str, tuple[str, ...]] = {
    "thread": ("thread", "thread_id", "conversation", "conversation_id", "discussion"),
    "thread_title": ("thread_title", "discussion_title"),
    "comment_id": ("comment_id", "id"),
    "author": ("author", "author_id", "user", "username", "name"),
    "text": ("text", "body", "comment", "comment_body", "content", "message"),
    "parent_id": ("parent_id", "parent", "reply_to", "in_reply_to"),
    "timestamp": ("timestamp", "created_at", "datetime", "date", "time"),
    "role": ("role", "badge"),
    "title": ("title", "subject"),
}

_TEXT_HINT = "name the column holding the comment text one of: " + ", ".join(ALIASES["text"])


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds each canonical field (None: the export has no such column)."""

    thread: str | None = None
    thread_title: str | None = None
    comment_id: str | None = None
    author: str | None = None
    text: str | None = None
    parent_id: str | None = None
    timestamp: str | None = None
    role: str | None = None
    title: str | None = None

    def columns(self) -> set[str]:
        return {column for column in astuple(self) if column is not None}


def fold_column(name: str) -> str:
    """A column name as aliases are matched: case, `-`, `_` and spaces folded."""
    return "_".join(name.strip().casefold().replace("-", " ").replace("_", " ").split())


def mapping_from_header(header: Sequence[str]) -> ColumnMapping:
    """Map a header onto the canonical fields by alias; unmatched columns stay attributes."""
    folded: dict[str, str] = {}
    for column in header:
        folded.setdefault(fold_column(column), column)
    found = {
        field: next(filter(None, map(folded.get, names)), None) for field, names in ALIASES.items()
    }
    return ColumnMapping(**found)


_RESERVED: set[tuple[str, tuple[str, ...]]] = set()


def reserve_header(kind: str, columns: Sequence[str]) -> None:
    """A preset claims files with exactly this header, keeping detection mutually exclusive."""
    _RESERVED.add((kind, tuple(columns)))


def paragraphs(text: str) -> list[str]:
    """Split on blank lines; everything else, spacing included, stays as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.text for block in blocks(split_lines(text))]


@dataclass(frozen=True)
class Record:
    """One exported comment: the physical lines it spans and the cells it has."""

    first: int
    last: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    """An export read but not yet interpreted: column names, header line numbers, records."""

    columns: tuple[str, ...]
    header_lines: tuple[int, ...]
    records: list[Record]


def _csv_rows(source: Source) -> Iterator[tuple[int, int, list[str]]]:
    """Non-blank CSV rows with the first and last line they span (fields may hold newlines)."""
    reader = csv.reader((line.text + "\n" for line in source.lines), strict=True)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            unclosed = "unexpected end of data" in str(exc)
            problem = "a quoted field here is never closed" if unclosed else f"bad CSV: {exc}"
            hint = 'close the quote; inside a quoted field write a quote as ""'
            raise InputError(source.path, problem, line=last + 1, hint=hint) from exc
        first, last = last + 1, reader.line_num
        if first < last or not source.lines[first - 1].blank:
            yield first, last, row


def _cell(value: object) -> str:
    """A JSON value as a string; nested values as sorted JSON, so they read the same each run."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _json_records(source: Source) -> Iterator[Record]:
    for line in source.lines:
        if line.blank:
            continue
        try:
            value = json.loads(line.text)
            problem = "" if isinstance(value, dict) else f"a JSON {type(value).__name__}"
        except ValueError as exc:
            problem = f"invalid JSON: {exc}"
        if problem:
            raise InputError(
                source.path,
                f"this line is not a JSON object ({problem})",
                line=line.number,
                hint="write one JSON object per line",
            )
        yield Record(line.number, line.number, {str(k): _cell(v) for k, v in value.items()})


def _column_names(row: list[str]) -> tuple[str, ...]:
    return tuple(name or f"column {i}" for i, name in enumerate(row, start=1))


def read_header(source: Source) -> tuple[str, ...] | None:
    """The header a detector looks at, or None when the file has none that can be read."""
    try:
        if source.kind == "csv":
            first = next(_csv_rows(source), None)
            return _column_names(first[2]) if first else None
        if source.kind == "jsonl":
            record = next(_json_records(source), None)
            return tuple(record.values) if record else None
    except InputError:
        return None
    return None


def read_table(source: Source) -> Table:
    """Every record of a CSV or JSONL export; raises InputError naming the line at fault."""
    if source.kind == "jsonl":
        records = list(_json_records(source))
        # Objects may differ in their keys: every key seen is a column, none is lost.
        keys = tuple(dict.fromkeys(key for record in records for key in record.values))
        return Table(keys, (), records)
    rows = _csv_rows(source)
    first = next(rows, None)
    if first is None:
        raise InputError(source.path, "the file has no header row", hint=_TEXT_HINT)
    columns = _column_names(first[2])
    if twice := sorted({column for column in columns if columns.count(column) > 1}):
        hint = "rename them so every column has its own name"
        names = ", ".join(map(repr, twice))
        raise InputError(source.path, f"the header repeats {names}", line=first[0], hint=hint)
    records = []
    for start, end, row in rows:
        if len(row) > len(columns):
            raise InputError(
                source.path,
                f"this row has {len(row)} fields but the header names {len(columns)} columns",
                line=start,
                hint='quote fields that contain commas ("like, this") or name the extra column',
            )
        records.append(Record(start, end, dict(zip(columns, row, strict=False))))
    return Table(columns, tuple(range(first[0], first[1] + 1)), records)


def _comment(source: Source, record: Record, mapping: ColumnMapping, table: Table) -> ParsedRow:
    if mapping.text not in record.values:
        raise InputError(
            source.path,
            f"this record has no value for the text column {mapping.text!r}",
            line=record.first,
            hint="add the missing fields, or quote fields that contain commas",
        )

    def value(column: str | None) -> str | None:
        return (record.values.get(column, "") or None) if column else None

    mapped = mapping.columns()
    cells = {**dict.fromkeys(table.columns, ""), **record.values}
    return ParsedRow(
        paragraphs=paragraphs(record.values[mapping.text]),
        line_start=record.first,
        line_end=record.last,
        author=value(mapping.author),
        role=value(mapping.role),
        timestamp=value(mapping.timestamp),
        title=value(mapping.title),
        source_id=value(mapping.comment_id),
        reply_to_source_id=value(mapping.parent_id),
        attributes={c: v for c, v in cells.items() if c not in mapped},
    )


def build_threads(
    source: Source, table: Table, mapping: ColumnMapping, format_name: str
) -> list[ParsedThread]:
    """Group records into threads by the thread column, in order of first appearance."""
    if mapping.text is None:
        first = table.header_lines[0] if table.header_lines else None
        raise InputError(source.path, "the header has no text column", line=first, hint=_TEXT_HINT)
    if not table.records:
        raise InputError(source.path, "the export has no rows", hint="add rows or remove the file")
    groups: dict[str, list[Record]] = {}
    for record in table.records:
        key = record.values.get(mapping.thread, "") if mapping.thread else ""
        groups.setdefault(key, []).append(record)
    by_number = {line.number: line for line in source.lines}
    threads = []
    for key, records in groups.items():
        marks = LineMarks()
        numbers: set[int] = set() if threads else set(table.header_lines)
        for number in numbers:
            marks.mark(by_number[number], LineKind.CHROME, "header row")
        for record in records:
            for number in range(record.first, record.last + 1):
                marks.mark(by_number[number], LineKind.COMMENT_TEXT, "export row")
                numbers.add(number)
        titles = [r.values.get(mapping.thread_title or "", "") for r in records]
        threads.append(
            ParsedThread(
                title=next((t for t in titles if t), None) or key or Path(source.path).stem,
                format=format_name,
                marks=marks,
                lines=tuple(by_number[n] for n in sorted(numbers)),
                comments=[_comment(source, record, mapping, table) for record in records],
                key=key,
            )
        )
    return threads


@register
class ExportTable:
    name = "export-table"
    recognises = f"a .csv or .jsonl export with a text column ({', '.join(ALIASES['text'])})"
    siblings = Siblings()
    text_layout = False

    def detect(self, source: Source) -> bool:
        header = read_header(source)
        if header is None or (source.kind, header) in _RESERVED:
            return False
        return mapping_from_header(header).text is not None

    def parse(self, source: Source) -> list[ParsedThread]:
        table = read_table(source)
        return build_threads(source, table, mapping_from_header(table.columns), self.name)

"""The `themesite` command: parse arguments, call one library function, print the outcome.

Library errors (`ThemesiteError`) become one line on stderr and exit code 1;
`--debug` shows the traceback instead. Heavy imports stay inside commands so
`themesite --help` is instant.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from themesite import __version__
from themesite.config import Project, load_ingest_config
from themesite.errors import ThemesiteError

if TYPE_CHECKING:
    from themesite.ingest.check import CheckReport

app = typer.Typer(
    help="Turn a corpus of discussion threads into a static report site of findings.",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(help="Write corpus data as CSV or JSON lines.", no_args_is_help=True)
app.add_typer(export_app, name="export")

err = Console(stderr=True)
out = Console()


class _State:
    project = Project(Path("."))
    debug = False


def _version(value: bool) -> None:
    if value:
        out.print(f"themesite {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="Project folder whose corpus/ is used.")
    ] = Path("."),
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _State.project = Project(project)
    _State.debug = debug


@contextmanager
def _errors() -> Iterator[None]:
    """Print a ThemesiteError as one line and exit 1 (traceback only with --debug)."""
    try:
        yield
    except ThemesiteError as exc:
        if _State.debug:
            raise
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; silent when output is piped (CI, tests)."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda name: bar.update(task, advance=1, description=f"{label} {name}")


StrictOption = Annotated[
    bool | None, typer.Option("--strict/--no-strict", help="Treat warnings as errors.")
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="Force the text encoding of sources.")
]
MaxSizeOption = Annotated[
    float | None, typer.Option("--max-source-mb", help="Largest source file accepted, in MB.")
]


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help="Source files or folders to add.")],
    strict: StrictOption = None,
    encoding: EncodingOption = None,
    max_source_mb: MaxSizeOption = None,
) -> None:
    """Copy sources into corpus/raw/ and write their threads to corpus/threads/."""
    from themesite.ingest.corpus import add_sources

    with _errors():
        config = load_ingest_config(
            _State.project, strict=strict, encoding=encoding, max_source_mb=max_source_mb
        )
        report = add_sources(_State.project, files, config)
    for line in report.unchanged:
        err.print(f"unchanged: {line}", highlight=False, soft_wrap=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for thread in report.added:
        out.print(
            f"added {thread.id} ({thread.format}, {len(thread.comments)} comments)",
            highlight=False,
        )


@app.command()
def ingest(
    strict: StrictOption = None,
    encoding: EncodingOption = None,
    max_source_mb: MaxSizeOption = None,
) -> None:
    """Rebuild corpus/threads/ from every file in corpus/raw/, deterministically."""
    from themesite.ingest.corpus import rebuild
    from themesite.ingest.pipeline import raw_files

    with _errors():
        project = _State.project
        config = load_ingest_config(
            project, strict=strict, encoding=encoding, max_source_mb=max_source_mb
        )
        total = len(raw_files(project.raw)) if project.raw.is_dir() else 0
        with _progress(total, "ingest") as progress:
            result = rebuild(project, config, progress)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    comments = sum(len(t.comments) for t in result.threads)
    out.print(f"ingested {len(result.threads)} threads, {comments} comments", highlight=False)


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    strict: StrictOption = None,
) -> None:
    """Validate the corpus and print the coverage ledger summary."""
    from themesite.ingest.check import check_corpus

    with _errors():
        config = load_ingest_config(_State.project, strict=strict)
        report = check_corpus(_State.project)
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_check(report)
    if report.errors or (config.strict and report.warnings):
        raise typer.Exit(1)


def _print_check(report: CheckReport) -> None:
    out.print("Coverage ledger (non-blank source lines by kind):", highlight=False)
    for source in report.sources:
        kinds = ", ".join(f"{kind} {n}" for kind, n in source.lines.items())
        out.print(
            f"  {source.source} ({source.format}, {source.comments} comments): {kinds}",
            highlight=False,
            soft_wrap=True,
        )
    out.print(
        f"{report.threads} threads, {report.comments} comments "
        f"({report.excluded_comments} excluded from analysis), {report.highlights} highlights "
        f"({report.highlights_linked} linked), {report.replies} replies, "
        f"{report.duplicates_removed} duplicates removed, "
        f"{report.unaccounted_lines} unaccounted lines",
        highlight=False,
    )
    for warning in report.warnings:
        out.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for error in report.errors:
        out.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)


@export_app.command("comments")
def export_comments(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """One row per comment, with its thread, author, reply link, verbatim text and source lines."""
    from themesite.export import COMMENT_COLUMNS, comment_rows, write_rows
    from themesite.ingest.store import read_threads

    with _errors():
        threads = read_threads(_State.project.threads)
        rows = comment_rows(threads)
        if output is None:
            write_rows(rows, COMMENT_COLUMNS, fmt, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                write_rows(rows, COMMENT_COLUMNS, fmt, handle)


@app.command()
def build(strict: StrictOption = None) -> None:
    """Bring the corpus up to date with corpus/raw/ and validate it (the site comes later)."""
    from themesite.build import build as run_build

    with _errors():
        config = load_ingest_config(_State.project, strict=strict)
        report = run_build(_State.project, config)
    check_report = report.check
    state = "re-ingested" if report.reingested else "up to date"
    out.print(
        f"corpus {state}: {check_report.threads} threads, {check_report.comments} comments, "
        f"{check_report.highlights} highlights, {check_report.unaccounted_lines} unaccounted lines",
        highlight=False,
    )
    for warning in check_report.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


@app.command()
def formats() -> None:
    """List the input formats themesite recognises."""
    from themesite.ingest.registry import formats as registered

    for fmt in registered():
        out.print(f"{fmt.name}: {fmt.recognises}", highlight=False)


def main() -> None:
    app()

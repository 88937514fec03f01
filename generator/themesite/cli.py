"""The `themesite` command: parse arguments, call one library function, print the outcome.

Library errors (`ThemesiteError`) become one line on stderr and exit code 1;
`--debug` shows the traceback instead. Heavy imports stay inside commands so
`themesite --help` is instant.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from themesite import __version__
from themesite.config import (
    Project,
    load_analyse_config,
    load_config,
    load_ingest_config,
    load_site_config,
)
from themesite.errors import ThemesiteError
from themesite.progress import progress_for
from themesite.scaffold import require_project
from themesite.wording import count

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
    quiet = False


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
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress display (there is none when piped)."),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _State.project = Project(project)
    _State.debug = debug
    _State.quiet = quiet
    library = logging.getLogger("themesite")
    if not any(isinstance(h, _Notices) for h in library.handlers):
        library.addHandler(_Notices(logging.WARNING))


class _Notices(logging.Handler):
    """The library's notices (logger 'themesite') as one 'warning:' line each on stderr,
    like every other warning the commands print."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(
            f"[yellow]warning:[/] {escape(record.getMessage())}", highlight=False, soft_wrap=True
        )


@contextmanager
def _errors() -> Iterator[None]:
    """Print a ThemesiteError as one line and exit 1 (traceback only with --debug)."""
    try:
        yield
    except ThemesiteError as exc:
        if _State.debug:
            raise
        for line in str(exc).splitlines():
            err.print(
                f"[bold red]error:[/] {escape(line)}", markup=True, highlight=False, soft_wrap=True
            )
        raise typer.Exit(1) from None


def _recover(required: bool = True) -> Project:
    """The project, after finishing or undoing what a killed command left in it (one line
    on stderr saying what was done); `required`: it must have a corpus/ folder."""
    from themesite.recovery import recover

    project = _State.project
    if required:
        require_project(project)
    done = recover(project)
    if done:
        err.print(f"recovered: {'; '.join(done)}", highlight=False, soft_wrap=True, markup=False)
    return project


def _progress():
    """The steps of a long command on stderr while it runs (see `themesite.progress`)."""
    return progress_for(err, _State.quiet)


StrictOption = Annotated[
    bool | None, typer.Option("--strict/--no-strict", help="Treat warnings as errors.")
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="Force the text encoding of sources.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
MaxSizeOption = Annotated[
    float | None, typer.Option("--max-source-mb", help="Largest source file accepted, in MB.")
]


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The new project's folder.")] = Path("."),
) -> None:
    """Start a project: corpus/raw/, a taxonomy with no themes yet, and themesite.yml."""
    from themesite.scaffold import init_project

    with _errors():
        created = init_project(folder)
    for name in created:
        out.print(f"created {folder / name}", highlight=False)
    out.print(
        f"next: themesite --project {folder} add FILE_OR_FOLDER, "
        f"then themesite --project {folder} build",
        highlight=False,
    )


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
        project = _recover(required=False)
        config = load_ingest_config(
            project, strict=strict, encoding=encoding, max_source_mb=max_source_mb
        )
        with _progress() as progress:
            report = add_sources(project, files, config, progress)
    for line in report.unchanged:
        err.print(f"unchanged: {line}", highlight=False, soft_wrap=True)
    for line in report.ignored:
        err.print(f"ignored: {line}", highlight=False, soft_wrap=True, markup=False)
    for line in report.skipped:
        err.print(f"skipped: {line}", highlight=False, soft_wrap=True, markup=False)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for thread in report.added:
        out.print(
            f"added {thread.id} ({thread.format}, {count(len(thread.comments), 'comment')})",
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
        project = _recover()
        config = load_ingest_config(
            project, strict=strict, encoding=encoding, max_source_mb=max_source_mb
        )
        total = len(raw_files(project.raw)) if project.raw.is_dir() else 0
        with _progress() as progress:
            result = rebuild(project, config, progress.step("ingest", total=total))
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    comments = sum(len(t.comments) for t in result.threads)
    out.print(
        f"ingested {count(len(result.threads), 'thread')}, {count(comments, 'comment')}",
        highlight=False,
    )


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    strict: StrictOption = None,
) -> None:
    """Validate the corpus and print the coverage ledger summary."""
    from themesite.ingest.check import check_corpus

    with _errors():
        project = _recover()
        config = load_ingest_config(project, strict=strict)
        report = check_corpus(project)
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
            f"  {source.source} ({source.format}, {count(source.comments, 'comment')}): {kinds}",
            highlight=False,
            soft_wrap=True,
        )
    out.print(
        f"{count(report.threads, 'thread')}, {count(report.comments, 'comment')} "
        f"({report.excluded_comments} excluded from analysis), "
        f"{count(report.highlights, 'highlight')} "
        f"({report.highlights_linked} linked), {count(report.replies, 'reply', 'replies')}, "
        f"{count(report.duplicates_removed, 'duplicate')} removed, "
        f"{count(report.unaccounted_lines, 'unaccounted line')}",
        highlight=False,
    )
    for warning in report.warnings:
        out.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for error in report.errors:
        out.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)


@export_app.command("comments")
def export_comments(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
    output: OutputOption = None,
) -> None:
    """One row per comment, with its thread, author, reply link, verbatim text and source lines."""
    from themesite.export import COMMENT_COLUMNS, comment_rows, save_rows
    from themesite.ingest.store import read_threads

    with _errors():
        project = _recover(required=False)
        load_config(project)  # a wrong setting stops every command, this one too
        save_rows(comment_rows(read_threads(project.threads)), COMMENT_COLUMNS, fmt, output)


TaxonomyOption = Annotated[
    Path | None,
    typer.Option("--taxonomy", "-t", help="Taxonomy file (default: corpus/taxonomy.yml)."),
]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="Where the analysis runs: local (default) or dask."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786); unset: a local cluster."
    ),
]


PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="The build record to compare with and keep ids from (default: "
        "corpus/snapshot.json if committed, else build/snapshot.json, the last build's).",
    ),
]


@app.command()
def build(
    strict: StrictOption = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    previous: PreviousOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Build even if nothing changed since the last build.")
    ] = False,
) -> None:
    """Ingest if corpus/raw/ changed, validate, analyse, render and build the site (strict)."""
    from themesite.build import build as run_build

    with _errors():
        project = _recover()
        ingest = load_ingest_config(project, strict=strict)
        analysis = load_analyse_config(project, engine=engine, scheduler=scheduler)
        wording = load_site_config(project)
        with _progress() as progress:
            report = run_build(project, ingest, analysis, wording, progress, previous, force)
    site = _State.project.root / "site"
    if report.unchanged is not None:
        last = report.unchanged
        out.print(
            f"nothing changed since the last build: {site}/ is up to date "
            f"({count(last.pages, 'page')}, {count(last.themes, 'theme')}; "
            "'themesite build --force' builds it again)",
            highlight=False,
            soft_wrap=True,
        )
        for warning in last.warnings:
            err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
        return
    check_report = report.check
    state = "re-ingested" if report.reingested else "up to date"
    out.print(
        f"corpus {state}: {count(check_report.threads, 'thread')}, "
        f"{count(check_report.comments, 'comment')}, "
        f"{count(check_report.highlights, 'highlight')}, "
        f"{count(check_report.unaccounted_lines, 'unaccounted line')}",
        highlight=False,
    )
    out.print(
        f"NLP: {count(report.processed, 'text')} processed, {report.cached} from the cache",
        highlight=False,
    )
    out.print(
        f"findings: {count(report.themes, 'theme')} in {report.findings_path}", highlight=False
    )
    out.print(f"site: {count(report.pages, 'page')} built into {site}/", highlight=False)
    for warning in [*check_report.warnings, *report.warnings]:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Build, then preview the site with live reload (rebuild with 'themesite build')."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from themesite.build import build as run_build
    from themesite.render.site import mkdocs_options

    with _errors():
        project = _recover()
        configs = load_ingest_config(project), load_analyse_config(project)
        wording = load_site_config(project)
        with _progress() as progress:
            report = run_build(project, *configs, wording, progress, force=True)
    out.print(f"serving http://127.0.0.1:{port}/ (Ctrl-C to stop)", highlight=False)
    mkdocs_serve(
        **mkdocs_options(report.mkdocs, project.build / "docs"),
        dev_addr=f"127.0.0.1:{port}",
        livereload=True,
    )


@app.command()
def analyse(
    taxonomy: TaxonomyOption = None, engine: EngineOption = None, scheduler: SchedulerOption = None
) -> None:
    """Find themes (taxonomy and discovered), quotes and prevalence; write build/findings.json."""
    from themesite.build import analyse_stage
    from themesite.history import read_previous
    from themesite.ingest.store import read_threads

    with _errors():
        project = _recover()
        config = load_analyse_config(project, engine=engine, scheduler=scheduler)
        previous = read_previous(project).record  # discovered themes keep their ids
        # The Dask engine's workers read the corpus; here it is read only to run locally.
        threads = read_threads(project.threads) if config.engine == "local" else None
        with _progress() as progress:
            analysis = analyse_stage(project, config, taxonomy, progress, threads, previous)
    for warning in analysis.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    findings = analysis.findings
    cover = findings.coverage
    out.print(
        f"NLP: {count(analysis.processed, 'text')} processed, {analysis.cached} from the cache",
        highlight=False,
    )
    out.print(
        f"{count(len(findings.themes), 'theme')} over "
        f"{count(findings.corpus['comments'], 'comment')}: "
        f"{cover['assigned']} assigned, {cover['ambiguous']} ambiguous, "
        f"{cover['unassigned']} unassigned, {cover['excluded']} excluded",
        highlight=False,
    )
    for item in findings.themes:
        out.print(
            f"  {item.theme.id} ({item.theme.kind}): {count(item.comments, 'comment')}, "
            f"{count(item.contributors, 'contributor')}, {count(len(item.quotes), 'quote')}",
            highlight=False,
        )


@app.command()
def evaluate(
    labels: Annotated[
        Path | None, typer.Option("--labels", "-l", help="Human coding CSV (comment_id, themes).")
    ] = None,
    taxonomy: TaxonomyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compare comment-level themes with human coding: precision, recall, F1, kappa."""
    from themesite.analyse.evaluate import evaluate_project

    with _errors():
        project = _recover()
        config = load_analyse_config(project)
        with _progress() as progress:
            report = evaluate_project(project, config, labels, taxonomy, progress)
    for warning in report["warnings"]:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    if report["note"]:
        out.print(f"No evaluation: {report['note']}.", highlight=False)
    for result in report["results"]:
        out.print(
            f"{result['name']}: micro F1 {result['micro']['f1']:.3f} "
            f"(P {result['micro']['precision']:.3f}, R {result['micro']['recall']:.3f}), "
            f"macro F1 {result['macro']['f1']:.3f}, kappa {result['kappa']:.3f} "
            f"over {count(result['comments'], 'comment')}",
            highlight=False,
        )
        for theme in result["themes"]:
            out.print(
                f"  {theme['theme_id']}: P {theme['precision']:.2f} R {theme['recall']:.2f} "
                f"F1 {theme['f1']:.2f} kappa {theme['kappa']:.2f} "
                f"(coded {theme['support']}, predicted {theme['predicted']})",
                highlight=False,
            )


@export_app.command("assignments")
def export_assignments(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or jsonl.")] = "csv",
    output: OutputOption = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every (comment, taxonomy theme) pair, unassigned ones too, with its "
            "confidence and similarity, to sort and review.",
        ),
    ] = False,
) -> None:
    """One row per (comment, theme) outcome with status, confidence and evidence."""
    from themesite.build import read_findings
    from themesite.export import (
        ASSIGNMENT_COLUMNS,
        SCORE_COLUMNS,
        assignment_rows,
        save_rows,
        score_rows,
    )

    with _errors():
        project = _recover(required=False)
        load_config(project)
        findings = read_findings(project)
        if every:
            save_rows(score_rows(findings), SCORE_COLUMNS, fmt, output)
        else:
            save_rows(assignment_rows(findings), ASSIGNMENT_COLUMNS, fmt, output)


@export_app.command("themes")
def export_themes(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json.")] = "json",
    output: OutputOption = None,
) -> None:
    """Every theme with its id, label, kind, key terms, prevalence and quotes."""
    from themesite.build import read_findings
    from themesite.export import themes_document

    with _errors():
        project = _recover(required=False)
        load_config(project)
        if fmt != "json":
            raise ThemesiteError(f"unknown themes format {fmt!r}", "use --format json")
        text = json.dumps(themes_document(read_findings(project)), ensure_ascii=False, indent=2)
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            output.write_text(text + "\n", encoding="utf-8")


@export_app.command("qdc")
def export_qdc(output: OutputOption = None, taxonomy: TaxonomyOption = None) -> None:
    """The taxonomy as a REFI-QDA codebook (.qdc) for QualCoder, NVivo, ATLAS.ti, MAXQDA."""
    from themesite.qda.exports import project_codebook

    with _errors():
        _write_bytes(project_codebook(_recover(required=False), taxonomy), output)


@export_app.command("qdpx")
def export_qdpx(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .qdpx file to write.")],
) -> None:
    """The threads, themes and coded comments as a REFI-QDA project (.qdpx)."""
    from themesite.qda.exports import project_qdpx

    with _errors():
        _write_bytes(project_qdpx(_recover(required=False)), output)


def _write_bytes(data: bytes, output: Path | None) -> None:
    from themesite.ingest.store import write_atomic

    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        err.print(f"wrote {output}", highlight=False, soft_wrap=True, markup=False)


@app.command()
def review(
    theme: Annotated[
        str | None, typer.Argument(help="The theme to review: its id or its label.")
    ] = None,
    output: OutputOption = None,
    apply: Annotated[
        Path | None,
        typer.Option("--apply", help="Record a filled-in sheet's yes/no rows as reviews."),
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Who decided (default: git user.name, $USER).")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When, as ISO 8601 (default: now, UTC).")
    ] = None,
) -> None:
    """Write a theme's review sheet (CSV), or apply one to corpus/labels/reviews.csv."""
    from themesite.review.apply import apply_sheet, write_sheet

    with _errors():
        project = _recover()
        load_config(project)
        if apply is not None:
            if theme is not None:
                raise ThemesiteError("give either THEME or --apply FILE", "not both")
            done = apply_sheet(project, apply, reviewer, at)
            out.print(
                f"{done.path}: {done.added} added, {done.changed} changed, "
                f"{done.unchanged} unchanged; {count(done.skipped, 'row')} without a decision",
                highlight=False,
                soft_wrap=True,
            )
            return
        if theme is None:
            raise ThemesiteError("name the theme to review", "themesite review THEME --output FILE")
        rows = write_sheet(project, theme, output)
    if output is None:
        return
    err.print(f"wrote {count(rows, 'row')} to {output}", highlight=False)


@app.command()
def promote(
    theme: Annotated[str, typer.Argument(help="The discovered theme: its id or its label.")],
    theme_id: Annotated[
        str | None, typer.Option("--id", help="Its taxonomy id (default: its id without d-).")
    ] = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Add a discovered theme to the taxonomy, drafted from its terms, quotes and reviews."""
    from themesite.review.promote import promote as run_promote

    with _errors():
        project = _recover()
        config = load_config(project)
        path = taxonomy or project.resolve(config.analyse.taxonomy)
        done = run_promote(project, path, theme, theme_id)
    source = "reviewed members" if done.confirmed else "quotes (nobody has reviewed it yet)"
    out.print(
        f"added theme {done.theme_id} to {done.taxonomy} with "
        f"{count(done.examples, 'example')} from its {source}; edit its description, "
        "then run 'themesite build'",
        highlight=False,
    )


@app.command("import-codebook")
def import_codebook(
    codebook: Annotated[Path, typer.Argument(help="The REFI-QDA codebook (.qdc) to import.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Taxonomy to write (default: the project's)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace an existing taxonomy (themes that keep their id keep their "
            "patterns and examples).",
        ),
    ] = False,
) -> None:
    """Write a REFI-QDA codebook (.qdc) as the taxonomy: codes become themes."""
    from themesite.analyse.taxonomy import load_taxonomy
    from themesite.qda.taxonomy_file import import_codebook as run_import

    with _errors():
        project = _recover(required=False)
        config = load_config(project)
        own = project.resolve(config.analyse.taxonomy)
        done = run_import(codebook, output or own, replace, load_taxonomy(own, missing_ok=True))
    for warning in done.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    out.print(
        f"wrote {count(done.themes, 'theme')} to {done.taxonomy}; {done.kept} replace a "
        "theme of the same id and keep its patterns and examples",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def diff(
    old: Annotated[
        Path | None,
        typer.Argument(help="The earlier build's snapshot.json or findings.json."),
    ] = None,
    new: Annotated[
        Path | None, typer.Argument(help="The later one (default: the last build's record).")
    ] = None,
) -> None:
    """Print what changed between two builds: the last two by default, or two files given."""
    from themesite.analyse.changes import report_lines
    from themesite.history import compare_builds

    with _errors():
        changes = compare_builds(_State.project, old, new)
    for line in report_lines(changes):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


@app.command()
def formats() -> None:
    """List the input formats themesite recognises."""
    from themesite.ingest.registry import formats as registered

    for fmt in registered():
        out.print(f"{fmt.name}: {fmt.recognises}", highlight=False)


def main() -> None:
    app()

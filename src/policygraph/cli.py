"""The ``policygraph`` command: a thin layer over the library.

Each command parses options, calls one library function and prints. Errors of the tool's
own kind become a one-line message: exit 2 for bad input or usage, 1 for anything else. The
library's messages name its arguments (``entity=``); :func:`as_flags` puts them in the
shell's words (``--entity``) in this one place. Choices and defaults come from the library's
tables (export formats, result formats, executors). Heavy imports happen inside the
commands so that ``policygraph --help`` stays fast.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from policygraph.errors import InputError, PolicyGraphError, printable
from policygraph.export import DEFAULT_GRAPH_MODES
from policygraph.export import FORMATS as EXPORT_FORMATS
from policygraph.pipeline import EXECUTORS
from policygraph.query import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from policygraph.query import FORMATS as RESULT_FORMATS
from policygraph.serve import (
    DEFAULT_HOST,
    DEFAULT_MAX_ANSWER_MB,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_PORT,
    TOKEN_ENV,
)
from policygraph.serve import DEFAULT_TIMEOUT as SERVE_TIMEOUT
from policygraph.store import DEFAULT_OUT, DEFAULT_STORE

if TYPE_CHECKING:
    from policygraph.pipeline.build import BuildResult

#: Library functions a message may name, and the command that does the same in the shell.
_COMMANDS = {"pg.build()": "`policygraph build`", "pg.run_update()": "`policygraph query --update`"}


def fail(error: Exception, message: str | None = None) -> NoReturn:
    click.echo(f"policygraph: error: {message or error}", err=True)
    sys.exit(2 if isinstance(error, InputError) else 1)


def as_flags(message: str, command: click.Command | None) -> str:
    """A library message in the shell's words. The library names the arguments of its
    functions (``entity=``, ``scheduler='tcp://…'``, ``timeline=True``); the user of
    ``command`` typed its flags (``--entity``, ``--scheduler tcp://…``, ``--timeline``), which
    are found from the command's parameters: the argument a flag sets has the same name."""
    for function, words in _COMMANDS.items():
        message = message.replace(function, words)
    if command is None:
        return message
    flags = {p.name: _flag(p) for p in command.params if p.name}
    names = "|".join(sorted(flags, key=len, reverse=True))
    pattern = rf"(?<![\w?$/.-])({names})=('[^']*'|[\w./:+-]*[\w/])?"

    def flag(m: re.Match[str]) -> str:
        value = (m[2] or "").strip("'")
        return flags[m[1]] if value in ("", "True") else f"{flags[m[1]]} {value}"

    return re.sub(pattern, flag, message)


def _in_flags(text: str) -> str:
    """``text`` from the library in the words of the command that runs (:func:`as_flags`)."""
    ctx = click.get_current_context(silent=True)
    return as_flags(text, ctx.command if ctx is not None else None)


class _FlagsInLog(logging.Filter):
    """The library's log messages (a document skipped over ``doc_timeout=``) in flags."""

    def filter(self, record: logging.LogRecord) -> bool:
        if click.get_current_context(silent=True) is not None:
            record.msg, record.args = _in_flags(record.getMessage()), None
        return True


def _flag(param: click.Parameter) -> str:
    """How the shell user names ``param``: its long flag, or an argument's metavar."""
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


class _Group(click.Group):
    """Turns the tool's own errors into one line and the right exit status."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as e:
            name = ctx.invoked_subcommand
            fail(e, as_flags(str(e), self.get_command(ctx, name) if name else None))
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as Python's docs advise.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except OSError as e:  # a disk, permission or path problem: say which file, no traceback
            where = f"{e.filename}: " if e.filename else ""
            fail(PolicyGraphError(f"{where}{e.strerror or e}"))
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # usage errors: click prints them (exit 2)
        except Exception as e:
            # A bug, not the user's doing; still one line, the traceback with -v.
            logging.getLogger("policygraph").info("traceback:", exc_info=True)
            what = " ".join(f"{type(e).__name__}: {e}".split())
            fail(PolicyGraphError(f"internal error: {what} (run with -v for the traceback)"))


class _NonEmptyPath(click.Path):
    """A path that is not empty: ``--out "$OUT"`` with ``OUT`` unset gave ``''``, which
    pathlib reads as the current folder, and the build went there without a word."""

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> str | bytes | os.PathLike[str]:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty path (an unset variable?); give one, such as .", param, ctx)
        return super().convert(value, param, ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policygraph")
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
def main(verbose: bool) -> None:
    """Turn Chinese policy texts into an RDF knowledge graph; query, view and export it."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="policygraph: %(levelname)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _FlagsInLog) for f in handler.filters):
            handler.addFilter(_FlagsInLog())


@main.command()
@click.argument("inputs", nargs=-1, type=_NonEmptyPath(path_type=Path))
@click.option(
    "--out",
    type=_NonEmptyPath(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder: store/, policygraph.ttl, policygraph.trig, views/.",
)
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input (exit 2).")
@click.option("--no-views", is_flag=True, help="Skip writing the HTML views.")
@click.option(
    "--follow-links",
    is_flag=True,
    help="Read symbolic links that lead out of an input folder (default: list them as skipped).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for extraction (default: one per 8 MB of input, at most one per core).",
)
@click.option(
    "--doc-timeout",
    type=click.FloatRange(min=0),
    default=120.0,
    show_default=True,
    help="Seconds one document's extraction may take; past it the document is skipped (0: none).",
)
@click.option(
    "--doc-memory",
    type=click.IntRange(min=0),
    default=1024,
    show_default=True,
    help="MB of memory one document's extraction may add; past it it is skipped (0: none).",
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="Where documents are extracted: local worker processes, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler (tcp://host:8786) for --executor dask; "
    "without it a local cluster of --jobs workers.",
)
def build(
    inputs: tuple[Path, ...],
    out: Path,
    strict: bool,
    no_views: bool,
    follow_links: bool,
    jobs: int | None,
    doc_timeout: float,
    doc_memory: int,
    executor: str,
    scheduler: str | None,
) -> None:
    """Extract INPUTS (.txt files or folders; default seeds/) into a graph under --out.

    A rebuild into the same --out extracts only new and changed documents."""
    if executor == "local":  # the worker starts while the pipeline is imported (WARM_UP)
        from policygraph.pipeline import WARM_UP, workers

        workers.SHARED.start_named(WARM_UP)
    from policygraph.api import build as run_build

    result = run_build(
        inputs or (Path("seeds"),),
        out,
        strict=strict,
        views=not no_views,
        jobs=jobs,
        progress=sys.stderr.isatty(),
        follow_links=follow_links,
        doc_timeout=doc_timeout,
        doc_memory=doc_memory,
        executor=executor,
        scheduler=scheduler,
    )
    _summary(result, "Built")


@main.command()
@click.argument("parts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=_NonEmptyPath(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder of the merged graph (as for build).",
)
@click.option("--no-views", is_flag=True, help="Skip writing the HTML views.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes.")
def merge(parts: tuple[Path, ...], out: Path, no_views: bool, jobs: int | None) -> None:
    """Merge the output folders PARTS of builds of parts of a corpus into --out.

    The same bytes as one build of all their documents; their inputs are not read."""
    from policygraph.api import merge as run_merge

    result = run_merge(parts, out, views=not no_views, jobs=jobs, progress=sys.stderr.isatty())
    _summary(result, "Merged")


def _summary(result: BuildResult, verb: str) -> None:
    what = f"{result.documents} document(s) in {result.seconds:.1f} s → {result.triples} triples"
    click.echo(f"{verb} {what}")
    click.echo(
        f"  {result.new} new, {result.changed} changed, {result.unchanged} unchanged, "
        f"{result.removed} removed; {result.extracted} extracted with {result.jobs} job(s)"
    )
    for cls, n in result.entities.items():
        click.echo(f"  {cls:<13} {n:>7}")
    for path, reason in result.skipped:
        click.echo(f"  skipped {_shown(path)}: {_shown(_in_flags(reason))}")
    for path, kept in result.duplicates:
        click.echo(f"  left out {_shown(path)}: the same bytes as {_shown(kept)}")
    click.echo(f"Store:  {result.store}")
    click.echo(f"Turtle: {result.turtle}")
    click.echo(f"TriG:   {result.trig}")
    for view in result.views:
        click.echo(f"View:   {view}")


def _shown(text: str) -> str:
    """A path that is not valid UTF-8 with its bytes as ``\\xff`` (errors.printable)."""
    return printable(text)


@main.command()
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the query from a .rq file.",
)
@click.option("-n", "--name", help="Run a saved query (see --list).")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fill a saved query's parameter; repeatable.",
)
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="Rows shown by the table format, 0 for all (other formats give all).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a query that runs longer (exit 1); 0 for no limit.",
)
@click.option("--update", is_flag=True, help="Run a SPARQL Update on the named graphs.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let SERVICE and LOAD fetch from other servers (refused by default).",
)
def query(
    sparql: str | None,
    file: Path | None,
    name: str | None,
    list_saved: bool,
    params: tuple[str, ...],
    store: Path,
    fmt: str,
    max_rows: int,
    timeout: float,
    update: bool,
    allow_remote: bool,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) against the store.

    Queries over 1 MB, nested over 100 brackets deep or chaining over 500 operators are
    refused (exit 2) before they run."""
    from policygraph.query import sparql as q

    if list_saved:
        for saved in q.saved_queries().values():
            extra = f"  [--param {', '.join(saved.params)}]" if saved.params else ""
            click.echo(f"{saved.name:<12} {saved.title}{extra}")
        return
    text = q.query_text(sparql, file=file, name=name)
    if update:
        from policygraph.query.update import run_update

        click.echo(run_update(text, store=store, allow_remote=allow_remote).summary())
        return
    out = q.execute(
        text,
        store=store,
        params=_params(params),
        fmt=fmt,
        max_rows=max_rows,
        timeout=timeout,
        allow_remote=allow_remote,
    )
    click.echo(out, nl=False)


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--param")
        out[key] = value
    return out


@main.command()
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True)
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--writable",
    is_flag=True,
    help="Accept SPARQL Update and Graph Store writes, with the token as a bearer token.",
)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    help=f"Token writes must send [env {TOKEN_ENV}; default: a random one, printed at start].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=SERVE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Answer 503 to a query that runs longer; 0 for no limit.",
)
@click.option(
    "--max-memory-mb",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    help="Address-space limit of the Oxigraph process; past it, it is restarted and the "
    "query gets 502. 0 for none.",
)
@click.option(
    "--max-answer-mb",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_ANSWER_MB,
    show_default=True,
    help="Largest answer the front holds (it sends only complete answers); past it, 503. "
    "0 for none.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Accept this name in the Host header too (besides IP addresses, localhost and "
    "--host); repeatable.",
)
@click.option("--cors", is_flag=True, help="Send CORS headers: let any web page read results.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let SERVICE and LOAD fetch from other servers (refused by default).",
)
def serve(
    store: Path,
    host: str,
    port: int,
    writable: bool,
    token: str | None,
    timeout: float,
    max_memory_mb: int,
    max_answer_mb: int,
    allow_hosts: tuple[str, ...],
    cors: bool,
    allow_remote: bool,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint and explorer pages until Ctrl-C.

    Oxigraph's server runs on a private port behind a front that checks each request
    (Host, Origin, the token for writes, query limits) and follows new builds of the store.
    The front also serves the explorer: /explore, /search, and a page for every IRI under
    https://w3id.org/policygraph/id/ at /id/... (HTML, Turtle, N-Triples or JSON-LD)."""
    from policygraph.serve import server as s

    if not s.is_loopback(host):
        click.echo(
            f"policygraph: warning: listening on {host}: other machines can reach the endpoint",
            err=True,
        )

    def ready(server: s.Server) -> None:
        mode = "read-write" if server.writable else "read-only"
        click.echo(f"Serving {server.store} ({mode}) at {server.url}", err=True)
        if server.token_generated:
            click.echo(
                f"Write token: {server.token}  (send 'Authorization: Bearer {server.token}')",
                err=True,
            )
        click.echo(f"Explorer: {server.url}explore", err=True)
        click.echo(f"SPARQL endpoint: {server.url}query   Ctrl-C stops.", err=True)

    status = s.serve(
        store,
        host=host,
        port=port,
        writable=writable,
        token=token,
        timeout=timeout,
        max_memory_mb=max_memory_mb,
        max_answer_mb=max_answer_mb,
        allow_hosts=allow_hosts,
        cors=cors,
        allow_remote=allow_remote,
        on_ready=ready,
    )
    sys.exit(status)


@main.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store.",
)
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True)
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="The server's SPARQL query endpoint: lists our graphs there so that those the "
    "store no longer has are deleted.",
)
@click.option("--user", help="User name (HTTP Basic, or Digest when the server asks).")
@click.option(
    "--password", envvar="POLICYGRAPH_PASSWORD", help="Password [env POLICYGRAPH_PASSWORD]."
)
@click.option("--token", envvar="POLICYGRAPH_TOKEN", help="Bearer token [env POLICYGRAPH_TOKEN].")
@click.option(
    "--default-graph",
    type=click.Choice(DEFAULT_GRAPH_MODES),
    default="replace",
    show_default=True,
    help="The server's default graph: replace it with the store's (the merge the saved "
    "queries read), add to it, or leave it (a server with a union default graph).",
)
def push(
    endpoint: str,
    store: Path,
    query_endpoint: str | None,
    user: str | None,
    password: str | None,
    token: str | None,
    default_graph: str,
) -> None:
    """Load the graph into a SPARQL Graph Store server, one named graph per document,
    replacing the graphs policygraph owns there, then the default graph (the merge that
    queries read; see --default-graph). No other named graph is touched."""
    from policygraph.export import push as p

    if user is not None and password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, err=True)
    result = p.push(
        endpoint,
        store=store,
        query_endpoint=query_endpoint,
        auth=p.Auth(user=user, password=password, token=token),
        default_graph=default_graph,
    )
    click.echo(
        f"Pushed {len(result.replaced)} graph(s), {result.triples} triples, "
        f"in {result.seconds:.1f} s to {endpoint}"
    )
    if default_graph != "skip":
        verb = "replaced" if default_graph == "replace" else "added to"
        click.echo(f"Default graph {verb}: {result.default_triples} triples")
    if result.checked_stale:
        click.echo(f"Deleted {len(result.deleted)} graph(s) the store no longer has")
        for iri in result.deleted:
            click.echo(f"  deleted {iri}")
    else:
        click.echo(
            "Graphs the store no longer has were not looked for; pass --query-endpoint "
            "to delete them",
            err=True,
        )


@main.command()
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True)
@click.option(
    "--entity", help="Show one entity's neighbourhood: a label, an IRI or a prefixed name."
)
@click.option("--depth", type=click.IntRange(1, 5), default=1, show_default=True)
@click.option("--query", "sparql", help="Show a CONSTRUCT result or a SELECT of node pairs.")
@click.option("--timeline", is_flag=True, help="Show each policy's targets by deadline year.")
@click.option(
    "--lineage",
    metavar="POLICY",
    help="Show what a policy or law rests on, implements, amends and repeals (--depth links "
    "out), laws above regulations above rules.",
)
@click.option(
    "--indicator",
    metavar="LABEL",
    help="Chart an indicator (a label or any alias) by year: targets, ranges, outcomes.",
)
@click.option(
    "--indicators",
    is_flag=True,
    help="List every indicator with a small series each, linked to a page charting them all.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=300,
    show_default=True,
    help="Overview: draw at most this many of the most connected entities.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML file to write (default: views/<kind>.html beside the store).",
)
def view(
    store: Path,
    entity: str | None,
    depth: int,
    sparql: str | None,
    timeline: bool,
    lineage: str | None,
    indicator: str | None,
    indicators: bool,
    max_nodes: int,
    out: Path | None,
) -> None:
    """Write an interactive HTML view of the graph (opens offline): the overview, one
    entity's neighbourhood, a query result, the policy targets timeline, a policy's
    lineage, an indicator's targets and outcomes by year, or the list of indicators."""
    from policygraph.view.from_store import write_view

    path = write_view(
        store=store,
        entity=entity,
        depth=depth,
        sparql=sparql,
        timeline=timeline,
        max_nodes=max_nodes,
        out=out,
        lineage=lineage,
        indicator=indicator,
        indicators=indicators,
    )
    click.echo(str(path))


@main.command()
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(EXPORT_FORMATS)),
    help="; ".join(f.description for f in EXPORT_FORMATS.values()) + ".",
)
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (standard output when omitted).",
)
def export(fmt: str, store: Path, out: Path | None) -> None:
    """Export the graph from the store in another format."""
    from policygraph.export import export as run_export

    if out is None:
        run_export(fmt, store=store, out=sys.stdout.buffer)
    else:
        run_export(fmt, store=store, out=out)
        click.echo(str(out), err=True)


@main.command()
@click.option(
    "--gold",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="Gold annotations (YAML; see README 'Evaluation').",
)
@click.option(
    "--input",
    "input_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder of the documents, instead of the gold file's 'input' (a corpus unpacked "
    "elsewhere).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def evaluate(gold: Path, input_dir: Path | None, fmt: str) -> None:
    """Precision, recall and F1 per class against hand-written gold annotations."""
    from policygraph.evaluate.gold import evaluate as run_evaluate

    report = run_evaluate(gold, input_dir)
    click.echo(report.to_json() if fmt == "json" else report.to_table(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()

"""`sfreg index rebuild` and `sfreg index check`: the search index is a cache of the database."""

import time

import typer

# Each command imports the index and the database layer when it runs: `sfreg --help` must stay fast.

app = typer.Typer(help="The search index (a cache of the database, rebuilt at start when needed).",
                  no_args_is_help=True)


@app.command()
def rebuild() -> None:
    """Build the index anew from the database (running servers swap it in within a poll)."""
    from api.search_index import HIDDEN, build_procs, terms_source
    from registry.database import get_engine
    from registry.search.index import SearchIndex
    from registry.search.sync import rebuild as rebuild_index
    from registry.settings import get_settings
    settings = get_settings()
    index = SearchIndex(settings.resolved_index_dir, hidden=HIDDEN)
    started = time.perf_counter()
    with index.locked(timeout=600) as got:
        if not got:
            typer.echo("Index locked: another process holds the write lock", err=True)
            raise typer.Exit(1)
        count = rebuild_index(index, terms_source(get_engine()), procs=build_procs())
    took = time.perf_counter() - started
    typer.echo(f"rebuilt {settings.resolved_index_dir}: {count} revisions in {took:.1f} s")


@app.command()
def sync() -> None:
    """Bring the index up to date with the database, as a starting server does: index the revisions
    written since it was last updated (a large import in bulk), or rebuild it if it is unusable."""
    from api.search_index import open_index
    from registry.database import get_engine
    from registry.settings import get_settings
    settings = get_settings()
    started = time.perf_counter()
    index = open_index(settings, get_engine())
    took = time.perf_counter() - started
    typer.echo(f"synced {settings.resolved_index_dir}: up to revision {index.state.get('max_id', 0)} "
               f"in {took:.1f} s")


@app.command()
def check() -> None:
    """Compare the index with the database (revision count, content hash); exit 1 if they differ."""
    from api.search_index import HIDDEN, terms_source
    from registry.database import get_engine
    from registry.search.index import IndexUnavailable, SearchIndex, fingerprint_of
    from registry.settings import get_settings
    settings = get_settings()
    index = SearchIndex(settings.resolved_index_dir, hidden=HIDDEN)
    source = terms_source(get_engine())
    expected = fingerprint_of(source.fingerprint_items())
    try:
        index.open()
    except IndexUnavailable as error:
        typer.echo(f"Index unavailable: {error}", err=True)
        raise typer.Exit(1) from None
    actual = index.fingerprint()
    typer.echo(f"index:    {actual[0]} revisions, sha256 {actual[1]}")
    typer.echo(f"database: {expected[0]} revisions, sha256 {expected[1]}")
    if actual != expected:
        typer.echo("Index out of step with the database: run `sfreg index rebuild`", err=True)
        raise typer.Exit(1)
    typer.echo("ok")

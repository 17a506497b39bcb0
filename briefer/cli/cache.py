"""`briefer cache path|stats|clear`: the cache of model extractions."""

import typer

from briefer.cli.app import app, handled
from briefer.cli.shared import settings_from

cache_app = typer.Typer(help="The cache of model extractions.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("path")
@handled
def cache_path() -> None:
    """Print where the cache lives (BRIEFER_CACHE_DIR, or BRIEFER_HOME, moves it)."""
    typer.echo(str(settings_from().dirs.cache / "cache.sqlite3"))


@cache_app.command("stats")
@handled
def cache_stats() -> None:
    """Entries, size on disk, and entries per model."""
    from briefer.cache import Cache

    with Cache.at(settings_from().dirs.cache) as cache:
        stats = cache.stats()
    typer.echo(f"path: {stats['path']}")
    typer.echo(f"entries: {stats['entries']}")
    typer.echo(f"size: {stats['bytes'] / 1024:.1f} KiB")
    for model, count in sorted(stats["models"].items()):
        typer.echo(f"  {model}: {count}")


@cache_app.command("clear")
@handled
def cache_clear() -> None:
    """Remove every cached extraction."""
    from briefer.cache import Cache

    with Cache.at(settings_from().dirs.cache) as cache:
        removed = cache.clear()
    typer.echo(f"removed {removed} entries")

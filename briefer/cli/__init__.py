"""The command line: a thin Typer adapter over the pipeline, one module per command group.

Importing the command modules registers their commands on `app`; the work happens in `briefer.pipeline`.
Start-up is kept to Typer's own: the modules import nothing of the stages until a command runs, and the
command modules do without `from __future__ import annotations`, since Typer reads every command's
annotations at each start (`--help` too), and a string annotation is compiled each time it is read."""

# In the order `briefer --help` lists them.
from briefer.cli import run, articles, eval, cache, batch, memory, site, customize  # noqa: F401, I001  (registers the commands)
from briefer.cli.app import app, main

__all__ = ["app", "main"]

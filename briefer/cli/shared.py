"""What every command does around the pipeline: settings from flags, dates, progress on stderr, the summary."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO, TypedDict

from briefer.cli.app import say
from briefer.errors import UsageError
from briefer.progress import counted

if TYPE_CHECKING:
    from briefer.config import Overrides, Settings
    from briefer.models import Briefing
    from briefer.progress import Progress


def settings_from(
    flags: Overrides | None = None, offline: bool = False, var: list[str] | None = None, briefing: str | None = None
) -> Settings:
    """Settings from the configuration layers (with a named briefing's), the command line's flags on top."""
    from briefer.config import load_settings, parse_vars

    overrides: Overrides = {**(flags or {})}
    if offline:
        overrides["provider"] = "offline"
    if var:
        overrides["vars"] = parse_vars(var) or None
    return load_settings(overrides, briefing=briefing)


def run_flags(
    *,
    model: str | None,
    base_url: str | None,
    concurrency: int | None,
    max_output_tokens: int | None,
    timeout: float | None,
    title: str | None,
    prompts_dir: Path | None,
    no_follow: bool,
    no_cache: bool,
    max_cost: float | None,
    since: str | None,
    no_history: bool,
) -> Overrides:
    """The settings layer of the flags `run` and `extract` share (the model, reading, the cache, the title,
    the history store): a flag left out changes nothing."""
    return {
        "model": model,
        "base_url": base_url,
        "concurrency": concurrency,
        "max_output_tokens": max_output_tokens,
        "timeout": timeout,
        "title": title,
        "prompts_dir": prompts_dir,
        "follow_links": False if no_follow else None,
        "cache": False if no_cache else None,
        "max_cost": max_cost,
        "since": since,
        "history": False if no_history else None,
    }


class SourceFields(TypedDict):
    """The fields of a pipeline Request that say what to read and where to write."""

    sources: list[str]
    sources_file: Path | None
    stdin: BinaryIO | None
    output: Path | None
    stdout: TextIO
    mkdir: bool


def sources_of(sources: list[str] | None, sources_file: Path | None, output: Path | None, mkdir: bool) -> SourceFields:
    """What a command reads (a "-" among the sources reads standard input) and where it writes (standard
    output when `output` is None), for `Request(**sources_of(...), ...)`."""
    return {
        "sources": sources or [],
        "sources_file": sources_file,
        "stdin": stdin_of(sources),
        "output": output,
        "stdout": sys.stdout,
        "mkdir": mkdir,
    }


def parse_date(value: str | None, option: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date (YYYY-MM-DD)") from None


@contextmanager
def progress_on_stderr(enabled: bool) -> Iterator[Progress]:
    """The pipeline's progress, drawn as a bar on a terminal; notes go to stderr unless --quiet."""
    from briefer.progress import Progress

    note = say if enabled else _ignore
    if not enabled or not sys.stderr.isatty():
        yield Progress(note=note)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("extracting", total=0)
        yield Progress(
            found=lambda n: bar.update(task, total=(bar.tasks[0].total or 0) + n),
            advance=lambda: bar.advance(task),
            stage=lambda label: bar.update(task, description=label),
            note=lambda line: bar.console.print(f"briefer: {line}", markup=False, highlight=False),
        )


def _ignore(_: str) -> None:
    return None


def summary(briefing: Briefing, output: Path | None, quiet: bool) -> None:
    if quiet:
        return
    n, failed, usage = len(briefing.articles), len(briefing.failures), briefing.usage
    parts = [f"{counted(n, 'article')} extracted"]
    if failed:
        parts.append(f"{failed} failed (listed under failures)")
    if briefing.notices:
        from briefer.notices import summary_words

        parts.append(summary_words(briefing.notices))
    if usage.requests or usage.cache_hits:
        parts.append(
            f"{counted(usage.requests, 'request')} ({counted(usage.retries, 'retry')}), "
            f"{usage.prompt_tokens} prompt + {counted(usage.completion_tokens, 'completion token')}"
            + (f" ({usage.cached_tokens} cached by the provider)" if usage.cached_tokens else "")
        )
        parts.append(f"{usage.cache_hits} from the cache")
        parts.append("not priced" if usage.cost_usd is None else f"${usage.cost_usd:.4f}")
    marks = [c.status for c in briefing.commitments if c.status]
    if marks or briefing.overdue or briefing.done:
        counts = {m: marks.count(m) for m in ("new", "reaffirmed", "changed", "overdue") if marks.count(m)}
        if briefing.overdue:
            counts["overdue"] = counts.get("overdue", 0) + len(briefing.overdue)
        if briefing.done:
            counts["done"] = len(briefing.done)
        parts.append("commitments: " + ", ".join(f"{n} {m}" for m, n in counts.items()))
    parts.append(f"{usage.elapsed_seconds:.1f} s")
    say(" · ".join(parts) + (f" -> {output}" if output else ""))
    for failure in briefing.failures:
        say(f"  failed: {failure.source}: {failure.error}")
    if briefing.notices:
        from briefer.notices import notice_lines

        for line in notice_lines(briefing.notices):
            say(f"  notice: {line}")


def stdin_of(names: list[str] | None) -> BinaryIO | None:
    return sys.stdin.buffer if names and "-" in names else None


def recipients(to: list[str] | None, cc: list[str] | None, bcc: list[str] | None) -> dict[str, list[str]] | None:
    """--to/--cc/--bcc as an [email] layer that replaces the configured lists it names."""
    chosen = {key: value for key, value in (("to", to), ("cc", cc), ("bcc", bcc)) if value}
    return chosen or None

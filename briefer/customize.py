"""Customisation: list, show, copy and check the prompt and output templates; show and start configuration."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jinja2

from briefer.config import Settings, apply_prompt_settings
from briefer.errors import BrieferError, TemplateError, UsageError
from briefer.memory.records import Entry as Kept
from briefer.memory.records import Sighting
from briefer.models import Article, Briefing, Changes, MovedFact, Usage
from briefer.output.templating import output_environment, packaged_dir, prompt_environment, render_template

KINDS = ("prompts", "templates")
SAMPLE_TEXT = (
    "The Tarsby council on Thursday approved a plan to rebuild the harbour wall before the winter storms. "
    "Mayor Ilse Vantongeren said the work would cost 12 million euros and pledged to finish it by March 2027. "
    "Engineers found three weak sections in the old wall last month, officials said. "
    "Critics warned that the budget could run out before the northern section is done."
)


@dataclass
class Entry:
    name: str
    path: Path
    origin: str  # "packaged", "user", or "override"


def environment(kind: str, settings: Settings) -> jinja2.Environment:
    explicit = settings.prompts_dir if kind == "prompts" else settings.templates_dir
    make = prompt_environment if kind == "prompts" else output_environment
    return make(explicit, settings.dirs.config)


def entries(kind: str, settings: Settings) -> list[Entry]:
    """Every file of `kind` as it resolves: an override hides the packaged file of the same name."""
    explicit = settings.prompts_dir if kind == "prompts" else settings.templates_dir
    layers = [(packaged_dir(kind), "packaged"), (settings.dirs.config / kind, "user")]
    if explicit is not None:
        layers.append((explicit, "override"))
    found: dict[str, Entry] = {}
    for directory, origin in layers:
        if directory.is_dir():
            for path in sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")):
                found[path.name] = Entry(path.name, path, origin)
    return sorted(found.values(), key=lambda e: e.name)


def show(kind: str, name: str, settings: Settings) -> Entry:
    for entry in entries(kind, settings):
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in entries(kind, settings))
    raise UsageError(f"no {kind[:-1]} named '{name}' (there are: {known})")


def init(kind: str, target: Path | None, force: bool, settings: Settings) -> tuple[Path, list[str]]:
    """Copy the packaged defaults into `target` (the user directory by default) for editing."""
    target = target or settings.dirs.config / kind
    sources = sorted(p for p in packaged_dir(kind).iterdir() if p.is_file())
    existing = [p.name for p in sources if (target / p.name).exists()]
    if existing and not force:
        raise UsageError(f"{target}: {', '.join(existing)} already there; nothing copied (--force overwrites)")
    target.mkdir(parents=True, exist_ok=True)
    for path in sources:
        shutil.copyfile(path, target / path.name)
    return target, [p.name for p in sources]


def sample_briefing() -> Briefing:
    """A briefing of a made-up article, extracted offline: what `check` renders every template against."""
    from briefer.day.stage import build_briefing
    from briefer.offline.extractor import extract_offline

    article = Article(
        id="sample",
        title="Tarsby approves harbour wall",
        source="Tarsby Times",
        url="https://example.org/harbour",
        published=datetime(2026, 11, 26, tzinfo=UTC),
        text=SAMPLE_TEXT,
    )
    briefing = build_briefing(
        [extract_offline(article)],
        [],
        provider="offline",
        model=None,
        usage=Usage(),
        title="Sample briefing",
        today=date(2026, 11, 27),
    )
    return with_history(briefing)


def sample_ledger(briefing: Briefing) -> list[Kept]:
    """A made-up ledger a week older than the briefing: its first pledge with an earlier deadline, and a
    council pledge whose deadline has since passed."""
    earlier = briefing.date - timedelta(days=7)

    def kept(ident: str, actor: str, action: str, deadline: str, due: date) -> Kept:
        said = Sighting(
            day=earlier,
            name="default",
            actor=actor,
            action=action,
            counterparty=None,
            deadline=deadline,
            due=due,
            mark="new",
            changed=[],
            quotes=[f"{actor} pledged to {action} {deadline}."],
            sources=["Tarsby Times"],
        )
        return Kept(ident, actor, action, earlier, sightings=[said])

    passed = briefing.date - timedelta(days=2)
    entries = [kept("e5f6a7b8", "Tarsby council", "reopen the ferry pier", f"by {passed:%-d %B %Y}", passed)]
    if briefing.commitments:
        first = briefing.commitments[0]
        before = (first.due or briefing.date) - timedelta(days=30)
        entries.insert(0, kept("a1b2c3d4", first.actor, first.action, f"by {before:%-d %B %Y}", before))
    return entries


def with_history(briefing: Briefing) -> Briefing:
    """The sample briefing marked against the sample ledger, with what changed since a made-up previous run:
    every part of a briefing that remembers is there for templates to be checked against."""
    from briefer.memory import ledger

    earlier = briefing.date - timedelta(days=7)
    marked = ledger.mark(
        briefing.commitments, sample_ledger(briefing), briefing.date, briefing.articles, previous=earlier
    )
    moved = [
        MovedFact(statement=f.statement, was="10 million euros", now="12 million euros", article=a.id, previous="")
        for a in briefing.articles[:1]
        for f in a.facts[:1]
    ]
    changes = Changes(
        previous=earlier,
        new_articles=[a.id for a in briefing.articles],
        skipped=2,
        moved=moved,
        status=marked.status,
    )
    return briefing.model_copy(
        update={
            "commitments": marked.commitments,
            "overdue": marked.overdue,
            "due_soon": marked.due_soon,
            "done": marked.done,
            "changes": changes,
        }
    )


def check(kind: str, settings: Settings) -> list[str]:
    """Render every template of `kind` against the sample; one line per problem (none: all is well)."""
    from briefer.output.rendering import render

    env = environment(kind, settings)
    problems: list[str] = []
    briefing = sample_briefing()
    context_vars = dict(settings.vars)
    if kind == "templates":
        for fmt in ("md", "html"):
            try:
                render(briefing, fmt, env, variables=context_vars)
            except BrieferError as e:
                problems.append(e.message)
        names = [e.name for e in entries(kind, settings) if e.name.endswith(".j2")]
        for name in names:
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as e:
                problems.append(f"{e.filename or name}:{e.lineno}: syntax error: {e.message}")
        return sorted(set(problems))
    from briefer.day.model_day import synthesis_context
    from briefer.day.synthesize import prepare
    from briefer.extraction.extract import extraction_messages
    from briefer.extraction.prompts import read_meta

    try:
        meta = read_meta(env)
        article = Article(id="sample", title="Tarsby approves harbour wall", source="Tarsby Times", text=SAMPLE_TEXT)
        extraction_messages(env, article, {**context_vars, "vars": context_vars, "fields": meta.fields})
        variables = {**context_vars, "vars": context_vars}
        context = synthesis_context(variables, prepare(briefing.articles), briefing.date)
        for name in ("synthesize.system.j2", "synthesize.user.j2"):
            render_template(env, name, context)
        from briefer.memory import matching

        kept = sample_ledger(briefing)
        pairs = [matching.Pair(0, kept[0])] if briefing.commitments else []
        ledger_context, _ = matching.prompt_context(variables, briefing.commitments, pairs, briefing.date)
        for name in ("ledger.system.j2", "ledger.user.j2"):
            render_template(env, name, ledger_context)
    except TemplateError as e:
        problems.append(e.message)
    return problems


STARTER = """\
# briefer configuration. Precedence: flags > environment > this file ({place}) > defaults.
# Every key is optional; unknown keys are errors. The API key never goes here: set OPENAI_API_KEY.

# provider = "auto"            # auto (a model when OPENAI_API_KEY or OPENAI_BASE_URL is set) | openai | offline
# model = "gpt-4o-mini"
# base_url = "http://localhost:11434/v1"   # Ollama; vLLM :8000, llama.cpp :8080, LM Studio :1234
# concurrency = 8
# timeout = 120                # seconds per model response
# max_attempts = 8
# temperature = 0.2            # not sent unless set
# max_output_tokens = 4000
# max_article_tokens = 12000   # article text per request; longer articles are split
# max_cost = 1.00              # USD per run
# cache = true
# title = "Morning briefing"
# prompts_dir = "my-prompts"     # relative to this file
# templates_dir = "my-templates"
# include_ungrounded = false
# sources = ["https://example.org/world.rss", "saved-pages/"]
# follow_links = true
# fetch_timeout = 20

# [vars]                       # reach prompts and templates: {{{{ language }}}}, {{{{ vars.audience }}}}
# language = "French"
# audience = "the board"

# history = true               # keep each run and mark commitments against the ledger (--no-history)
# due_soon_days = 7

# [briefings.morning]          # briefer run --briefing morning: the whole daily job (cron, systemd timer)
# sources = ["https://example.org/world.rss"]
# since = "24h"
# title = "Morning briefing"
# output = "~/briefings/morning-{{date}}.html"
# to = ["me@example.org"]
# since_last = true            # brief only what is new since its last run, and lead with what changed
# notify_failures = true       # email a short notice when the run fails (nothing new, sources down)

# [site]                       # the archive site: briefer site builds it, each kept run updates it
# dir = "site"                 # relative to this file
# title = "Briefings"

# [prices."llama3.1"]          # USD per million tokens
# input = 0
# output = 0
"""


def init_config(path: Path, force: bool, place: str) -> Path:
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; nothing written (--force overwrites)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STARTER.format(place=place), encoding="utf-8")
    return path


def with_prompt_settings(settings: Settings) -> Settings:
    """The settings with the extraction prompt's front matter applied, as a run with a model applies it."""
    from briefer.extraction.prompts import read_meta

    meta = read_meta(environment("prompts", settings))
    return apply_prompt_settings(settings, meta.model, meta.temperature, meta.max_output_tokens, file=meta.file)


def effective(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, value, origin) for every setting, the prompt's front matter included; the API key masked."""
    settings = with_prompt_settings(settings)
    rows = []
    for key in Settings.model_fields:
        value = getattr(settings, key)
        if key == "api_key":
            shown = "(not set)" if value is None else "**** (set; never shown)"
        elif key == "email":
            shown = ", ".join(
                f"{k}={v}" for k, v in value.model_dump(by_alias=True).items() if v not in (None, [], "")
            ) + (", password=****" if value.password is not None else "")
        elif key == "dirs":
            shown = ", ".join(f"{name}={path}" for name, path in value.model_dump().items())
        elif key == "prices":
            shown = ", ".join(f"{m}: {p.input}/{p.output}" for m, p in value.items()) or "{}"
        elif key == "briefings":
            shown = (
                "; ".join(
                    f"{name}: " + ", ".join(f"{k}={v}" for k, v in b.model_dump(exclude_defaults=True).items())
                    for name, b in value.items()
                )
                or "{}"
            )
        else:
            shown = "" if value is None else str(value)
        rows.append((key, shown, settings.origin(key)))
    return rows

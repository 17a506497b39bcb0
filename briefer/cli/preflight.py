"""The output templates checked before a run does any work: rendered against a small sample briefing, so that
a template error or an undefined variable is reported at once, not after every article was extracted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from briefer.config import Settings
from briefer.errors import TemplateError
from briefer.models import Article, ArticleBrief, Briefing, Commitment, Evidence, Fact, Failure, Implication, Usage

if TYPE_CHECKING:
    from briefer.output.rendering import Format

_TEXT = (
    "The Tarsby council on Thursday approved a plan to rebuild the harbour wall before the winter storms. "
    "Mayor Ilse Vantongeren said the work would cost 12 million euros and pledged to finish it by March 2027. "
    "Critics warned that the budget could run out before the northern section is done."
)
_OTHER = "Nordlake Energy will open a battery plant in Kessvik in 2028, the company said on Monday."
_SAMPLE_VALUES: dict[str, Any] = {"string": "a sample value", "number": 1.5, "integer": 2, "boolean": True}


def _evidence(text: str, quote: str) -> list[Evidence]:
    start = text.index(quote)
    return [Evidence(quote=quote, start=start, end=start + len(quote))]


def _brief(article: Article, extra: dict[str, Any]) -> ArticleBrief:
    """A brief of `article` made by hand (its first sentence a fact, a pledge where there is one): no
    extractor is loaded for a check."""
    first = article.text.split(". ")[0].rstrip(".") + "."
    pledge = next((s for s in article.text.split(". ") if "pledged" in s or " will " in s), None)
    commitments = []
    if pledge is not None:
        quote = pledge.rstrip(".") + "."
        commitments.append(
            Commitment(
                actor=quote.split(" said")[0].split(" will")[0],
                action="finish the work" if "pledged" in quote else "open a battery plant",
                deadline="by March 2027" if "pledged" in quote else "in 2028",
                due=date(2027, 3, 31) if "pledged" in quote else date(2028, 12, 31),
                evidence=_evidence(article.text, quote),
                grounded=True,
            )
        )
    return ArticleBrief.of(
        article,
        summary=first,
        facts=[Fact(statement=first, attribution="reported", evidence=_evidence(article.text, first), grounded=True)],
        commitments=commitments,
        implications=[Implication(statement="Costs may rise.", rationale="Critics say so.", confidence="low")],
        extra=extra,
    )


def sample_briefing(settings: Settings) -> Briefing:
    """Two made-up articles, a failure, and the ledger's marks: every part a template may show. With a model,
    the fields the prompts' front matter adds are filled, as the model's answer would fill them."""
    from briefer.customize import with_history
    from briefer.day.stage import build_briefing

    extra: dict[str, Any] = {}
    if settings.resolved_provider() != "offline":
        from briefer.extraction.prompts import read_meta
        from briefer.output.templating import prompt_environment

        fields = read_meta(prompt_environment(settings.prompts_dir, settings.dirs.config)).fields
        extra = {
            name: ["a sample item", "another"] if spec.type == "list of strings" else _SAMPLE_VALUES[spec.type]
            for name, spec in fields.items()
        }
    published = datetime(2026, 11, 26, tzinfo=UTC)
    articles = [
        Article(
            id="sample1",
            title="Tarsby approves harbour wall",
            source="Tarsby Times",
            text=_TEXT,
            url="https://example.org/harbour",
            published=published,
        ),
        Article(id="sample2", title="Nordlake to open a plant", source="Kessvik Post", text=_OTHER),
    ]
    briefing = build_briefing(
        [_brief(a, extra) for a in articles],
        [Failure(source="https://example.org/gone", error="HTTP 404")],
        provider=settings.resolved_provider(),
        model=None if settings.resolved_provider() == "offline" else (settings.model or "a model"),
        usage=Usage(requests=3, prompt_tokens=3000, completion_tokens=900, cost_usd=0.001),
        title=settings.title or "Sample briefing",
        today=date(2026, 11, 27),
    )
    return with_history(briefing)


def check_templates(settings: Settings, fmt: Format, email: bool) -> None:
    """Render the templates a run will use (the format's, and the email's when it sends one) against the
    sample briefing; a TemplateError naming the file and line when one fails, before any work is done."""
    from briefer.output.publish import render, templates
    from briefer.output.rendering import render_email

    if fmt == "json" and not email:
        return
    env = templates(settings)
    briefing = sample_briefing(settings)
    try:
        if fmt != "json":
            render(briefing, fmt, settings, env)
        if email:
            render_email(briefing, env, settings.include_ungrounded, settings.vars)
    except TemplateError as e:
        raise TemplateError(f"{e.message} (found rendering a sample briefing before the run; nothing was done)") from e

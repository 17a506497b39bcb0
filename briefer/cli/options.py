"""The options and arguments several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SourcesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files, directories, URLs, feeds, or - for standard input.", show_default=False, metavar="SOURCE"
    ),
]
SourcesFileOpt = Annotated[
    Path | None,
    typer.Option("--sources", "-s", help="A file listing sources, one a line (# comments).", metavar="FILE"),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Keep articles published in this window: 24h, 3d, 2w, or a date.", metavar="WINDOW"),
]
NoFollowOpt = Annotated[bool, typer.Option("--no-follow", help="Keep feed teasers; do not fetch their pages.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write here (.md, .html or .json; or a device or pipe such as /dev/null); stdout when absent.",
        metavar="FILE",
    ),
]
JsonOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the JSON here (a .json file); stdout when absent.", metavar="FILE"),
]
JsonLinesOutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the JSON Lines here (a .jsonl file); stdout when absent.", metavar="FILE"
    ),
]
MkdirOpt = Annotated[bool, typer.Option("--mkdir", help="Create the output's folder if it does not exist.")]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="md, html or json (default: from -o).", metavar="FORMAT")
]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model name (BRIEFER_MODEL).", metavar="NAME")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL).", metavar="URL")
]
ConcurrencyOpt = Annotated[
    int | None, typer.Option("--concurrency", "-c", help="Articles in flight at once.", metavar="N")
]
MaxOutputTokensOpt = Annotated[
    int | None,
    typer.Option(
        "--max-output-tokens",
        help="Tokens a model reply may hold: an article's (default 2048); the day's requests get twice as many.",
        metavar="N",
    ),
]
TimeoutOpt = Annotated[
    float | None, typer.Option("--timeout", help="Seconds to wait for one model reply (default 120).", metavar="S")
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="The briefing's title.", metavar="TEXT")]
PromptsOpt = Annotated[
    Path | None, typer.Option("--prompts-dir", help="Prompt templates searched first.", metavar="DIR")
]
TemplatesOpt = Annotated[
    Path | None, typer.Option("--templates-dir", help="Output templates searched first.", metavar="DIR")
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the embedded extractor, no model.")]
UngroundedOpt = Annotated[
    bool, typer.Option("--include-ungrounded", help="Also show items whose quotes were not found, marked.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ask the model again even for cached articles.")]
VarOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--var", help="key=value for prompts and templates; repeatable.", show_default=False, metavar="KEY=VALUE"
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the first article's prompts and the cost estimate; send nothing.")
]
EmailOpt = Annotated[bool, typer.Option("--email", help="Email the briefing (SMTP from [email] or BRIEFER_SMTP_*).")]
ToOpt = Annotated[
    list[str] | None, typer.Option("--to", help="A recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
CcOpt = Annotated[
    list[str] | None, typer.Option("--cc", help="A Cc recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
BccOpt = Annotated[
    list[str] | None, typer.Option("--bcc", help="A Bcc recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
EmlOpt = Annotated[
    Path | None, typer.Option("--eml", help="Write the email message to this .eml file; send nothing.", metavar="FILE")
]
BatchOpt = Annotated[bool, typer.Option("--batch", help="Use the Batch API: half price, results within 24 h.")]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the batch to finish (default: wait).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite files that are already there.")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="The briefing's date, for the ledger and deadlines (default: today).", metavar="YYYY-MM-DD"
    ),
]
BriefingOpt = Annotated[
    str | None,
    typer.Option(
        "--briefing", "-b", help="Run the named briefing of the configuration ([briefings.NAME]).", metavar="NAME"
    ),
]
SinceLastOpt = Annotated[
    bool | None,
    typer.Option(
        "--since-last/--all",
        help="Brief only what is new since this briefing's previous run, and lead with what changed.",
        show_default=False,
    ),
]
SiteOpt = Annotated[
    Path | None,
    typer.Option("--site", help="Update the archive site in this folder once the run is kept.", metavar="DIR"),
]
NoHistoryOpt = Annotated[
    bool, typer.Option("--no-history", help="Do not keep this run, nor mark commitments against the ledger.")
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option("--max-cost", help="Refuse to start above this estimate (USD); stop spending at it.", metavar="USD"),
]

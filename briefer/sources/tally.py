"""What reading left out or could not complete, counted as the sources are read, and said in one line each:
articles published before the `--since` window, and feed items briefed from their teaser alone because the
full article behind the link could not be read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from briefer.models import Failure

# Why a teaser stayed a teaser, in the words of the one-line report.
NO_LINK = "the item has no http(s) link"
NO_ARTICLE = "the page held no article"
SHORTER = "the page held no more text than the teaser"


def fetch_failed(reason: str) -> str:
    return f"the page fetch failed ({reason})"


@dataclass
class Tally:
    """Counted by the reader as it goes; `window` is the --since setting as the user wrote it ("24h")."""

    window: str | None = None
    too_old: int = 0  # published before the window, left out
    feed_items: int = 0  # feed items kept (inside the window)
    teaser_only: Counter[str] = field(default_factory=Counter)  # why -> items briefed from the teaser alone

    def teaser_note(self) -> str | None:
        """ "12 of 55 feed items briefed from their teaser only: the page fetch failed (HTTP 503)"; None when
        every teaser was completed (or none was followed)."""
        total = sum(self.teaser_only.values())
        if not total:
            return None
        reasons = self.teaser_only.most_common()
        if len(reasons) == 1:
            why = reasons[0][0]
        else:
            shown = [f"{reason} ({count})" for reason, count in reasons[:3]]
            rest = sum(count for _, count in reasons[3:])
            why = "; ".join(shown) + (f"; {rest} for other reasons" if rest else "")
        items = "item" if self.feed_items == 1 else "items"
        return f"{total} of {self.feed_items} feed {items} briefed from their teaser only: {why}"

    def nothing_left(self, failures: list[Failure] | tuple[Failure, ...]) -> str:
        """Why no article is left, in one line: the --since window when it dropped what was read, else the
        sources' failures."""
        failed = "; ".join(f"{f.source}: {f.error}" for f in failures[:3])
        if self.too_old:
            window = f" ({self.window})" if self.window else ""
            said = f"no article published in the --since window{window}: {self.too_old} read, all older"
            return said + (f"; {len(failures)} sources failed ({failed})" if failures else "")
        return f"no readable article ({failed or 'the sources held no article'})"

"""The HTML page as a reader sees it: themes under their heading, every story by its title, and, in headless
Chromium (skipped when it is not installed), a commitments card on a 390 px phone whose citation number
sits beside the actor rather than alone on a line, and the table's number column on a 1280 px screen."""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefer.models import Theme
from briefer.output.rendering import render
from tests.output.test_render import env, fixed_briefing

# Written into the page: where each commitment card's actor and citation cells are, per frame width.
PROBE = """<script>
addEventListener("load", () => {
  const out = {};
  for (const frame of document.querySelectorAll("iframe")) {
    const doc = frame.contentDocument;
    out[frame.width] = {
      overflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
      rows: [...doc.querySelectorAll("#commitments tbody tr")].map(tr => {
        const box = td => { const r = tr.querySelector(td).getBoundingClientRect();
          return [r.left, r.top, r.right, r.bottom]; };
        return {actor: box("td.actor"), cite: box("td.cite"), action: box("td.action")};
      }),
    };
  }
  document.body.setAttribute("data-layout", JSON.stringify(out));
});
</script>"""


def _many_stories() -> str:
    briefing = fixed_briefing()
    first, second = briefing.articles
    others = [second.model_copy(update={"id": f"x{n}", "title": f"Story number {n} & more"}) for n in range(12)]
    return render(
        briefing.model_copy(
            update={
                "articles": [first, second, *others],
                "themes": [
                    Theme(label="Arland, Kessvik", articles=["aaaa", "bbbb"]),
                    Theme(label="Other stories", articles=[o.id for o in others], other=True),
                ],
            }
        ),
        "html",
        env(),
    )


def test_themes_have_a_heading_and_other_stories_are_listed_by_title() -> None:
    page = _many_stories()
    section = page[page.index('<section id="themes">') : page.index("</section>", page.index('id="themes"'))]
    assert "<h2>Themes</h2>" in section and '<a href="#themes">Themes</a>' in page
    other = section[section.index("<em>Other stories</em>") :]
    for n in range(12):
        assert f'class="art">{n + 3}</a> Story number {n} &amp; more</li>' in other  # its number, its title
    assert re.findall(r'href="#article-(\d+)"', other) == [str(n) for n in range(3, 15)]


def _layout(page: str, tmp_path: Path) -> dict[str, dict[str, object]]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    frames = "".join(
        f'<iframe width="{w}" height="1200" srcdoc="{htmllib.escape(page, quote=True)}"></iframe>' for w in (390, 1280)
    )
    probe = tmp_path / "probe.html"
    probe.write_text(f"<!DOCTYPE html><html><body>{frames}{PROBE}</body></html>", encoding="utf-8")
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path / "chromium-home")},  # its crash reports and caches go there
    )
    found = re.search(r'data-layout="([^"]*)"', result.stdout)
    assert found, result.stderr[-2000:]
    layout: dict[str, dict[str, object]] = json.loads(htmllib.unescape(found.group(1)))
    return layout


def test_a_card_keeps_its_citation_beside_the_actor_on_a_phone_and_in_its_column_on_a_screen(
    tmp_path: Path,
) -> None:
    layout = _layout(render(fixed_briefing(), "html", env()), tmp_path)
    phone, screen = layout["390"], layout["1280"]
    assert phone["overflow"] == 0 and screen["overflow"] == 0  # nothing runs off the page
    for row in phone["rows"]:  # type: ignore[attr-defined]
        actor, cite, action = row["actor"], row["cite"], row["action"]
        assert cite[1] < actor[3] and cite[3] > actor[1]  # on the actor's line ...
        assert cite[0] >= actor[2] - 1  # ... to its right
        assert action[1] >= actor[3] - 1  # the commitment below them, the card's width
    for row in screen["rows"]:  # type: ignore[attr-defined]
        actor, cite, action = row["actor"], row["cite"], row["action"]
        assert abs(cite[1] - actor[1]) < 1 and cite[0] > action[2]  # the last column of the row

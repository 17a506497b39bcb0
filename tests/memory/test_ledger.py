"""The daily habit: the history store, the commitments ledger across days, what changed since the last run,
named briefings and run health. Two days of project-written articles (tests/data/ledger): day 2 reaffirms
the harbour authority's dredging pledge, moves the ministry's breakwater deadline, adds the fisheries
agency's quota plan, and says nothing of the council's ferry terminal, whose deadline passes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from briefer.memory import delivery, ledger, matching
from briefer.memory.records import Entry, Sighting
from briefer.memory.schema import MIGRATIONS, VERSION, StoreError
from briefer.memory.store import open_store, store_path
from briefer.models import Briefing, DayCommitment, SourcedEvidence
from tests.conftest import REPO
from tests.fake_openai import FakeOpenAI, is_ledger
from tests.smtp import Inbox, free_port, smtp_env

runner = CliRunner()
DAYS = REPO / "tests" / "data" / "ledger"
DAY1, DAY2 = "2026-12-01", "2026-12-02"


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["run", *args], env=env)


def two_days(since_last: bool = True) -> tuple[Briefing, Briefing]:
    first = run(str(DAYS / "day1"), "--date", DAY1, "-q", "-o", "day1.json")
    assert first.exit_code == 0, first.output
    flags = ["--since-last"] if since_last else []
    second = run(str(DAYS / "day2"), "--date", DAY2, "-q", "-o", "day2.json", *flags)
    assert second.exit_code == 0, second.output
    return (
        Briefing.model_validate_json(Path("day1.json").read_text()),
        Briefing.model_validate_json(Path("day2.json").read_text()),
    )


def by_actor(briefing: Briefing) -> dict[str, DayCommitment]:
    return {c.actor: c for c in briefing.commitments}


def listed(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["commitments", "list", "-f", "json", *args])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


# Two consecutive days ------------------------------------------------------------------------------------


def test_the_second_day_marks_new_reaffirmed_changed_and_overdue(isolated: Path) -> None:
    day1, day2 = two_days()
    assert {c.status for c in day1.commitments} == {"new"}
    assert [(i.actor, i.due) for i in day1.due_soon] == [("Tarsby council", date(2026, 12, 1))]

    marks = by_actor(day2)
    authority = marks["Port Estrel harbour authority"]
    assert authority.status == "reaffirmed" and authority.first_seen == date(2026, 12, 1)
    ministry = marks["transport ministry"]
    assert ministry.status == "changed" and ministry.changed == ["deadline 2027-06-30 → 2027-09-30"]
    assert ministry.ledger_id == by_actor(day1)["transport ministry"].ledger_id
    agency = marks["national fisheries agency"]
    assert agency.status == "new" and agency.first_seen == date(2026, 12, 2)
    assert [(i.actor, i.status, i.due) for i in day2.overdue] == [("Tarsby council", "overdue", date(2026, 12, 1))]
    assert day2.overdue[0].quote.startswith("Tarsby council said it will open the new ferry terminal")

    text = Path("day2.md")
    assert runner.invoke(app, ["render", "day2.json", "-o", str(text)]).exit_code == 0
    md = text.read_text()
    assert "| reaffirmed (since 2026-12-01) |" in md
    assert "| changed (deadline 2027-06-30 → 2027-09-30) |" in md
    assert "### Overdue" in md and "Tarsby council: open the new ferry terminal" in md
    html = runner.invoke(app, ["render", "day2.json", "--format", "html"]).stdout
    assert '<span class="chip warn">overdue</span> Tarsby council' in html
    assert '<span class="chip">reaffirmed</span>' in html


def test_since_last_leads_with_what_changed(isolated: Path) -> None:
    _, day2 = two_days()
    changes = day2.changes
    assert changes is not None and changes.previous == date(2026, 12, 1)
    assert len(changes.new_articles) == 3
    assert [(m.was, m.now) for m in changes.moved] == [("30 million euros", "34 million euros")]
    assert {(c.actor, c.was, c.now) for c in changes.status} == {
        ("transport ministry", "new", "changed"),
        ("Tarsby council", "new", "overdue"),
    }
    md = runner.invoke(app, ["render", "day2.json"]).stdout
    since = md.index("## Since the last briefing (2026-12-01)")
    assert since < md.index("## Bottom line")
    assert "**Revised:** The November storm caused damage estimated at 34 million euros" in md


def test_overdue_is_listed_by_the_ledger_queries(isolated: Path) -> None:
    two_days()
    overdue = listed("--status", "overdue", "--date", DAY2)
    assert [(r["actor"], r["due"]) for r in overdue] == [("Tarsby council", "2026-12-01")]
    rows = listed("--date", DAY2)
    assert {"id", "actor", "action", "deadline", "status", "first_seen", "last_seen"} <= rows[0].keys()
    assert {r["actor"]: r["status"] for r in rows} == {
        "transport ministry": "changed",
        "Tarsby council": "overdue",
        "Port Estrel harbour authority": "reaffirmed",
        "national fisheries agency": "new",
    }
    seen = {r["actor"]: (r["first_seen"], r["last_seen"], r["times_seen"]) for r in rows}
    assert seen["Port Estrel harbour authority"] == (DAY1, DAY2, 2)
    # On day 1 the council's terminal was not yet overdue: the ledger as it stood then.
    assert {r["actor"]: r["status"] for r in listed("--date", DAY1)}["Tarsby council"] == "new"
    assert [r["actor"] for r in listed("--date", DAY2, "--due-within", "45d")] == ["national fisheries agency"]
    assert [r["actor"] for r in listed("--date", DAY2, "--actor", "ministry")] == ["transport ministry"]
    table = runner.invoke(app, ["commitments", "list", "--date", DAY2]).stdout
    assert table.splitlines()[0].split()[:4] == ["ID", "STATUS", "DUE", "ACTOR"]
    csv = runner.invoke(app, ["commitments", "list", "--date", DAY2, "-f", "csv"]).stdout
    assert csv.splitlines()[0].startswith("id,actor,action,counterparty,deadline,due,status,first_seen")
    assert len(csv.splitlines()) == 5


def test_show_gives_a_commitments_history_with_quotes_and_sources(isolated: Path) -> None:
    day1, _ = two_days()
    ident = by_actor(day1)["transport ministry"].ledger_id
    assert ident is not None
    result = runner.invoke(app, ["commitments", "show", ident[:5], "--date", DAY2])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "status: changed on 2026-12-02" in out
    assert (
        "2026-12-01 (default): new" in out and "2026-12-02 (default): changed: deadline 2027-06-30 → 2027-09-30" in out
    )
    assert "“The transport ministry pledged 12 million euros to repair the Port Estrel breakwater" in out
    assert "source: breakwater-funds.txt" in out and "source: breakwater-delay.txt" in out
    missing = runner.invoke(app, ["commitments", "show", "zzzz"])
    assert missing.exit_code == ExitCode.USAGE and "zzzz: no such commitment" in missing.stderr


def test_ics_export_parses_back(isolated: Path) -> None:
    two_days()
    result = runner.invoke(app, ["commitments", "export", "--ics", "-o", "ledger.ics", "--date", DAY2])
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(Path("ledger.ics").read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 4
    terminal = next(e for s, e in events.items() if s.startswith("Tarsby council"))
    assert terminal.decoded("dtstart") == date(2026, 12, 1)
    assert "Status: overdue" in str(terminal["description"])
    breakwater = next(e for s, e in events.items() if s.startswith("transport ministry"))
    assert breakwater.decoded("dtstart") == date(2027, 9, 30)  # the deadline as last stated
    assert len({str(e["uid"]) for e in events.values()}) == 4
    assert runner.invoke(app, ["commitments", "export"]).exit_code == ExitCode.USAGE


def test_history_lists_and_shows_the_kept_runs(isolated: Path) -> None:
    two_days()
    listing = runner.invoke(app, ["history", "list"]).stdout.splitlines()
    assert [line.split()[:2] for line in listing[1:]] == [[DAY2, "default"], [DAY1, "default"]]
    shown = runner.invoke(app, ["history", "show", DAY1])
    assert shown.exit_code == 0 and "Tarsby council" in shown.stdout and "## Since the last" not in shown.stdout
    latest = runner.invoke(app, ["history", "show", "latest", "--format", "json"]).stdout
    assert Briefing.model_validate_json(latest).date == date(2026, 12, 2)
    bad = runner.invoke(app, ["history", "show", "2026-01-01"])
    assert bad.exit_code == ExitCode.USAGE and "no run kept on that date" in bad.stderr


def test_running_a_day_again_gives_the_same_marks(isolated: Path) -> None:
    _, day2 = two_days(since_last=False)
    again = run(str(DAYS / "day2"), "--date", DAY2, "-q", "-o", "again.json")
    assert again.exit_code == 0, again.output
    redo = Briefing.model_validate_json(Path("again.json").read_text())
    assert [(c.ledger_id, c.status) for c in redo.commitments] == [(c.ledger_id, c.status) for c in day2.commitments]
    assert len(listed("--date", DAY2)) == 4
    assert len(runner.invoke(app, ["history", "list"]).stdout.splitlines()) == 3


def test_nothing_new_since_the_last_run_exits_8(isolated: Path) -> None:
    two_days()
    result = run(str(DAYS / "day2"), "--date", "2026-12-03", "--since-last", "-o", "day3.md")
    assert result.exit_code == ExitCode.NOTHING_NEW
    assert "nothing new: all 3 articles read were briefed by an earlier run" in result.stderr
    assert "Traceback" not in result.output and not Path("day3.md").exists()
    mixed = run(str(DAYS / "day1"), str(DAYS / "day2"), "--date", "2026-12-03", "--since-last", "-q", "-o", "d3.json")
    assert mixed.exit_code == ExitCode.NOTHING_NEW  # day 1's articles were briefed too
    off = run(str(DAYS / "day2"), "--since-last", "--no-history")
    assert off.exit_code == ExitCode.USAGE and "--since-last needs the history store" in off.stderr


def test_no_history_keeps_nothing(isolated: Path) -> None:
    result = run(str(DAYS / "day1"), "--date", DAY1, "--no-history", "-q", "-o", "b.json")
    assert result.exit_code == 0, result.output
    assert Briefing.model_validate_json(Path("b.json").read_text()).commitments[0].status is None
    assert not store_path(isolated.parent / "briefer-home" / "data").exists()
    empty = runner.invoke(app, ["commitments", "list"])
    assert empty.exit_code == ExitCode.USAGE and "no history yet" in empty.stderr


def test_a_bad_date_is_a_one_line_error(isolated: Path) -> None:
    result = run(str(DAYS / "day1"), "--date", "12/01/2026")
    assert result.exit_code == ExitCode.USAGE and "--date: '12/01/2026' is not a date" in result.stderr
    within = runner.invoke(app, ["commitments", "list", "--due-within", "soon"])
    assert within.exit_code == ExitCode.USAGE and "--due-within: 'soon'" in within.stderr


# The store ------------------------------------------------------------------------------------------------


def test_an_older_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    briefing = Briefing.model_validate_json(
        '{"title": "Old", "date": "2026-11-01", "generated_at": "2026-11-01T07:00:00Z", "provider": "offline"}'
    )
    db.execute("INSERT INTO runs VALUES (1, 'default', '2026-11-01', 'x', ?)", (briefing.model_dump_json(),))
    db.execute("INSERT INTO commitments VALUES ('abc12345', 'Tarsby council', 'open the terminal', '2026-11-01')")
    db.execute(
        "INSERT INTO sightings VALUES ('abc12345', 1, '2026-11-01', 'Tarsby council', 'open the terminal', NULL, "
        "'by 20 November 2026', '2026-11-20', 'new', '[]', '[\"It will open the terminal.\"]', '[\"Herald\"]')"
    )
    db.commit()
    db.close()
    with open_store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 4
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(commitments)")}
        assert {"done_on", "done_quote", "done_run"} <= columns
        assert {"undelivered", "key", "sources"} <= {row[1] for row in store.db.execute("PRAGMA table_info(runs)")}
        [entry] = store.ledger(through=date(2026, 12, 1))
        assert entry.status(date(2026, 12, 1)) == "overdue" and entry.last.quotes == ["It will open the terminal."]
        assert store.previous("default", date(2026, 12, 1)) is not None
        [kept] = store.runs()
        assert (kept.number, kept.name, kept.key, kept.commitments) == (1, "default", "", 1)
        store.forget(1)  # the rebuilt table still takes its run's sightings with it, and the ledger follows
        assert store.db.execute("SELECT COUNT(*) FROM sightings").fetchone()[0] == 0
        assert store.ledger(through=date(2026, 12, 1)) == []


def test_a_newer_or_foreign_store_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(StoreError, match="written by a newer briefer"), open_store(newer):
        pass
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database at all, just text " * 100)
    with pytest.raises(StoreError, match="not a briefer history store"), open_store(junk):
        pass


# The ledger's rules, case by case -------------------------------------------------------------------------


def commitment(actor: str, action: str, due: date | None = None, quote: str | None = None) -> DayCommitment:
    quote = quote or f"{actor} said it will {action}."
    return DayCommitment(
        actor=actor,
        action=action,
        due=due,
        deadline=f"by {due.isoformat()}" if due else None,
        sources=["a1"],
        evidence=[SourcedEvidence(article="a1", quote=quote, start=0, end=len(quote))],
    )


def kept(ident: str, actor: str, action: str, due: date | None = None, day: date = date(2026, 11, 1)) -> Entry:
    seen = Sighting(day, "default", actor, action, None, None, due, "new", [], [f"{actor}: {action}"], ["Herald"])
    return Entry(ident, actor, action, day, sightings=[seen])


TODAY = date(2026, 12, 1)


def test_aliases_reaffirm_and_a_figure_that_moved_is_a_change() -> None:
    entries = [
        kept("k1", "North Korea", "fully implement the treaty"),
        kept("k2", "transport ministry", "contribute 12 million euros to the breakwater"),
    ]
    day = [
        commitment("the DPRK", "fully implement the treaty"),
        commitment("transport ministry", "contribute 14 million euros to the breakwater"),
        commitment("transport ministry", "build a new lighthouse"),
    ]
    marked = ledger.mark(day, entries, TODAY, [])
    assert [(c.ledger_id, c.status) for c in marked.commitments[:2]] == [("k1", "reaffirmed"), ("k2", "changed")]
    assert marked.commitments[1].changed == ["12 million euros → 14 million euros"]
    assert marked.commitments[2].status == "new" and marked.commitments[2].ledger_id not in {"k1", "k2"}


def test_overdue_due_soon_and_done_use_the_briefing_date() -> None:
    entries = [
        kept("late", "Tarsby council", "open the ferry terminal", due=date(2026, 11, 30)),
        kept("soon", "harbour authority", "dredge the eastern channel", due=date(2026, 12, 5)),
        kept("far", "fisheries agency", "publish the quota plan", due=date(2027, 1, 15)),
        kept("kept", "Meran council", "reopen the old bridge", due=date(2026, 11, 20)),
    ]
    from briefer.models import ArticleBrief, Evidence, Fact

    said = "Meran council reopened the old bridge on Monday."
    brief = ArticleBrief(
        id="a1",
        title="Bridge open",
        source="Herald",
        summary=said,
        facts=[Fact(statement=said, evidence=[Evidence(quote=said, start=0, end=len(said))], grounded=True)],
    )
    marked = ledger.mark([], entries, TODAY, [brief])
    assert [i.id for i in marked.overdue] == ["late"]
    assert [i.id for i in marked.due_soon] == ["soon"]
    assert [(i.id, i.quote) for i in marked.done] == [("kept", said)] and marked.delivered == [("kept", said)]
    # A week later the dredging is overdue as well; the same ledger, another briefing date.
    later = ledger.mark([], entries, date(2026, 12, 8), [])
    assert {i.id for i in later.overdue} == {"late", "soon", "kept"}


def test_an_unrelated_fact_is_no_sign_of_delivery() -> None:
    entry = kept("k", "Meran council", "reopen the old bridge", due=date(2026, 11, 20))
    from briefer.models import ArticleBrief, Evidence, Fact

    for said in (
        "Meran council debated the budget on Monday.",
        "Tarsby council reopened the old bridge.",
        "Meran council did not reopen the old bridge, which remains closed.",
        "Meran council has yet to reopen the old bridge.",
        "Meran council postponed plans to reopen the old bridge until spring.",
        "Meran council will reopen the old bridge next week.",
    ):
        fact = Fact(statement=said, evidence=[Evidence(quote=said, start=0, end=len(said))], grounded=True)
        brief = ArticleBrief(id="a1", title="t", source="s", summary=said, facts=[fact])
        assert delivery.delivered(entry, [brief], []) is None


def test_the_uncertain_pairs_are_one_actors_half_agreeing_pledges() -> None:
    entries = [kept("k1", "Harbour authority", "promised to deepen the eastern channel and widen the berth")]
    day = [commitment("Harbour authority", "will deepen the eastern channel for container ships")]
    assert ledger.mark(day, entries, TODAY, []).commitments[0].status == "new"
    pairs = matching.uncertain(day, entries)
    assert [(p.index, p.entry.id) for p in pairs] == [(0, "k1")]
    assert ledger.mark(day, entries, TODAY, [], judged={(0, "k1")}).commitments[0].status == "reaffirmed"
    assert matching.uncertain([commitment("Meran council", "will deepen the eastern channel")], entries) == []


# With a model: the uncertain pairs go to the model in one request ------------------------------------------


def test_a_model_judges_the_uncertain_matches_by_id(isolated: Path, fake: FakeOpenAI) -> None:
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.url, "BRIEFER_MODEL": "fake-model"}
    (isolated / "d1").mkdir()
    (isolated / "d2").mkdir()
    (isolated / "d1" / "a.txt").write_text(
        "Harbour plans\nThe Harbour authority promised to deepen the eastern channel and widen the berth.\n"
    )
    (isolated / "d2" / "b.txt").write_text(
        "Harbour update\nThe Harbour authority will deepen the eastern channel for container ships.\n"
    )
    assert run("d1", "--date", DAY1, "-q", "-o", "m1.json", env=env).exit_code == 0
    result = run("d2", "--date", DAY2, "-q", "-o", "m2.json", env=env)
    assert result.exit_code == 0, result.output
    asked = [b for b in fake.requests if is_ledger(b)]
    assert len(asked) == 1  # one request for every uncertain pair, on day 2 only
    user = asked[0]["messages"][-1]["content"]
    assert "[p1] today: Harbour authority -> will deepen the eastern channel" in user
    day2 = Briefing.model_validate_json(Path("m2.json").read_text())
    assert day2.commitments[0].status == "reaffirmed"  # the model said yes; its verdict on p999 was ignored
    day1 = Briefing.model_validate_json(Path("m1.json").read_text())
    assert day2.commitments[0].ledger_id == day1.commitments[0].ledger_id


# A named briefing and run health --------------------------------------------------------------------------


def named_config(port: int, sources: str, notify: bool = True) -> dict[str, str]:
    Path("briefer.toml").write_text(
        f"""
[email]
retry_wait = 0.01
max_attempts = 2

[briefings.morning]
sources = ["{sources}"]
title = "Morning"
output = "out/morning-{{date}}.md"
to = ["desk@example.org"]
notify_failures = {str(notify).lower()}
""",
        encoding="utf-8",
    )
    return smtp_env(port)


def test_a_named_briefing_is_the_whole_daily_job(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    env = named_config(port, str(DAYS / "day1"))
    result = run("--briefing", "morning", "--date", DAY1, env=env)
    assert result.exit_code == 0, result.output
    written = Path("out/morning-2026-12-01.md").read_text()
    assert written.startswith("# Morning") and "Tarsby council" in written
    assert len(inbox.envelopes) == 1 and inbox.envelopes[0].rcpt_tos == ["desk@example.org"]
    assert "emailed to desk@example.org" in result.stderr
    history = runner.invoke(app, ["history", "list", "--briefing", "morning"], env=env).stdout
    assert history.splitlines()[1].split()[:2] == [DAY1, "morning"]
    unknown = run("--briefing", "evening", env=env)
    assert unknown.exit_code == ExitCode.USAGE and "no [briefings.evening]" in unknown.stderr


def test_a_scheduled_run_with_nothing_new_fails_loudly_and_emails_a_notice(
    smtp: tuple[Inbox, int],
    isolated: Path,
) -> None:
    inbox, port = smtp
    env = named_config(port, str(DAYS / "day1"))
    assert run("--briefing", "morning", "--date", DAY1, "-q", env=env).exit_code == 0
    again = run("--briefing", "morning", "--date", DAY2, env=env)  # the same articles the next day
    assert again.exit_code == ExitCode.NOTHING_NEW
    assert "nothing new" in again.stderr and "failure notice emailed" in again.stderr
    notice = inbox.message(1)
    assert notice["Subject"] == "briefer: the morning briefing of 2026-12-02 failed"
    assert "nothing new" in notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_scheduled_run_whose_sources_all_failed_exits_3_with_a_notice(
    smtp: tuple[Inbox, int],
    isolated: Path,
) -> None:
    inbox, port = smtp
    env = named_config(port, str(isolated / "no-such-folder"))
    result = run("--briefing", "morning", "--date", DAY1, env=env)
    assert result.exit_code == ExitCode.INPUT and "no readable article" in result.stderr
    assert len(inbox.envelopes) == 1 and "failed" in inbox.message(0)["Subject"]
    quiet = named_config(port, str(isolated / "no-such-folder"), notify=False)
    assert run("--briefing", "morning", "--date", DAY1, "-q", env=quiet).exit_code == ExitCode.INPUT
    assert len(inbox.envelopes) == 1  # no notice unless configured


def test_a_scheduled_run_whose_email_did_not_go_out_exits_6_and_keeps_the_run(isolated: Path) -> None:
    env = named_config(free_port(), str(DAYS / "day1"))  # nothing listens there
    result = run("--briefing", "morning", "--date", DAY1, "-q", env=env)
    assert result.exit_code == ExitCode.DELIVERY
    assert "the briefing is saved at " in result.stderr and "out/morning-2026-12-01.md" in result.stderr
    assert Path("out/morning-2026-12-01.md").exists()
    listing = runner.invoke(app, ["history", "list"], env=env).stdout
    assert DAY1 in listing  # the run was kept before the email was tried


def test_an_article_briefed_before_is_briefed_again_when_its_text_changed(isolated: Path) -> None:
    two_days()
    (isolated / "day3").mkdir()
    original = (DAYS / "day2" / "fisheries-quota.txt").read_text()
    (isolated / "day3" / "fisheries-quota.txt").write_text(original.replace("by a fifth", "by a quarter"))
    (isolated / "day3" / "breakwater-delay.txt").write_text((DAYS / "day2" / "breakwater-delay.txt").read_text())
    result = run("day3", "--date", "2026-12-03", "--since-last", "-q", "-o", "day3.json")
    assert result.exit_code == 0, result.output
    day3 = Briefing.model_validate_json(Path("day3.json").read_text())
    assert [a.title for a in day3.articles] == ["Fisheries agency to publish new quota plan"]
    assert day3.changes is not None and day3.changes.skipped == 1
    assert by_actor(day3)["national fisheries agency"].status == "reaffirmed"


# What a newcomer's review found ------------------------------------------------------------------------------


def test_a_locked_or_broken_store_is_a_one_line_error(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefer.memory.store

    two_days()
    path = store_path(isolated.parent / "briefer-home" / "data")
    monkeypatch.setattr(briefer.memory.store, "LOCK_TIMEOUT", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run(str(DAYS / "day2"), "--date", "2026-12-03", "-o", "locked.md")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == ExitCode.INPUT, result.output
    assert "another briefer is using it" in result.stderr and "locked.md, but this run was not kept" in result.stderr
    assert Path("locked.md").exists() and "Traceback" not in result.output
    empty = isolated / "empty.sqlite3"
    sqlite3.connect(empty).execute(f"PRAGMA user_version = {VERSION}").connection.close()
    with pytest.raises(StoreError, match="no such table"), open_store(empty) as store:
        store.ledger(through=TODAY)


def test_rerunning_one_briefing_keeps_the_delivery_another_reported(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    said = Briefing.model_validate_json(
        '{"title": "t", "date": "2026-12-01", "generated_at": "2026-12-01T07:00:00Z", "provider": "offline"}'
    )
    from briefer.memory.records import NewSighting

    pledge = NewSighting(
        "k1", date(2026, 11, 1), "Meran council", "reopen the bridge", None, None, None, "new", [], ["q"], ["s"]
    )
    with open_store(path) as store:
        store.save(said.model_copy(update={"date": date(2026, 11, 1)}), "a", [pledge], [])
        store.save(said, "a", [], [("k1", "Meran council reopened the bridge.")])
        store.save(said, "b", [], [])
        store.save(said, "b", [], [])  # b's day run again
        [entry] = store.ledger(through=date(2026, 12, 1))
        assert entry.done_on == date(2026, 12, 1) and entry.status(date(2026, 12, 1)) == "done"
        store.save(said, "a", [], [])  # a's day run again, without the report
        [entry] = store.ledger(through=date(2026, 12, 1))
        assert entry.done_on is None


def test_rebuilding_an_earlier_day_says_which_later_runs_to_run_again(isolated: Path) -> None:
    assert run(str(DAYS / "day2"), "--date", DAY2, "-q", "-o", "d2.md").exit_code == 0
    result = run(str(DAYS / "day1"), "--date", DAY1, "-o", "d1.md")
    assert result.exit_code == 0, result.output
    day2 = DAYS / "day2"
    assert (
        "this run of 2026-12-01 was kept, but a later run was marked without it; to mark it again, run "
        f"the run of 2026-12-02 (#1): `briefer run {day2} --date 2026-12-02`" in result.stderr
    )


def test_the_since_window_ends_on_the_briefing_date(isolated: Path) -> None:
    lines = [
        {
            "title": "Fresh",
            "text": "Tarsby council said it will open the new ferry terminal by March 2027.",
            "published": "2026-11-30T12:00:00+00:00",
            "source": "Herald",
        },
        {
            "title": "Stale",
            "text": "Meran council said it will repair the old pier by June 2027.",
            "published": "2026-11-20T12:00:00+00:00",
            "source": "Gazette",
        },
    ]
    Path("a.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    result = run("a.jsonl", "--since", "2d", "--date", DAY1, "-q", "-o", "b.json")
    assert result.exit_code == 0, result.output
    assert [a.title for a in Briefing.model_validate_json(Path("b.json").read_text()).articles] == ["Fresh"]


def test_show_gives_the_ledger_as_it_stood_on_a_date(isolated: Path) -> None:
    day1, _ = two_days()
    ident = by_actor(day1)["Port Estrel harbour authority"].ledger_id or ""
    then = runner.invoke(app, ["commitments", "show", ident, "--date", DAY1]).stdout
    assert "status: new on 2026-12-01" in then and "last seen 2026-12-01" in then and "2026-12-02" not in then
    new = by_actor(Briefing.model_validate_json(Path("day2.json").read_text()))["national fisheries agency"]
    early = runner.invoke(app, ["commitments", "show", new.ledger_id or "", "--date", DAY1])
    assert early.exit_code == ExitCode.USAGE and "first seen 2026-12-02, after 2026-12-01" in early.stderr


def test_an_email_that_did_not_go_out_leaves_its_articles_for_the_next_run(isolated: Path) -> None:
    down = named_config(free_port(), str(DAYS / "day1"), notify=False)
    assert run("--briefing", "morning", "--date", DAY1, "-q", env=down).exit_code == ExitCode.DELIVERY
    again = run("--briefing", "morning", "--date", DAY2, "-q", "--eml", "m.eml", env=down)
    assert again.exit_code == 0, again.output  # not "nothing new": day 1's briefing never went out
    assert "Tarsby council" in Path("m.eml").read_text()


def test_a_broken_email_setting_fails_before_any_work(isolated: Path) -> None:
    Path("briefer.toml").write_text('[briefings.morning]\nsources = ["nowhere"]\nto = ["desk@example.org"]\n')
    result = run("--briefing", "morning", env={"BRIEFER_SMTP_HOST": "127.0.0.1"})
    assert result.exit_code == ExitCode.USAGE and "email: no sender" in result.stderr
    assert "no readable article" not in result.stderr  # it stopped before reading


def test_strict_dates_and_safe_csv(isolated: Path) -> None:
    assert run(str(DAYS / "day1"), "--date", "2026-W49").exit_code == ExitCode.USAGE
    assert run(str(DAYS / "day1"), "--date", "20261201").exit_code == ExitCode.USAGE
    (isolated / "evil").mkdir()
    (isolated / "evil" / "a.txt").write_text("Evil\n=HYPERLINK council said it will open the terminal by May 2027.\n")
    assert run("evil", "--date", DAY1, "-q", "-o", "e.json").exit_code == 0
    csv = runner.invoke(app, ["commitments", "list", "-f", "csv", "--date", DAY1]).stdout
    assert "\n=" not in csv and ",=" not in csv

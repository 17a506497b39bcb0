"""Across days, as a new user met it (issue 22): a figure that moved is a change, the ledger speaks in the
briefing's date, runs without --briefing keep their own history, warnings say which run and the command, a
relative deadline of an undated article counts from the day it was first seen, and the ledger commands
refuse what they cannot do."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from briefer.cli import app
from briefer.errors import ExitCode
from briefer.memory import ledger
from briefer.models import Briefing
from tests.memory.test_ledger import DAY1, DAY2, DAYS, by_actor, commitment, kept, listed, run, runner, two_days

DAY3, DAY4 = "2026-12-03", "2026-12-04"


def write(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Item 2: a figure that moved --------------------------------------------------------------------------------


def test_a_figure_given_with_its_earlier_value_is_a_change() -> None:
    entries = [kept("k1", "transport ministry", "invest 1.1 billion euros in the rail link")]
    day = [commitment("transport ministry", "invest 1.3 billion euros in the rail link up from 1.1 billion euros")]
    marked = ledger.mark(day, entries, date(2026, 12, 2), [])
    assert marked.commitments[0].status == "changed"
    assert marked.commitments[0].changed == ["1.1 billion euros → 1.3 billion euros"]
    assert [(m.was, m.now) for m in marked.moved] == [("1.1 billion euros", "1.3 billion euros")]
    # The same figure restated with an older one beside it is no change.
    same = [commitment("transport ministry", "invest 1.1 billion euros in the rail link, compared with 900 million")]
    assert ledger.mark(same, entries, date(2026, 12, 2), []).commitments[0].status == "reaffirmed"


def test_the_second_day_marks_the_moved_figure_changed_and_leads_with_it(isolated: Path) -> None:
    write(
        "f1",
        "rail.txt",
        "Ministry to invest in port rail link\nMERAN (Meran Gazette) - The transport ministry "
        "will invest 1.1 billion euros in the Port Estrel rail link by 2029.\nThe link will carry freight.\n",
    )
    write(
        "f2",
        "rail.txt",
        "Ministry raises port rail budget\nMERAN (Meran Gazette) - The transport ministry "
        "will invest 1.3 billion euros in the Port Estrel rail link by 2029, up from 1.1 billion euros "
        "announced last year.\nRising steel prices drove up the cost, officials said.\n",
    )
    assert run("f1", "--date", DAY1, "-q", "-o", "f1.json").exit_code == 0
    result = run("f2", "--date", DAY2, "--since-last", "-q", "-o", "f2.json")
    assert result.exit_code == 0, result.output
    day2 = Briefing.model_validate_json(Path("f2.json").read_text())
    ministry = by_actor(day2)["transport ministry"]
    assert ministry.status == "changed" and ministry.changed == ["1.1 billion euros → 1.3 billion euros"]
    assert day2.changes is not None
    assert [(m.was, m.now) for m in day2.changes.moved] == [("1.1 billion euros", "1.3 billion euros")]
    md = runner.invoke(app, ["render", "f2.json"]).stdout
    since = md[md.index("## Since the last briefing (2026-12-01)") :]
    assert "**Revised:** The transport ministry will invest 1.3 billion euros" in since
    assert "*(was 1.1 billion euros, now 1.3 billion euros)*" in since
    assert listed()[0]["status"] == "changed"


# Item 3: the briefing's date, never the clock -----------------------------------------------------------------


def test_the_ledger_commands_speak_in_the_briefings_date(isolated: Path) -> None:
    day1, _ = two_days()
    assert listed() == listed("--date", DAY2)  # by default, as of the latest briefing, whatever the clock says
    write("other", "bakery.txt", "Bakery opens\nA new bakery opened on the main square on Friday.\n")
    assert run("other", "--date", DAY4, "-q", "-o", "d4.json").exit_code == 0
    ident = by_actor(day1)["transport ministry"].ledger_id or ""
    shown = runner.invoke(app, ["commitments", "show", ident])
    assert shown.exit_code == 0, shown.output
    assert "status: changed on 2026-12-02 (the ledger as of 2026-12-04)" in shown.stdout
    as_then = runner.invoke(app, ["commitments", "show", ident, "--date", DAY2]).stdout
    assert "status: changed on 2026-12-02\n" in as_then
    terminal = by_actor(day1)["Tarsby council"].ledger_id or ""
    late = runner.invoke(app, ["commitments", "show", terminal, "--date", DAY3]).stdout
    assert "status: overdue since 2026-12-02 (the ledger as of 2026-12-03)" in late
    assert {r["actor"]: r["status"] for r in listed()} == {r["actor"]: r["status"] for r in listed("--date", DAY4)}


def test_the_clock_never_makes_a_commitment_overdue(isolated: Path) -> None:
    write("old", "pier.txt", "Pier\nMeran council said it will repair the old pier by 10 January 2020.\n")
    assert run("old", "--date", "2020-01-01", "-q", "-o", "old.json").exit_code == 0
    [row] = listed()  # the latest briefing is of 2020-01-01: the deadline had not passed then
    assert (row["status"], row["due"]) == ("new", "2020-01-10")
    assert [r["actor"] for r in listed("--due-within", "2w")] == ["Meran council"]
    assert listed("--date", "2020-01-11")[0]["status"] == "overdue"


# Item 7: runs without --briefing, and warnings that say what to do ----------------------------------------------


def test_unrelated_runs_of_one_day_are_both_kept_and_the_same_sources_replace(isolated: Path) -> None:
    write("a", "ferry.txt", "Ferry\nTarsby council said it will open the new ferry terminal by 1 March 2027.\n")
    write("b", "pier.txt", "Pier\nMeran council said it will repair the old pier by 30 June 2027.\n")
    for folder in ("a", "b", "a"):
        result = run(folder, "--date", DAY1, "-q", "-o", f"{folder}.json")
        assert result.exit_code == 0, result.output
    assert sorted(r["actor"] for r in listed()) == ["Meran council", "Tarsby council"]
    listing = runner.invoke(app, ["history", "list"]).stdout.splitlines()
    assert listing[0].split() == ["DATE", "BRIEFING", "RUN", "ARTICLES", "COMMITMENTS", "GENERATED", "SOURCES"]
    kept_runs = {line.split()[-1][-2:]: line.split()[2] for line in listing[1:]}
    assert sorted(kept_runs) == ["/a", "/b"]  # the end of each run's source path
    ambiguous = runner.invoke(app, ["history", "show", DAY1])
    assert ambiguous.exit_code == ExitCode.USAGE and "2 runs kept that day" in ambiguous.stderr
    assert "name one by its number: `briefer history show " in ambiguous.stderr
    pier = kept_runs["/b"]
    shown = runner.invoke(app, ["history", "show", pier])
    assert shown.exit_code == 0 and "Meran council" in shown.stdout and "Tarsby council" not in shown.stdout
    forgot = runner.invoke(app, ["history", "forget", pier])
    assert forgot.exit_code == 0 and f"forgot the run of 2026-12-01 (#{pier}): 1 articles" in forgot.stderr
    assert [r["actor"] for r in listed()] == ["Tarsby council"]


def test_since_last_without_briefing_compares_with_the_same_sources(isolated: Path) -> None:
    write("a", "ferry.txt", "Ferry\nTarsby council said it will open the new ferry terminal by 1 March 2027.\n")
    write("b", "pier.txt", "Pier\nMeran council said it will repair the old pier by 30 June 2027.\n")
    assert run("a", "--date", DAY1, "-q", "-o", "a.json").exit_code == 0
    assert run("b", "--date", DAY2, "-q", "-o", "b.json").exit_code == 0
    write("a", "ferry.txt", "Ferry\nTarsby council said it will open the new ferry terminal by 1 May 2027.\n")
    result = run("a", "--date", DAY3, "--since-last", "-q", "-o", "a3.json")
    assert result.exit_code == 0, result.output
    changes = Briefing.model_validate_json(Path("a3.json").read_text()).changes
    assert changes is not None and changes.previous == date(2026, 12, 1)  # a's run, not b's later one


def test_standard_input_runs_of_other_articles_do_not_replace_each_other(isolated: Path) -> None:
    for text in (
        "Ferry\nTarsby council said it will open the ferry terminal by May 2027.\n",
        "Pier\nMeran council said it will repair the old pier by June 2027.\n",
    ):
        result = runner.invoke(app, ["run", "-", "--date", DAY1, "-q", "-o", "s.json"], input=text)
        assert result.exit_code == 0, result.output
    assert sorted(r["actor"] for r in listed()) == ["Meran council", "Tarsby council"]


def test_an_ad_hoc_run_never_writes_a_named_briefings_run(isolated: Path) -> None:
    Path("briefer.toml").write_text(f'[briefings.morning]\nsources = ["{DAYS / "day1"}"]\nsince_last = false\n')
    assert run("--briefing", "morning", "--date", DAY1, "-q", "-o", "m.md").exit_code == 0
    write("x", "pier.txt", "Pier\nMeran council said it will repair the old pier by 30 June 2027.\n")
    assert run("x", "--date", DAY1, "-q", "-o", "x.md").exit_code == 0
    morning = runner.invoke(app, ["history", "show", DAY1, "-b", "morning"])
    assert morning.exit_code == 0 and "Tarsby council" in morning.stdout and "Meran council" not in morning.stdout
    assert len(listed()) == 4
    Path("briefer.toml").write_text('[briefings.default]\nsources = ["x"]\n')
    clash = run("--briefing", "default", "--date", DAY1, "-q", "-o", "d.md")
    assert clash.exit_code == ExitCode.USAGE
    assert "runs without --briefing are kept under the name 'default'" in clash.stderr


def test_rebuilding_a_day_names_each_later_run_its_briefing_and_command(isolated: Path) -> None:
    Path("briefer.toml").write_text(f'[briefings.morning]\nsources = ["{DAYS / "day2"}"]\nsince_last = false\n')
    assert run("--briefing", "morning", "--date", DAY2, "-q", "-o", "m.md").exit_code == 0
    assert run(str(DAYS / "day2"), "--date", DAY3, "-q", "-o", "d3.md").exit_code == 0
    result = run("--briefing", "morning", "--date", DAY1, "-o", "m1.md", "--all")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if "later runs" in x)
    assert line.startswith("briefer: this run of 2026-12-01 was kept, but 2 later runs were marked without it")
    assert "the morning briefing of 2026-12-02: `briefer run --briefing morning --date 2026-12-02`" in line
    assert f"the run of 2026-12-03 (#2): `briefer run {DAYS / 'day2'} --date 2026-12-03`" in line
    assert "(2026-12-02)" not in line and "run them again" not in line


# Item 13: an undated article's deadline, and refusals --------------------------------------------------------


def test_an_undated_articles_relative_deadline_counts_from_the_day_first_seen(isolated: Path) -> None:
    write(
        "u",
        "audit.txt",
        "Council to publish audit\nThe Tarsby council said it will publish the harbour audit "
        "within two weeks.\nThe audit covers ten years of spending.\n",
    )
    assert run("u", "--date", DAY2, "-q", "-o", "u2.json").exit_code == 0
    assert run("u", "--date", DAY4, "-q", "-o", "u4.json").exit_code == 0
    first = by_actor(Briefing.model_validate_json(Path("u2.json").read_text()))["Tarsby council"]
    later = by_actor(Briefing.model_validate_json(Path("u4.json").read_text()))["Tarsby council"]
    assert first.due == later.due == date(2026, 12, 16)
    assert later.status == "reaffirmed" and later.changed == []


def test_the_ledger_commands_refuse_what_they_cannot_do(isolated: Path) -> None:
    two_days()
    bare = runner.invoke(app, ["commitments", "list", "--due-within", "7"])
    assert bare.exit_code == ExitCode.USAGE
    assert bare.stderr.strip() == (
        "briefer: error: --due-within: '7' is not a span: give days or weeks with the unit (7d, 2w)"
    )
    assert [r["actor"] for r in listed("--due-within", "2w")] == []
    wrong = runner.invoke(app, ["commitments", "export", "--ics", "-o", "d.json"])
    assert wrong.exit_code == ExitCode.USAGE and "d.json: --ics writes an iCalendar file" in wrong.stderr
    assert not Path("d.json").exists()
    assert runner.invoke(app, ["commitments", "export", "--ics", "-o", "/dev/null"]).exit_code == 0
    for command in ("list", "show", "forget"):
        helped = runner.invoke(app, ["history", command, "-h"]).stdout
        assert "Run the named briefing" not in helped and "Only the runs of this named briefing" in helped
    data = json.loads(runner.invoke(app, ["commitments", "list", "-f", "json"]).stdout)
    assert {r["last_seen"] for r in data} <= {DAY1, DAY2}

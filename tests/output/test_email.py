"""Email against real SMTP servers on loopback (aiosmtpd): the message, the recipients, and every failure."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import threading
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from tests.conftest import EXAMPLES
from tests.smtp import Inbox, free_port, smtp_env, start

runner = CliRunner()


def test_run_email_delivers_one_well_formed_multipart_message(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    result = runner.invoke(
        app,
        [
            "run",
            str(EXAMPLES),
            "-q",
            "--email",
            "--to",
            "Zoë Müller <zoe@example.org>",
            "--cc",
            "ed@example.org",
            "--bcc",
            "archive@example.org",
            "--title",
            "Café briefing",
            "-o",
            "today.html",
        ],
        env=smtp_env(port),
    )
    assert result.exit_code == 0, result.output
    assert "emailed to zoe@example.org, ed@example.org, archive@example.org through 127.0.0.1:" in result.stderr
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "desk@example.org"
    assert sorted(envelope.rcpt_tos) == ["archive@example.org", "ed@example.org", "zoe@example.org"]
    msg = inbox.message()
    assert msg.get_content_type() == "multipart/alternative"
    assert str(msg["Subject"]).startswith("Café briefing — ")
    assert msg["To"].addresses[0].display_name == "Zoë Müller"
    assert "archive@example.org" not in str(msg)  # Bcc travels in the envelope only
    assert msg["Date"] and msg["Message-ID"].endswith("@example.org>")
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("# Café briefing") and "Nordlake Energy" in text
    assert "<style" not in html and "<script" not in html and "<link" not in html
    assert 'style="' in html and "max-width: 640px" in html and "<details" not in html
    assert "Nordlake Energy" in html and "Sources disagree" in html
    assert Path("today.html").read_text().startswith("<!DOCTYPE html>")  # written before sending


def test_email_command_sends_saved_briefings(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    runner.invoke(app, ["extract", str(EXAMPLES), "-q", "-o", "b.json"])
    runner.invoke(app, ["render", "b.json", "-o", "b.html"])
    runner.invoke(app, ["render", "b.json", "-o", "b.md"])
    env = smtp_env(port, BRIEFER_SMTP_TO="desk@example.org, boss@example.org")
    for name in ("b.json", "b.html", "b.md"):
        result = runner.invoke(app, ["email", name], env=env)
        assert result.exit_code == 0, (name, result.output)
    assert len(inbox.envelopes) == 3
    for n in range(3):
        msg = inbox.message(n)
        assert sorted(inbox.envelopes[n].rcpt_tos) == ["boss@example.org", "desk@example.org"]
        html = msg.get_body(preferencelist=("html",)).get_content()
        assert "<style" not in html and "<script" not in html
        assert "Nordlake" in msg.get_body(preferencelist=("plain",)).get_content()


def test_dry_run_writes_an_eml_that_parses(isolated: Path) -> None:
    runner.invoke(app, ["extract", str(EXAMPLES), "-q", "-o", "b.json"])
    result = runner.invoke(
        app, ["email", "b.json", "--dry-run", "--to", "a@example.org"], env={"BRIEFER_SMTP_FROM": "desk@example.org"}
    )
    assert result.exit_code == 0, result.output
    assert "message written to b.eml (not sent)" in result.stderr
    msg = email.message_from_bytes(Path("b.eml").read_bytes(), policy=email.policy.default)
    assert msg["To"] == "a@example.org" and msg.get_content_type() == "multipart/alternative"


def test_a_refused_recipient_is_a_delivery_error(isolated: Path) -> None:
    inbox = Inbox(refuse="nobody")
    controller = start(inbox)
    try:
        result = runner.invoke(
            app, ["run", str(EXAMPLES), "-q", "--email", "--to", "nobody@example.org"], env=smtp_env(controller.port)
        )
    finally:
        controller.stop()
    assert result.exit_code == ExitCode.DELIVERY
    line = next(x for x in result.stderr.splitlines() if x.startswith("briefer: error:"))
    assert "refused every recipient: nobody@example.org (550" in line and "the briefing is saved at" in line
    saved = Path(line.rsplit("saved at ", 1)[1])
    assert saved.is_file() and saved.read_text().startswith("<!DOCTYPE html>")


# aiosmtpd warns on every connection of a server that takes AUTH without TLS; this one is on loopback.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_requires_auth(isolated: Path) -> None:
    def check(server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"right-password"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    inbox = Inbox()
    controller = start(inbox, authenticator=check, auth_required=True, auth_require_tls=False)
    try:
        Path("cfg.toml").write_text("[email]\ntimeout = 5\nmax_attempts = 1\n", encoding="utf-8")
        env = smtp_env(controller.port, BRIEFER_SMTP_USER="desk", BRIEFER_SMTP_PASSWORD="wrong-password-xyz")
        env["BRIEFER_CONFIG"] = str(Path("cfg.toml").resolve())
        bad = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org"], env=env)
        assert bad.exit_code == ExitCode.DELIVERY
        assert "rejected the login for user 'desk' (535)" in bad.stderr and "wrong-password" not in bad.output
        env["BRIEFER_SMTP_PASSWORD"] = "right-password"
        good = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org"], env=env)
        assert good.exit_code == 0, good.output
        assert len(inbox.envelopes) == 1
    finally:
        controller.stop()


def test_a_server_that_drops_the_connection_is_retried_then_reported(isolated: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    accepted = []

    def drop() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.close()

    threading.Thread(target=drop, daemon=True).start()
    (Path("cfg.toml")).write_text("[email]\nretry_wait = 0.01\nmax_attempts = 3\n", encoding="utf-8")
    env = {**smtp_env(port), "BRIEFER_CONFIG": str(Path("cfg.toml").resolve())}
    result = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org"], env=env)
    listener.close()
    assert result.exit_code == ExitCode.DELIVERY
    assert f"cannot deliver through 127.0.0.1:{port}" in result.stderr and "3 attempts" in result.stderr
    assert len(accepted) == 3


def test_server_down_exits_6_and_the_briefing_is_on_disk(isolated: Path) -> None:
    (Path("cfg.toml")).write_text("[email]\nretry_wait = 0.01\nmax_attempts = 2\n", encoding="utf-8")
    env = {**smtp_env(free_port()), "BRIEFER_CONFIG": str(Path("cfg.toml").resolve())}
    result = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org", "-o", "b.md"], env=env)
    assert result.exit_code == ExitCode.DELIVERY
    assert "connection refused, 2 attempts); the briefing is saved at b.md" in result.stderr
    assert Path("b.md").read_text().startswith("# Briefing")


def test_starttls_not_offered(smtp: tuple[Inbox, int], isolated: Path) -> None:
    _, port = smtp
    env = smtp_env(port, BRIEFER_SMTP_SECURITY="starttls")
    result = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org"], env=env)
    assert result.exit_code == ExitCode.DELIVERY and "does not offer STARTTLS" in result.stderr


def test_header_injection_is_refused_or_flattened(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    bad = runner.invoke(
        app, ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org\nBcc: evil@example.org"], env=smtp_env(port)
    )
    assert bad.exit_code == ExitCode.USAGE and "email.to: an address holds a line break" in bad.stderr
    ok = runner.invoke(
        app,
        ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org", "--title", "Brief\r\nBcc: evil@example.org"],
        env=smtp_env(port),
    )
    assert ok.exit_code == 0, ok.output
    msg = inbox.message()
    assert msg["Subject"].startswith("Brief Bcc: evil@example.org") and msg["Bcc"] is None
    assert inbox.envelopes[0].rcpt_tos == ["a@example.org"]


def test_missing_settings_are_named(isolated: Path) -> None:
    result = runner.invoke(
        app,
        ["run", str(EXAMPLES), "-q", "--email", "--to", "a@example.org"],
        env={"BRIEFER_SMTP_FROM": "desk@example.org"},
    )
    assert (
        result.exit_code == ExitCode.USAGE and "no SMTP server; set [email] host, or BRIEFER_SMTP_HOST" in result.stderr
    )
    none = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--email"], env={"BRIEFER_SMTP_HOST": "x"})
    assert none.exit_code == ExitCode.USAGE and "no sender" in none.stderr
    (Path("briefer.toml")).write_text('[email]\npassword = "hunter2"\n', encoding="utf-8")
    secret = runner.invoke(app, ["run", str(EXAMPLES)])
    assert secret.exit_code == ExitCode.USAGE and "'email.password' cannot be set in a file" in secret.stderr


def saved_briefing() -> None:
    """b.json, b.html and b.md of the example articles in the working directory."""
    assert runner.invoke(app, ["extract", str(EXAMPLES), "-q", "-o", "b.json", "--title", "Desk"]).exit_code == 0
    assert runner.invoke(app, ["render", "b.json", "-o", "b.html"]).exit_code == 0
    assert runner.invoke(app, ["render", "b.json", "-o", "b.md"]).exit_code == 0


def parts(msg: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML, with SMTP's CRLF line ends back to LF."""
    text, html = (msg.get_body(preferencelist=(kind,)).get_content() for kind in ("plain", "html"))
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("e.txt", "", "the file is empty"),
        ("e.md", "\n  \n", "the file is empty"),
        ("e.html", "", "the file is empty"),
        ("e.json", "", "the file is empty"),
        (
            "blank.html",
            "<!DOCTYPE html><html><head><title>x</title></head><body>\n</body></html>",
            "the page holds no text",
        ),
    ],
)
def test_an_empty_file_is_refused(
    smtp: tuple[Inbox, int], isolated: Path, name: str, content: str, reason: str
) -> None:
    inbox, port = smtp
    Path(name).write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["email", name, "--to", "a@b.c"], env=smtp_env(port))
    assert result.exit_code == ExitCode.INPUT, result.output
    assert result.stderr == f"briefer: error: {name}: {reason}\n"
    assert inbox.envelopes == []


def test_a_markdown_briefing_is_rendered_into_the_email_page(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    saved_briefing()
    env = smtp_env(port, BRIEFER_SMTP_TO="desk@example.org")
    assert runner.invoke(app, ["email", "b.json"], env=env).exit_code == 0
    assert runner.invoke(app, ["email", "b.md"], env=env).exit_code == 0
    from_json, from_md = inbox.message(0), inbox.message(1)
    assert from_md["Subject"] == from_json["Subject"] and str(from_md["Subject"]).startswith("Desk — ")
    text, html = parts(from_md)
    assert text == Path("b.md").read_text(encoding="utf-8")  # the Markdown itself is the plain text
    assert "<pre" not in html and "<style" not in html and "var(" not in html
    assert "max-width: 640px" in html  # the same email page and CSS as the other formats
    assert re.search(r"<h1[^>]*>Desk</h1>", html) and "<table" in html and "Nordlake Energy" in html
    assert re.search(r'<sup class="footnote-ref"[^>]*><a href="#fn1"', html)  # citations stay links


def test_markdown_is_untrusted_no_raw_html_images_or_script_links(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    Path("notes.md").write_text(
        "# Notes from 2026-03-02\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) ![pixel](https://tracker.example/p.png) [site](https://example.org/a)\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["email", "notes.md", "--to", "a@b.c"], env=smtp_env(port)).exit_code == 0
    msg = inbox.message()
    assert msg["Subject"] == "Notes from 2026-03-02 — 2 March 2026"
    _, html = parts(msg)
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html  # shown, never run or loaded
    assert 'href="javascript' not in html  # the image is left as a plain link, only http(s) links survive
    assert re.findall(r'href="([^"]+)"', html) == ["https://tracker.example/p.png", "https://example.org/a"]


def test_a_markdown_file_without_a_date_takes_its_modification_date(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    Path("memo.md").write_text("Just a line, no heading.\n", encoding="utf-8")
    when = datetime(2026, 4, 9, 12, 0).timestamp()
    os.utime("memo.md", (when, when))
    assert runner.invoke(app, ["email", "memo.md", "--to", "a@b.c"], env=smtp_env(port)).exit_code == 0
    assert inbox.message()["Subject"] == "memo — 9 April 2026"


def test_an_html_briefing_gets_a_real_plain_text_part(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    saved_briefing()
    env = smtp_env(port, BRIEFER_SMTP_TO="desk@example.org")
    assert runner.invoke(app, ["email", "b.html"], env=env).exit_code == 0
    text, _ = parts(inbox.message(0))
    assert text == Path("b.md").read_text(encoding="utf-8")  # the JSON beside it, as Markdown
    Path("b.json").unlink()
    assert runner.invoke(app, ["email", "b.html"], env=env).exit_code == 0
    msg = inbox.message(1)
    assert msg["Subject"] == inbox.message(0)["Subject"]
    text, _ = parts(msg)
    assert "ActorCommitment" not in text and "Bottom lineCommitments" not in text
    lines = text.splitlines()
    assert lines[0] == "# Desk" and "## Commitments" in lines
    header = next(line for line in lines if line.startswith("Actor | Commitment"))
    assert header.endswith(" | #")  # table cells apart, the columns no row fills left out
    assert any(line.startswith("Nordlake Energy | invest 1.1 billion euros") for line in lines)
    assert any(line.startswith("- ") and "Nordlake" in line for line in lines)


def test_no_css_custom_property_reaches_the_mail_client(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    saved_briefing()
    assert "var(--" in Path("b.html").read_text(encoding="utf-8")  # the page itself uses them
    env = smtp_env(port, BRIEFER_SMTP_TO="desk@example.org")
    for name in ("b.html", "b.json", "b.md"):
        assert runner.invoke(app, ["email", name], env=env).exit_code == 0
    for n in range(3):
        _, html = parts(inbox.message(n))
        assert "var(" not in html and "--fg" not in html, n
    _, html = parts(inbox.message(0))
    assert re.search(r'<body style="[^"]*background: #ffffff;[^"]*color: #1d1d1f;', html)
    assert 'class="chip"' in html and "background: #eef2fb" in html


def test_recipients_see_no_local_paths(smtp: tuple[Inbox, int], isolated: Path) -> None:
    inbox, port = smtp
    saved_briefing()
    env = smtp_env(port, BRIEFER_SMTP_TO="desk@example.org")
    for name in ("b.json", "b.html", "b.md"):
        assert runner.invoke(app, ["email", name], env=env).exit_code == 0
    for n in range(3):
        text, html = parts(inbox.message(n))
        for part in (text, html):
            assert str(EXAMPLES) not in part and "nordlake-battery-plant.txt" in part

"""A real SMTP server on loopback (aiosmtpd) for the email tests: an inbox, a free port, the environment."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self, refuse: str | None = None) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse = refuse

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse and address.startswith(self.refuse):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, n: int = 0) -> EmailMessage:
        raw = self.envelopes[n].original_content or b""
        return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def start(inbox: Inbox, **kw: Any) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kw)
    controller.start()
    return controller


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = start(inbox)
    yield inbox, controller.port
    controller.stop()


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    return {
        "BRIEFER_SMTP_HOST": "127.0.0.1",
        "BRIEFER_SMTP_PORT": str(port),
        "BRIEFER_SMTP_SECURITY": "none",
        "BRIEFER_SMTP_FROM": "Briefer Desk <desk@example.org>",
        "BRIEFER_DATA_DIR": str(Path("data").resolve()),
        **extra,
    }

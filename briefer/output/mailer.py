"""Email the briefing: build a multipart message with the standard library's `email`, send it with
`smtplib`, retrying only what may heal (a refused or dropped connection, a timeout, a 4xx reply)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from briefer.errors import ConfigError, DeliveryError
from briefer.sections import DEFAULT_PORTS, EmailSettings


def clean_header(value: str) -> str:
    """One line: a line break in a header would let text inject headers of its own."""
    return " ".join(value.split())


def parse_addresses(values: list[str], setting: str) -> list[Address]:
    """Addresses from settings or flags; a ConfigError naming the setting for a bad one."""
    result = []
    for raw in values:
        if "\r" in raw or "\n" in raw:
            raise ConfigError(f"{setting}: an address holds a line break")
        for name, addr in getaddresses([raw]):
            local, at, domain = addr.partition("@")
            if not (local and at and domain) or any(c.isspace() for c in addr):
                raise ConfigError(f"{setting}: '{raw}' is not an email address")
            result.append(Address(display_name=clean_header(name), username=local, domain=domain))
    return result


def build_message(subject: str, text: str, html: str, cfg: EmailSettings) -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML (CSS already inlined) preferred."""
    if not cfg.sender:
        raise ConfigError("email: no sender; set [email] from, or BRIEFER_SMTP_FROM")
    sender = parse_addresses([cfg.sender], "email.from")
    to, cc = parse_addresses(cfg.to, "email.to"), parse_addresses(cfg.cc, "email.cc")
    if not to and not cc and not cfg.bcc:
        raise ConfigError("email: no recipients; use --to, or set [email] to, or BRIEFER_SMTP_TO")
    message = EmailMessage()
    message["Subject"] = clean_header(subject)
    message["From"] = sender[0]
    if to:
        message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender[0].domain)
    message["MIME-Version"] = "1.0"
    message["X-Mailer"] = "briefer"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def check(cfg: EmailSettings, sending: bool = True) -> None:
    """The ConfigError a message or its delivery would meet, raised before any work is done: no sender, no
    recipient, a bad address, and (when `sending`) no SMTP server."""
    if sending and not cfg.host:
        raise ConfigError("email: no SMTP server; set [email] host, or BRIEFER_SMTP_HOST")
    if not cfg.sender:
        raise ConfigError("email: no sender; set [email] from, or BRIEFER_SMTP_FROM")
    parse_addresses([cfg.sender], "email.from")
    listed = [parse_addresses(getattr(cfg, key), f"email.{key}") for key in ("to", "cc", "bcc")]
    if not any(listed):
        raise ConfigError("email: no recipients; use --to, or set [email] to, or BRIEFER_SMTP_TO")


def recipients(cfg: EmailSettings) -> list[str]:
    return [a.addr_spec for a in parse_addresses([*cfg.to, *cfg.cc, *cfg.bcc], "email recipients")]


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(exc, smtplib.SMTPAuthenticationError):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc,
        (
            ConnectionRefusedError,
            ConnectionResetError,
            TimeoutError,
            socket.timeout,
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
        ),
    )


def _send_once(message: EmailMessage, cfg: EmailSettings, to: list[str]) -> dict[str, tuple[int, bytes]]:
    port = cfg.port or DEFAULT_PORTS[cfg.security]
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if cfg.security == "tls":
        server = smtplib.SMTP_SSL(cfg.host or "", port, timeout=cfg.timeout, context=context)
    else:
        server = smtplib.SMTP(cfg.host or "", port, timeout=cfg.timeout)
    with server:
        server.ehlo()
        if cfg.security == "starttls":
            server.starttls(context=context)
            server.ehlo()
        password = cfg.secret()
        if cfg.user and password is not None:
            server.login(cfg.user, password)
        return server.send_message(message, to_addrs=to)


def send(message: EmailMessage, cfg: EmailSettings) -> list[str]:
    """Deliver `message` to every recipient (Bcc in the envelope only). Returns the recipients."""
    if not cfg.host:
        raise ConfigError("email: no SMTP server; set [email] host, or BRIEFER_SMTP_HOST")
    to = recipients(cfg)
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(cfg.max_attempts),
            wait=wait_random_exponential(multiplier=cfg.retry_wait, max=30),
            retry=retry_if_exception(_transient),
            reraise=True,
        ):
            with attempt:
                refused = _send_once(message, cfg, to)
    except smtplib.SMTPAuthenticationError as e:
        raise DeliveryError(f"{cfg.where} rejected the login for user '{cfg.user}' ({e.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as e:
        raise DeliveryError(f"{cfg.where} refused every recipient: {_refusals(e.recipients)}") from None
    except smtplib.SMTPSenderRefused as e:
        raise DeliveryError(
            f"{cfg.where} refused the sender {e.sender} ({e.smtp_code} {_text(e.smtp_error)})"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(f'{cfg.where} does not offer STARTTLS; set [email] security = "tls" or "none"') from None
    except ssl.SSLError as e:
        raise DeliveryError(f"TLS with {cfg.where} failed ({e.reason or e})") from None
    except smtplib.SMTPResponseException as e:
        raise DeliveryError(f"{cfg.where} answered {e.smtp_code} {_text(e.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as e:
        reason = "connection refused" if isinstance(e, ConnectionRefusedError) else (str(e) or type(e).__name__)
        tries = cfg.max_attempts
        raise DeliveryError(f"cannot deliver through {cfg.where} ({reason}, {tries} attempts)") from None
    if refused:
        raise DeliveryError(f"{cfg.where} refused some recipients: {_refusals(refused)}")
    return to


def _text(raw: bytes | str) -> str:
    return (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw).splitlines()[0][:120] if raw else ""


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({code} {_text(text)})" for addr, (code, text) in refused.items())

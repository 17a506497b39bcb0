"""Failed requests: whether one is worth another try, how long the server asked to wait, and the error it becomes."""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING

from briefer.config import Settings
from briefer.errors import FatalModelError, ModelError

if TYPE_CHECKING:
    import openai

# A refused connection rarely heals within seconds: fail the article sooner than for a 429 or a 5xx.
CONNECTION_ATTEMPTS = 3


class ReplyTimeout(Exception):
    """The whole reply did not arrive within the timeout (the SDK's own timeout is per read: a server that
    trickles tokens never trips it)."""


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if ms := headers.get("retry-after-ms"):
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def is_transient(exc: BaseException) -> bool:
    """Worth another try: rate limits, server errors, timeouts, dropped connections. Never 400/401/403/404."""
    import openai

    if isinstance(exc, openai.APIConnectionError | ReplyTimeout):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def translate_error(exc: Exception, settings: Settings, where: str) -> ModelError:
    """The one-line ModelError for what the SDK raised at `where`, with the API key never quoted."""
    import openai

    secret = settings.api_key.get_secret_value() if settings.api_key else None
    tries = settings.max_attempts
    if isinstance(exc, openai.AuthenticationError):
        return FatalModelError(f"{where} rejected the API key (401): check OPENAI_API_KEY")
    if isinstance(exc, openai.PermissionDeniedError):
        return FatalModelError(f"{where} refused access (403): the API key lacks permission for this model")
    if isinstance(exc, openai.NotFoundError):
        return FatalModelError(f"{where} answered 404 for model '{settings.model}': check --model and --base-url")
    if isinstance(exc, openai.APITimeoutError | ReplyTimeout):
        return ModelError(f"no answer from {where} within {settings.timeout:g}s, {tries} attempts")
    if isinstance(exc, openai.APIConnectionError):
        tries = min(tries, CONNECTION_ATTEMPTS)
        return ModelError(f"cannot reach {where} ({tries} attempts): {_redact(str(exc.__cause__ or exc), secret)}")
    if isinstance(exc, openai.APIStatusError):
        detail = _redact(_short(exc), secret)
        if is_transient(exc):
            return ModelError(f"{where} answered {exc.status_code} to all {tries} attempts: {detail}")
        return ModelError(f"{where} rejected the request ({exc.status_code}): {detail}")
    return ModelError(f"unusable reply from {where}: {_redact(str(exc), secret)[:200]}")


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def _short(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:200]
    return str(exc.message)[:200]

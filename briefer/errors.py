"""The errors briefer reports to users, and the exit code each one maps to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; the README's "Exit codes" table documents the same list."""

    OK = 0  # the briefing was produced (some sources may be listed under failures)
    INTERNAL = 1  # an unexpected error: a bug in briefer (run with --debug for the traceback)
    USAGE = 2  # a bad flag, configuration, template or prompt
    INPUT = 3  # none of the sources gave a readable article
    MODEL = 4  # the model endpoint refused or was unreachable, or no article could be extracted
    BUDGET = 5  # the estimated cost is over --max-cost: nothing was spent
    DELIVERY = 6  # the email could not be delivered (the briefing was saved first)
    QUALITY = 7  # `briefer eval --min-f1`: the scores are below the bar
    NOTHING_NEW = 8  # `--since-last` (a named briefing): no article that an earlier run did not brief
    INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM


class BrieferError(Exception):
    """An error with a message fit for the user and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(BrieferError):
    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A configuration file or setting is invalid."""


class TemplateError(UsageError):
    """A prompt or output template is missing or does not render."""


class InputError(BrieferError):
    exit_code = ExitCode.INPUT


class ModelError(BrieferError):
    """The endpoint refused the request, could not be reached, or returned unusable output."""

    exit_code = ExitCode.MODEL


class BudgetError(BrieferError):
    """The run would cost more than the user allowed."""

    exit_code = ExitCode.BUDGET


class DeliveryError(BrieferError):
    """The SMTP server could not be reached or refused the message."""

    exit_code = ExitCode.DELIVERY


class NothingNewError(BrieferError):
    """A run that briefs only what is new found nothing new: a scheduled job should say so, not stay silent."""

    exit_code = ExitCode.NOTHING_NEW


class FatalModelError(ModelError):
    """An endpoint error that no other article would escape (bad key, unknown model): stop the run."""

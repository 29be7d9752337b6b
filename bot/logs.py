"""Logging set-up: LOG_LEVEL to stderr, library loggers that could log bodies capped at WARNING."""

from __future__ import annotations

import logging
from typing import TextIO

from telegram.error import NetworkError


class _NoNetworkTracebacks(logging.Filter):
    """A network outage is one line in the log, not a 40-line traceback per retry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NetworkError):
            record.msg = f"{record.getMessage()} ({record.exc_info[1]})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


# Libraries that log request and response bodies, SQL or URLs with the token below WARNING:
# message texts, names and phone numbers would reach the log. They are capped at WARNING.
CAPPED_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "hpack",
    "twilio",
    "urllib3",
    "sqlalchemy",
    "alembic",
    "multipart",
    "python_multipart",
    "apscheduler",
    "asyncio",
    "uvicorn.access",
)
OUR_LOGGERS = ("bot", "handlers", "benchmarks", "__main__")


class _OnlyOursBelowWarning(logging.Filter):
    """Below WARNING only the project's own loggers, which never log bodies, names or numbers.

    A safety net for libraries not in CAPPED_LOGGERS: LOG_LEVEL=DEBUG shows our detail, not a
    vendor's dump of a request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return record.name.split(".", 1)[0] in OUR_LOGGERS


def configure_logging(level: str, *, stream: TextIO | None = None) -> None:
    """Log at LOG_LEVEL to stderr (or `stream`), replacing whatever was configured before."""
    # force: `python -m bot` configured WARNING for the CLI before the settings were read.
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_NoNetworkTracebacks())
        handler.addFilter(_OnlyOursBelowWarning())
    for name in CAPPED_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

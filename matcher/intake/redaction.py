"""Keeps private-link tokens out of request logs: anyone reading a log could otherwise use them."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"/me/[^/\s?\"']+")
# The development server's and gunicorn's access logs both write the request line.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub("/me/[redacted]", text)


class PrivateLinkFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def install_filters() -> None:
    """Idempotent: app factories in tests call it many times."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PrivateLinkFilter) for f in logger.filters):
            logger.addFilter(PrivateLinkFilter())

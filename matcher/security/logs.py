"""Keep what a log reader could misuse out of the logs: private-link tokens and query strings.

A private link's path is its key (anyone reading a log could use it), and a coordinator's
search box sends names in the query string. The filters rewrite records; none drops one.
``install`` puts every log filter of the app in place, this one and the database one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask

from matcher.security.database_errors import DatabaseDetailFilter

# The development server's and gunicorn's access logs both write the request line:
# METHOD /path?query HTTP/x.y
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
_TOKEN_PATH = re.compile(r"/me/[^/\s?\"']+")
_QUERY = re.compile(r"((?:^|\s)/[^\s?\"']*)\?[^\s\"']*")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub("/me/[redacted]", text)


def strip_query(text: str) -> str:
    return _QUERY.sub(r"\1?[query removed]", text)


def _is_query_atom(key: str) -> bool:
    """gunicorn's atoms that hold the bare query string: %(q)s and {query_string}e."""
    return key == "q" or "query" in key.lower()


def _rewrite(record: logging.LogRecord, text: Callable[[str], str]) -> None:
    """Apply ``text`` to the record's message and to every string among its arguments."""
    if isinstance(record.msg, str):
        record.msg = text(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(text(a) if isinstance(a, str) else a for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: text(v) if isinstance(v, str) else v for k, v in record.args.items()}


class PrivateLinkFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _rewrite(record, redact)
        return True


class QueryStringFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            # gunicorn passes its atoms by name; the bare query string goes whole.
            args: dict[str, Any] = dict(record.args)
            for key, value in args.items():
                if _is_query_atom(key) and value:
                    args[key] = "[query removed]"
            record.args = args
        _rewrite(record, strip_query)
        return True


def _add_once(logger: logging.Logger, kind: type[logging.Filter]) -> None:
    """Idempotent: tests build many apps in one process, and loggers are process-wide."""
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def install(app: Flask) -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        _add_once(logger, PrivateLinkFilter)
        _add_once(logger, QueryStringFilter)
    # Flask logs an unhandled exception with the request path, and a private link's path is
    # its key; the same redaction as the access logs applies to the app's own log.
    _add_once(app.logger, PrivateLinkFilter)
    _add_once(app.logger, DatabaseDetailFilter)

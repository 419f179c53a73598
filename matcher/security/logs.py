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
from urllib.parse import unquote

from flask import Flask

from matcher.security.database_errors import DatabaseDetailFilter

# The development server's and gunicorn's access logs both write the request line:
# METHOD /path?query HTTP/x.y
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
_QUERY = re.compile(r"((?:^|\s)/[^\s?\"']*)\?[^\s\"']*")
# A path in a log line: it starts at a slash after a space, a quote or the line's start.
_PATH = re.compile(r"(?:(?<=[\s\"'])|^)/[^\s?\"']*")
# After percent-decoding, which is what routes the request: /me%2F<token>, /%6De/<token> and
# //me/<token> all reach the private page, so all of them hold a token.
_TOKEN_PATH = re.compile(r"^/+me/+[^/]+")


def _redact_path(match: re.Match[str]) -> str:
    path = decoded = match.group(0)
    for _ in range(3):  # a proxy in front may decode once more than we do
        decoded = unquote(decoded)
    if not _TOKEN_PATH.match(decoded):
        return path
    return _TOKEN_PATH.sub("/me/[redacted]", decoded, count=1)


def redact(text: str) -> str:
    return _PATH.sub(_redact_path, text)


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

"""Keep query strings out of request logs: a coordinator's search box sends names there."""

from __future__ import annotations

import logging
import re

# The request line in werkzeug's and gunicorn's access logs: METHOD /path?query HTTP/x.y
_QUERY = re.compile(r"((?:^|\s)/[^\s?\"']*)\?[^\s\"']*")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def _is_query_atom(key: str) -> bool:
    """gunicorn's atoms that hold the bare query string: %(q)s and {query_string}e."""
    return key == "q" or "query" in key.lower()


def strip_query(text: str) -> str:
    return _QUERY.sub(r"\1?[query removed]", text)


class QueryStringFilter(logging.Filter):
    """Rewrites each record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = strip_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(strip_query(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            args = {}
            for key, value in record.args.items():
                if _is_query_atom(key) and value:
                    value = "[query removed]"
                elif isinstance(value, str):
                    value = strip_query(value)
                args[key] = value
            record.args = args
        return True


def install() -> None:
    """Idempotent: tests build many apps in one process."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
            logger.addFilter(QueryStringFilter())

"""Keep row values out of logged database errors: PostgreSQL quotes the failing row in them."""

from __future__ import annotations

import logging
import re
import traceback

# PostgreSQL's DETAIL lines: "Failing row contains (…)." and "Key (email_hash)=(…) already exists."
_FAILING_ROW = re.compile(r"Failing row contains \(.*?\)\.?(?=\n|$)", re.DOTALL)
_KEY_VALUE = re.compile(r"(Key \([^)]*\))=\(.*?\)(?= already exists| is not present|\.)")


def redact_database_detail(text: str) -> str:
    text = _FAILING_ROW.sub("Failing row contains [values removed]", text)
    return _KEY_VALUE.sub(r"\1=([values removed])", text)


class DatabaseDetailFilter(logging.Filter):
    """Formats the exception once, redacted, so no handler ever formats the original."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redact_database_detail(text)
        return True

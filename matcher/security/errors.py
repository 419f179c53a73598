"""The app's error pages, all registered here: they say what to do and leak nothing else.

The pages an applicant is most likely to meet (404, 413, 429 and an expired form) speak the
visitor's language through the catalog; 405, 500 and any other HTTP error show Korean and
English side by side with a request id. A blueprint may still answer an error its own way
(the dashboard's 404, the import page's 413) and fall back on these.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)
from werkzeug.sansio.response import Response

from matcher.security.headers import request_id


@dataclass(frozen=True)
class ErrorText:
    """One page's wording in both languages, shown side by side (no gettext: both always show)."""

    title_ko: str
    body_ko: str
    title_en: str
    body_en: str


TEXTS = {
    405: ErrorText(
        "이 방법으로는 열 수 없는 페이지입니다",
        "링크를 다시 누르거나 처음 페이지에서 다시 시작해 주세요.",
        "This page cannot be opened this way",
        "Please follow the link again or start from the home page.",
    ),
    500: ErrorText(
        "문제가 생겼습니다",
        "방금 한 일이 저장되지 않았을 수 있습니다. 몇 분 뒤에 다시 해 주세요. "
        "계속 안 되면 아래 요청 번호를 코디네이터에게 알려 주세요.",
        "Something went wrong on our side",
        "What you just did may not have been saved. Please try again in a few minutes. "
        "If it keeps happening, tell a coordinator the request number below.",
    ),
}
OTHER = ErrorText(
    "요청을 처리할 수 없습니다",
    "링크를 다시 누르거나 처음 페이지에서 다시 시작해 주세요.",
    "This request could not be completed",
    "Please follow the link again or start from the home page.",
)


def install(app: Flask) -> None:
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(TooManyRequests, too_many)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(MethodNotAllowed, method_not_allowed)
    app.register_error_handler(InternalServerError, server_error)
    # Lowest priority: Flask tries the handlers for the exact class first, so the pages above
    # still win and this only catches codes nobody else handles.
    app.register_error_handler(HTTPException, other_error)


def public_page(code: int) -> tuple[str, int]:
    """A page in the visitor's language; CSRF failures (400) read as "the form expired"."""
    return render_template("errors/public.html", code=code), code


def not_found(_error: NotFound) -> tuple[str, int]:
    return public_page(404)


def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    return public_page(413)


def too_many(error: TooManyRequests) -> Response | tuple[str, int]:
    if error.response is not None:  # a limit that answers with its own page (auth.limits)
        return error.response
    return public_page(429)


def csrf_failed(_error: CSRFError) -> tuple[str, int]:
    return public_page(400)


def error_page(code: int) -> str:
    return render_template(
        "errors/error.html", code=code, text=TEXTS.get(code, OTHER), request_id=request_id()
    )


def method_not_allowed(error: MethodNotAllowed) -> tuple[str, int, dict[str, str]]:
    allowed = error.get_headers()
    return error_page(405), 405, {k: v for k, v in allowed if k == "Allow"}


def server_error(_error: InternalServerError) -> tuple[str, int]:
    """Never the exception's text: it may hold a name or an email from a failed statement."""
    return error_page(500), 500


def other_error(error: HTTPException) -> HTTPException | tuple[str, int]:
    if error.code is None or error.code < 400:
        return error
    return error_page(error.code), error.code

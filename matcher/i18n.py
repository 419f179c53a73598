"""Which language a page speaks: an explicit choice, then the browser's, then the page's own default."""

from __future__ import annotations

from flask import current_app, g, request, session

# Students are more at ease in Korean, tutors mostly write English: when the visitor chose
# nothing and the browser names neither language, each form opens in its audience's language.
PAGE_DEFAULTS = {
    "intake.apply_student": "ko",
    "intake.apply_tutor": "en",
}


# Staff pages (sign-in, dashboard, account) are written in English only; translating their
# frame and WTForms' messages by the browser's language made a Korean browser show a mix.
STAFF_PATH_PREFIXES = ("/dashboard", "/login", "/logout", "/account")


def select_locale() -> str:
    if request.path.startswith(STAFF_PATH_PREFIXES):
        return "en"
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen is not None and chosen in languages:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    if isinstance(remembered, str) and remembered in languages:
        return remembered
    # An applicant's private page speaks the language they applied in.
    stored = g.get("applicant_language")
    if stored in languages:
        return stored
    browser = request.accept_languages.best_match(languages)
    if browser:
        return browser
    return PAGE_DEFAULTS.get(request.endpoint or "", current_app.config["BABEL_DEFAULT_LOCALE"])

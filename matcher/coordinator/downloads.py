"""The dashboard's roster download: the same export as the command, handed out as an attachment."""

from __future__ import annotations

from flask import Response

from matcher.extensions import db
from matcher.models import Semester, User
from matcher.services.audit import user_actor
from matcher.services.files.roster import export_roster


def roster_download_response(
    semester: Semester, fmt: str, include_contacts: bool, reason: str | None, user: User
) -> Response:
    """Export the roster for ``user`` and return it as a download; commits the audit row first.

    The commit happens here, before any byte leaves, so no copy exists without its
    ``roster.export`` row. A ``DomainError`` (``field`` is ``reason``, ``format`` or
    ``semester``) is raised before anything is written; the route shows it next to that field.
    The file name holds only the semester's row id and the export id, never a person's name,
    and ``no-store`` keeps browsers and proxies from keeping a copy.
    """
    export = export_roster(
        semester,
        fmt,
        include_contacts=include_contacts,
        reason=reason,
        actor=user_actor(user.id),
    )
    db.session.commit()
    response = Response(export.content, content_type=export.media_type)
    filename = f"roster-{semester.id}-{export.export_id}.{export.fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

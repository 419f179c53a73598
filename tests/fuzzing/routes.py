"""Every POST route of the app, and what a hostile client may send to it.

DASHBOARD maps each coordinator endpoint to a Route (how to build its URL and its fields from a
World); FUZZED maps every POST endpoint of the app to the test that fuzzes it. A new POST route
that is in neither fails tests/fuzzing/test_coverage.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import strategies as st

from matcher.domain import GOALS, LEVELS
from matcher.matching.people import Weights

from .hostile import (
    Field,
    choice,
    clean_text,
    numbers,
    one_of_or_hostile,
    redirect_targets,
    text,
)
from .world import STATUSES, World

Fields = Callable[[World], dict[str, Field]]


def no_fields(_world: World) -> dict[str, Field]:
    """A button-only form: whatever arrives is extra."""
    return {}


@dataclass(frozen=True)
class Route:
    """How to post to one endpoint: its URL (maybe with a hostile id in it) and its fields."""

    url: Callable[[World], st.SearchStrategy[str]]
    fields: Fields = no_fields
    # True: success redirects, so a 200 is the form shown again with its errors.
    redirects_when_done: bool = True
    # Actions whose audit event is itself the record, with no other row changing.
    audited_without_change: frozenset[str] = frozenset()
    # Whether it may change a closed semester's rows (erasure on request, say).
    changes_closed_semester: bool = False


def in_url(value: str) -> str:
    return quote(clean_text(value), safe="")


def semester_url(suffix: str) -> Callable[[World], st.SearchStrategy[str]]:
    def url(world: World) -> st.SearchStrategy[str]:
        ids = st.sampled_from([world.semester_id, world.semester_id, 10**9])
        return ids.map(lambda i: f"/dashboard/semesters/{i}{suffix}")

    return url


def pair_url(action: str) -> Callable[[World], st.SearchStrategy[str]]:
    def url(world: World) -> st.SearchStrategy[str]:
        ids = one_of_or_hostile([p for p, _ in world.pairs])
        return ids.map(lambda p: f"/dashboard/pairs/{in_url(p)}/{action}")

    return url


def applicant_url(action: str) -> Callable[[World], st.SearchStrategy[str]]:
    def url(world: World) -> st.SearchStrategy[str]:
        ids = one_of_or_hostile([*world.students, *world.tutors])
        return ids.map(lambda p: f"/dashboard/applicants/{in_url(p)}/{action}")

    return url


def account_url(action: str) -> Callable[[World], st.SearchStrategy[str]]:
    def url(world: World) -> st.SearchStrategy[str]:
        ids = st.sampled_from([world.other_user_id, world.admin_id, 10**9])
        return ids.map(lambda i: f"/dashboard/accounts/{i}/{action}")

    return url


def exclusion_url(world: World) -> st.SearchStrategy[str]:
    ids = st.sampled_from([world.exclusion_id, world.exclusion_id, 10**9])
    return ids.map(
        lambda i: f"/dashboard/semesters/{world.semester_id}/matching/exclusions/{i}/remove"
    )


def flag_url(world: World) -> st.SearchStrategy[str]:
    ids = one_of_or_hostile([p for p, _ in world.pairs])
    return ids.map(lambda p: f"/dashboard/semesters/{world.semester_id}/flags/{in_url(p)}/seen")


back: Field = (None, redirect_targets)


def session_keys(world: World) -> list[str]:
    """The starts offered to the world's first pairs (what the forms list), for valid posts."""
    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.models import Match
    from matcher.services.sessions.agreement import state_of

    keys = []
    for pair_id, _ in world.pairs[:2]:
        match = db.session.scalar(select(Match).where(Match.public_id == pair_id))
        if match is not None and match.status in ("proposed", "locked", "confirmed"):
            keys += [option.key for option in state_of(match).options[:3]]
    return keys or ["0123456789abcdef"]


def session_url(world: World) -> st.SearchStrategy[str]:
    ids = one_of_or_hostile([p for p, _ in world.pairs])
    return ids.map(lambda p: f"/dashboard/semesters/{world.semester_id}/sessions/{in_url(p)}")


def ids(world: World) -> st.SearchStrategy[str]:
    """Any id of the world (a student's where a tutor's is due, say), or a hostile one."""
    return one_of_or_hostile([*world.students, *world.tutors, *(p for p, _ in world.pairs)])


def run_fields(_world: World) -> dict[str, Field]:
    weights = {name: (None, numbers) for name in Weights.__dataclass_fields__}
    return {**weights, "session_minutes": (None, numbers)}


def edit_fields(_world: World) -> dict[str, Field]:
    return {
        "display_name": ("Edited Name", text),
        "timezone": ("Asia/Seoul", one_of_or_hostile(["Asia/Seoul", "America/New_York", "UTC"])),
        # Valid: the times everyone in the world has (so pairs stay); changed times end them.
        "availability": (
            "Mon 19:00-21:00; Sat 10:00-12:00",
            st.one_of(st.just("Mon 19:00-21:00"), text, st.just("Mon 19:00-21:00; " * 300)),
        ),
        "goals": (["conversation"], st.lists(one_of_or_hostile(list(GOALS)), max_size=8)),
        "levels": (["intermediate"], st.lists(one_of_or_hostile(list(LEVELS)), max_size=4)),
        "gender": ("", one_of_or_hostile(["", "female", "male", "other"])),
        "gender_preference": ("", one_of_or_hostile(["", "female", "male"])),
        "korean": ("", one_of_or_hostile(["", "none", "basic", "fluent"])),
        "in_person": ("y", one_of_or_hostile(["y", ""])),
        "capacity": ("1", st.one_of(one_of_or_hostile(["1", "2", "3"]), numbers)),
        "note": ("", text),
    }


def pair_fields(_world: World) -> dict[str, Field]:
    return {"version": ("1", numbers), "reason": ("schedule changed", text)}


def confirm_fields(world: World) -> dict[str, Field]:
    pair, version = world.pairs[0]
    selected = st.lists(
        st.one_of(
            st.sampled_from([f"{p}:{v}" for p, v in world.pairs]),
            st.tuples(ids(world), choice).map(":".join),
            choice,
        ),
        max_size=4,
    )
    return {
        "selected": ([f"{pair}:{version}"], selected),
        "all": (None, one_of_or_hostile(["yes"])),
        "back": back,
    }


def two_people(world: World) -> dict[str, Field]:
    return {
        "student": (world.students[0], ids(world)),
        "tutor": (world.tutors[1], ids(world)),
        "back": back,
    }


def erase_url(world: World) -> st.SearchStrategy[str]:
    """Half the time the applicant whose id the valid answer names."""
    return st.one_of(
        st.just(f"/dashboard/applicants/{world.students[1]}/erase"), applicant_url("erase")(world)
    )


def erase_fields(world: World) -> dict[str, Field]:
    return {"confirm": (world.students[1], ids(world))}


date = st.one_of(
    st.sampled_from(["2027-09-01", "2027-12-20", "2027-02-30", "2026-01-01", "9999-12-31"]),
    st.dates().map(str),
    choice,
)

DASHBOARD: dict[str, Route] = {
    "coordinator.accounts.create": Route(
        lambda _w: st.just("/dashboard/accounts/"),
        lambda w: {
            "email": (f"new.coordinator{w.admin_id}@example.org", st.one_of(text, st.emails())),
            "name": ("New Coordinator", text),
            "admin": (None, one_of_or_hostile(["y"])),
        },
        redirects_when_done=False,
    ),
    "coordinator.accounts.deactivate": Route(account_url("deactivate")),
    "coordinator.accounts.reactivate": Route(account_url("reactivate")),
    "coordinator.accounts.reset": Route(account_url("reset"), redirects_when_done=False),
    "coordinator.applicants.edit": Route(
        applicant_url("edit"), edit_fields, audited_without_change=frozenset({"applicant.edit"})
    ),
    "coordinator.applicants.erase": Route(erase_url, erase_fields, changes_closed_semester=True),
    "coordinator.applicants.new_link": Route(applicant_url("link"), changes_closed_semester=True),
    "coordinator.applicants.change_reviewed": Route(
        applicant_url("reviewed"),
        audited_without_change=frozenset({"applicant.change_reviewed"}),
    ),
    "coordinator.applicants.revoke_links": Route(
        applicant_url("revoke-links"), changes_closed_semester=True
    ),
    "coordinator.outbox.retry": Route(
        lambda _w: st.sampled_from([1, 10**9]).map(lambda i: f"/dashboard/outbox/{i}/retry")
    ),
    "coordinator.outbox.introductions": Route(
        semester_url("/introductions"), audited_without_change=frozenset({"mail.queued"})
    ),
    "coordinator.applicants.change_status": Route(
        applicant_url("status"),
        lambda _w: {
            "status": ("waitlisted", one_of_or_hostile(["approved", "waitlisted", "withdrawn"]))
        },
    ),
    "coordinator.applicants.approve_selected": Route(
        semester_url("/applicants/approve"),
        lambda w: {
            "selected": ([w.students[3], w.tutors[2]], st.lists(ids(w), max_size=5)),
            "back": back,
        },
    ),
    "coordinator.applicants.flag_seen": Route(
        flag_url, audited_without_change=frozenset({"match.flag_seen"})
    ),
    "coordinator.change_status": Route(
        semester_url("/status"),
        lambda _w: {"to": ("closed", one_of_or_hostile(list(STATUSES)))},
    ),
    "coordinator.matching.preview": Route(
        semester_url("/matching/preview"), run_fields, redirects_when_done=False
    ),
    "coordinator.matching.save_run": Route(semester_url("/matching/run"), run_fields),
    "coordinator.matching.confirm": Route(semester_url("/matching/confirm"), confirm_fields),
    "coordinator.matching.exclude_people": Route(
        semester_url("/matching/exclude"),
        lambda w: {**two_people(w), "reason": ("did not get along", text)},
    ),
    "coordinator.matching.manual": Route(
        semester_url("/matching/manual"),
        lambda w: {
            **two_people(w),
            "override": (None, one_of_or_hostile(["yes"])),
            "note": (None, text),
        },
    ),
    "coordinator.matching.lock": Route(pair_url("lock"), pair_fields),
    "coordinator.matching.remove_excluded": Route(exclusion_url),
    "coordinator.matching.unlock": Route(pair_url("unlock"), pair_fields),
    "coordinator.matching.end": Route(pair_url("end"), pair_fields),
    "coordinator.matching.exclude": Route(pair_url("exclude"), pair_fields),
    "coordinator.semesters.roster": Route(
        semester_url("/roster"),
        lambda _w: {
            "format": ("csv", one_of_or_hostile(["csv", "xlsx"])),
            "include_contacts": (None, one_of_or_hostile(["y"])),
            "reason": ("weekly check-in", text),
        },
        redirects_when_done=False,
        audited_without_change=frozenset({"roster.export"}),
    ),
    "coordinator.sessions.set_session": Route(
        session_url, lambda w: {"start": (session_keys(w)[0], one_of_or_hostile(session_keys(w)))}
    ),
    "coordinator.semesters.start_next": Route(
        semester_url("/start-next"),
        lambda w: {
            "name": (f"Autumn 2027 #{w.admin_id}", text),
            "start": ("2027-09-01", date),
            "end": ("2027-12-20", date),
            "session_minutes": ("60", numbers),
        },
    ),
}

_DASHBOARD_TEST = "fuzzing/test_dashboard_posts.py::test_a_dashboard_post_never_breaks_anything"
# Every POST endpoint → the test that posts hostile values to it.
FUZZED: dict[str, str] = {
    **{endpoint: _DASHBOARD_TEST for endpoint in DASHBOARD},
    "coordinator.import_applicants_page": "fuzzing/test_import_upload.py::test_an_upload_never_breaks_anything",
    "coordinator.confirm_import": "fuzzing/test_import_upload.py::test_confirm_and_cancel_take_only_their_own_upload",
    "coordinator.cancel_import": "fuzzing/test_import_upload.py::test_confirm_and_cancel_take_only_their_own_upload",
    "auth.login": "fuzzing/test_auth_posts.py::test_login_never_breaks_anything",
    "auth.password": "fuzzing/test_auth_posts.py::test_password_change_never_breaks_anything",
    "auth.logout": "fuzzing/test_auth_posts.py::test_logout_never_breaks_anything",
    "intake.apply_student": "intake/test_hostile_posts.py::test_student_form_never_errors_and_never_half_saves",
    "intake.apply_tutor": "intake/test_hostile_posts.py::test_tutor_form_never_errors_and_never_half_saves",
    # The private link's edit page: the whole form during intake (fuzzed with the intake
    # tests), only the weekly times afterwards (fuzzed here).
    "intake.edit": "fuzzing/test_private_link_posts.py::test_changing_times_never_breaks_anything",
    "intake.withdraw": "fuzzing/test_private_link_posts.py::test_withdrawing_never_breaks_anything",
    "intake.choose_session": "fuzzing/test_private_link_posts.py::test_choosing_a_session_never_breaks_anything",
    "intake.link_request": "fuzzing/test_link_request_posts.py::test_a_link_request_never_breaks_anything",
}

"""The roster lines: the contract's columns and sections, and contacts only when asked for."""

from __future__ import annotations

from decimal import Decimal

from matcher.roster import header, rows

from .sample import (
    CONTRACT_HEADER,
    CONTRACT_HEADER_WITH_CONTACTS,
    EXPORT_ID,
    sample_data,
)


def as_dicts(include_contacts: bool) -> list[dict[str, object]]:
    pairs, unmatched, withdrawn = sample_data()
    columns = header(include_contacts)
    lines = rows(EXPORT_ID, pairs, unmatched, withdrawn, include_contacts=include_contacts)
    return [dict(zip(columns, line, strict=True)) for line in lines]


def test_header_is_the_contracts_exactly() -> None:
    assert list(header(False)) == CONTRACT_HEADER
    assert list(header(True)) == CONTRACT_HEADER_WITH_CONTACTS


def test_sections_come_in_contract_order_with_the_right_people() -> None:
    lines = as_dicts(False)
    assert [(line["section"], line["pair_id"] or line["student_id"] or line["tutor_id"]) for line in lines] == [
        ("matched", "P-AAAA"),  # sorted by student name: Ara before 하늘
        ("matched", "P-BBBB"),
        ("ended", "P-CCCC"),
        ("unmatched", "S-E"),  # students first, then tutors
        ("unmatched", "T-E"),
        ("withdrawn", "S-F"),
    ]  # fmt: skip
    assert all(line["export_id"] == EXPORT_ID for line in lines)


def test_an_unconfirmed_proposal_is_not_on_the_record() -> None:
    assert all(line["pair_id"] != "P-DDDD" for line in as_dicts(False))


def test_a_pair_line_carries_windows_score_and_seoul_timestamps() -> None:
    line = next(line for line in as_dicts(False) if line["pair_id"] == "P-BBBB")
    assert line["student_id"] == "S-B"
    assert line["student_name"] == "하늘*"
    assert line["tutor_id"] == "T-B"
    assert line["status"] == "confirmed"
    assert line["windows_seoul"] == "Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00"
    assert line["windows_tutor_local"] == "Wed 19:00-20:00"
    assert line["shared_goals"] == "conversation;speech"
    assert line["score"] == Decimal("9.35")
    assert line["confirmed_at"] == "2027-03-08T12:00+09:00"
    assert line["confirmed_by"] == "Coordinator Kay"
    assert line["ended_at"] == ""


def test_an_ended_pair_has_its_date_and_reason() -> None:
    line = next(line for line in as_dicts(False) if line["section"] == "ended")
    assert line["status"] == "ended"
    assert line["ended_at"] == "2027-05-01T00:30+09:00"  # the Seoul date, not the UTC one
    assert line["end_reason"] == "tutor moved house"


def test_people_without_a_pair_leave_the_other_side_empty() -> None:
    lines = as_dicts(True)
    tutor = next(line for line in lines if line["tutor_id"] == "T-E")
    assert tutor["section"] == "unmatched"
    assert tutor["tutor_name"] == "Tutor Eve"
    assert tutor["tutor_email"] == "t-e@example.org"
    assert tutor["student_id"] == tutor["student_name"] == tutor["student_email"] == ""
    assert tutor["pair_id"] == tutor["score"] == ""
    withdrawn = next(line for line in lines if line["section"] == "withdrawn")
    assert withdrawn["student_name"] == "Fay*"
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["tutor_id"] == ""


def test_emails_appear_only_with_contacts() -> None:
    without = as_dicts(False)
    assert not any("@" in str(value) for line in without for value in line.values())
    with_contacts = as_dicts(True)
    pair = next(line for line in with_contacts if line["pair_id"] == "P-AAAA")
    assert pair["student_email"] == "s-a@example.org"
    assert pair["tutor_email"] == "t-a@example.org"

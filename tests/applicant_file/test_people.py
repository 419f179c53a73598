"""Records to engine people: ids from row numbers, continue_with resolved to partner ids."""

from __future__ import annotations

from matcher.applicant_file import person_ids, read_applicant_file, to_people

from .sample import student, to_csv, tutor


def test_people_get_ids_from_their_rows_and_keep_file_order() -> None:
    rows = [tutor(), student(), student(), tutor()]
    result = read_applicant_file(to_csv(rows), "a.csv")
    students, tutors = to_people(result.records)
    assert [p.id for p in students] == ["S003", "S004"]
    assert [p.id for p in tutors] == ["T002", "T005"]
    assert all("@" not in p.id for p in students + tutors)


def test_ids_widen_together_for_long_files_so_sorting_keeps_file_order() -> None:
    rows = [student() for _ in range(1000)] + [tutor()]
    result = read_applicant_file(to_csv(rows), "a.csv")
    ids = person_ids(result.records)
    assert ids[2] == "S0002"
    assert ids[1002] == "T1002"
    student_ids = [ids[r.row] for r in result.records if r.role == "student"]
    assert sorted(student_ids) == student_ids


def test_continue_with_becomes_the_partners_id_when_the_partner_is_in_the_file() -> None:
    rows = [
        student(email="s1@example.org", continue_with="T1@Example.org"),
        tutor(email="t1@example.org", continue_with="s1@example.org"),
        student(continue_with="gone@example.org"),
    ]
    students, tutors = to_people(read_applicant_file(to_csv(rows), "a.csv").records)
    assert students[0].continue_with == "T003"
    assert tutors[0].continue_with == "S002"
    assert students[1].continue_with is None


def test_fields_carry_over_with_empty_answers_as_none() -> None:
    rows = [student(gender="", korean="", gender_preference="female", in_person="yes")]
    (person,), _ = to_people(read_applicant_file(to_csv(rows), "a.csv").records)
    assert person.role == "student"
    assert person.timezone == "Asia/Seoul"
    assert (person.gender, person.korean, person.gender_preference) == (None, None, "female")
    assert person.in_person is True
    assert person.levels == frozenset({"beginner"})

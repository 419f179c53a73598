"""Reading the applicants contract file (CSV or XLSX) into validated records, all errors at once."""

from matcher.applicant_file.errors import ApplicantFileError, RowError
from matcher.applicant_file.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, FileLimits
from matcher.applicant_file.messages import first_problems, ignored_columns_line
from matcher.applicant_file.people import person_ids, to_people
from matcher.applicant_file.reader import read_applicant_file, read_applicant_path
from matcher.applicant_file.records import ApplicantFile, ApplicantRecord, RawRow
from matcher.applicant_file.rejected import write_rejected

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "ApplicantFile",
    "ApplicantFileError",
    "ApplicantRecord",
    "FileLimits",
    "RawRow",
    "RowError",
    "first_problems",
    "ignored_columns_line",
    "person_ids",
    "read_applicant_file",
    "read_applicant_path",
    "to_people",
    "write_rejected",
]

"""Turning the bytes of an uploaded CSV into text: UTF-8 first, Korean Excel's CP949 second."""

from __future__ import annotations

from matcher.applicant_file.errors import ApplicantFileError

UTF8 = "utf-8"
CP949 = "cp949"

SAVE_AS_UTF8 = (
    'In Excel choose File → Save As → "CSV UTF-8 (Comma delimited) (*.csv)"; in LibreOffice '
    'choose "Text CSV", then "Edit filter settings" and the character set "Unicode (UTF-8)".'
)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return the text of a CSV file and the encoding it was read with (``utf-8`` or ``cp949``).

    CP949 is tried because it is what Korean Excel writes for plain "CSV"; the caller reports
    it so a coordinator knows the file was guessed rather than declared. Anything else is
    refused rather than guessed further, because a wrong guess silently garbles names.
    """
    if data.startswith(b"PK\x03\x04"):
        raise ApplicantFileError(
            "This file looks like an Excel workbook, not a CSV file: give it the .xlsx ending "
            "or save it as CSV UTF-8."
        )
    # Many NUL bytes mean UTF-16 ("Unicode text") or a binary file, both of which can pass as
    # UTF-8; a stray NUL in a cell is left for the row checks, which name its row and column.
    if data.count(b"\x00") * 10 > len(data):
        raise ApplicantFileError(
            f"This file is not CSV UTF-8 (it looks like UTF-16 or a binary file). {SAVE_AS_UTF8}"
        )
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(CP949), CP949
    except UnicodeDecodeError:
        raise ApplicantFileError(
            f"This file is neither UTF-8 nor Korean Windows text (CP949). {SAVE_AS_UTF8}"
        ) from None

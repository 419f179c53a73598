"""Files in and out: importing an applicants file, exporting the roster."""

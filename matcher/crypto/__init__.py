"""Encryption at rest for applicants' personal fields: the data key, the column type, email look-up."""

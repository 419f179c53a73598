"""Applicants: adding them (form, import), listing, their own edits, coordinators' review."""

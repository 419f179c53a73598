"""Semesters: their stages, overview figures, closing and starting the next."""

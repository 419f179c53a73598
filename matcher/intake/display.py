"""Showing stored weekly times to applicants in their page's language (see matcher.weekly_text)."""

from matcher.weekly_text import weekly_time as weekly_time

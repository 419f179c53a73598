"""Email without the database: settings from a URL, composing safe messages, delivering them.

Nothing here knows about applicants or the outbox table; ``matcher.services.mail`` decides what
to send and when, and hands plain values to these functions.
"""

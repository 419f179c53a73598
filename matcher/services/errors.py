"""Domain errors that a view puts next to a form field and a command prints before exiting."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the program was broken; the message is fit to show the person who broke it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class ChangedMeanwhile(DomainError):
    """Someone else changed the same record first; the caller should reload and try again."""

    def __init__(
        self, message: str = "This was changed meanwhile by someone else. Reload and try again."
    ) -> None:
        super().__init__(message)

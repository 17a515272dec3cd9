"""Errors about user input that must name the file, the line and the field."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: rendered as one line `FILE:LINE: FIELD: message`."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}".replace("\n", " ")


class NotFound(LookupError):
    """Something that does not exist, or that the reader may not see: the two answer alike."""

    def __init__(self, message: str = "not found"):
        super().__init__(message)


class Forbidden(PermissionError):
    """An action the caller's role or clearance does not allow; the message says which."""


class Conflict(Exception):
    """A write that clashes with what is stored (a duplicate, a dependent row); the message is for the user."""

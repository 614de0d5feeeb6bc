"""Exceptions raised by mlkg.

Every error derives from :class:`MlkgError` and also from the built-in exception that matches its meaning, so
callers can catch either. Only the CLI turns them into exit codes and one-line messages.
"""

from __future__ import annotations


class MlkgError(Exception):
    """Root of every mlkg error."""


class InputError(MlkgError, ValueError):
    """Input data is not what mlkg expects.

    Carries where the problem is (``source``: a file name or ``<stdin>``; ``path``: a JSON path such as
    ``$.mlFeatures[0].dataType``; ``line``/``column`` for syntax errors) and what was expected.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        path: str | None = None,
        expected: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.path = path
        self.expected = expected
        self.line = line
        self.column = column
        super().__init__(self.one_line())

    def with_source(self, source: str) -> InputError:
        """Return the same error with the file name filled in (keeps an existing one)."""
        if self.source is None:
            self.source = source
            self.args = (self.one_line(),)
        return self

    def one_line(self) -> str:
        """The message with where it applies: ``source[:line[:column]]: path: message (expected ...)``; with no
        source, line or path (an unknown query name, say) just the message."""
        if self.source is None and self.line is None and not self.path:
            return self.message + (f" (expected {self.expected})" if self.expected else "")
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        text = ": ".join(parts) + ": " + self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class RemoteAccessError(MlkgError, PermissionError):
    """mlkg was asked to fetch a URL (for example a remote JSON-LD context) without the user allowing it."""


class StoreError(MlkgError, OSError):
    """A store could not be opened, read or written."""


class NotImplementedFeature(MlkgError, NotImplementedError):
    """A feature that exists in the interface but not in this build."""

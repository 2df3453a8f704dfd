"""The toolkit's exceptions. Each carries what its one-line message needs; the CLI prints
`str(err)` and exits non-zero, with a traceback only when PSFT_DEBUG is set."""

from __future__ import annotations


class PsftError(Exception):
    """Base class: an error the user can act on."""


class UnknownLanguageError(PsftError, KeyError):
    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown language {self.name!r}; known: {', '.join(self.known)}"


class InputFormatError(PsftError):
    """A records file that cannot be read; names the file and, for JSONL, the line."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path, self.reason, self.line = path, reason, line
        super().__init__(path)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class SandboxUnavailableError(PsftError):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return (
            f"cannot sandbox candidate programs: {self.reason}. Install bubblewrap "
            "(`sudo apt-get install bubblewrap`), or pass --no-sandbox to run them with "
            "resource limits only (unsafe: only for code you trust)"
        )

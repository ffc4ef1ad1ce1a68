"""The tool's own error tree.

    NewmediaAuditError
    ├── InputError        bad user input: file, row, column, value (exit 2)
    │   └── InputErrors   several InputErrors reported in one run
    ├── ConfigError       bad settings / usage (exit 2)
    ├── ReplayError       malformed HAR or a request the corpus cannot answer
    ├── OutputError       --out unwritable, disk full (exit 1)
    └── CollectError      a visit that did not see the account
        ├── TransientError  timeouts, resets, 5xx, empty feeds: retried in place
        │   └── UnrecognizedError  a response whose shape the collector does not know
        └── WallError       login walls, captchas, 418/432, antispider: requeued after cool-down

Foreign exceptions (httpx, playwright) are translated into these once, in collect/.
"""

from __future__ import annotations


class NewmediaAuditError(Exception):
    """Base of every error the tool raises on purpose."""


class InputError(NewmediaAuditError):
    """A bad cell or file in the user's input. Message is Simplified Chinese."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        row: int | None = None,
        column: str = "",
        value: object = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self.render())

    def render(self) -> str:
        """One line an officer can act on: 文件, 第N行, 列, 值, then what is wrong."""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列「{self.column}」")
        if self.value is not None:
            parts.append(f"值「{self.value}」")
        where = "，".join(parts)
        return f"{where}：{self.message}" if where else self.message


class InputErrors(InputError):
    """Every bad row of every file, so the officer fixes them in one pass."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))

    def render(self) -> str:  # noqa: D102
        return "\n".join(e.render() for e in getattr(self, "errors", []))


class ConfigError(NewmediaAuditError):
    """Bad settings or CLI usage (exit 2)."""


class ReplayError(NewmediaAuditError):
    """A malformed HAR file or a request with no entry in the corpus."""


class OutputError(NewmediaAuditError):
    """The output directory cannot be written (unwritable, disk full)."""


class CollectError(NewmediaAuditError):
    """A visit that did not see the account; never a fact about the account."""


class TransientError(CollectError):
    """Timeouts, connection resets, 5xx, empty feeds: retried with backoff."""


class UnrecognizedError(TransientError):
    """A response the collector cannot read: HTML where JSON was expected, JSON
    without the known keys, a page without any known marker (platforms.md, rule 3).

    Retried like any transient fault (a proxy's error page looks the same), but
    a visit that ends on it is counted as "unrecognized", apart from walls and
    network faults: many of them on one platform mean the platform changed,
    not the accounts. The message says in plain Chinese what was not understood.
    """


class WallError(CollectError):
    """Login wall, captcha, 418/432, antispider: the platform refused us."""

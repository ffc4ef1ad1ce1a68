"""The result of reading one input file: items, bad rows and warnings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..errors import InputError, InputErrors
from ..models import SkippedRow

T = TypeVar("T")


@dataclass
class ReadResult(Generic[T]):
    """What a reader made of a file.

    Attributes:
        items: the good rows, in file order.
        errors: every bad row of the file (file, row, column, value, Chinese message).
        warnings: Chinese sentences for things the reader fixed or doubts
            (merged duplicates, inconsistent scores, inferred districts).
        file: the file as the user named it.
    """

    items: list[T] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file: str = ""

    @property
    def ok(self) -> bool:
        """True when the file has no bad row."""
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise InputErrors carrying every bad row, if there is any."""
        if self.errors:
            raise InputErrors(list(self.errors))


def raise_for_errors(results: Iterable[ReadResult[object]]) -> None:
    """Raise one InputErrors with the bad rows of every file, so all are fixed in one pass."""
    errors = [error for result in results for error in result.errors]
    if errors:
        raise InputErrors(errors)


def errors_to_skipped(errors: Iterable[InputError]) -> list[SkippedRow]:
    """Turn bad-row errors into the skipped rows a --skip-bad-rows report lists."""
    skipped: list[SkippedRow] = []
    for error in errors:
        nested = getattr(error, "errors", None)
        if isinstance(error, InputErrors) and nested:
            skipped.extend(errors_to_skipped(nested))
            continue
        skipped.append(
            SkippedRow(
                file=error.file,
                row=error.row,
                column=error.column,
                value="" if error.value is None else str(error.value),
                message=error.message,
            )
        )
    return skipped

"""sharedStrings.xml written a list at a time, for report.xlsx's hundreds of thousands of strings.

xlsxwriter writes each shared string through two regular-expression passes
and a few method calls (1.1 s of the workbook's CPU at 100,000 accounts).
Most strings need none of it: no XML character to escape, no control
character or ``_xHHHH_`` lookalike to encode, no edge whitespace to keep.
Those are written here in one join; any other string goes through
xlsxwriter's own ``_write_si``, so the part is the same as xlsxwriter 3.3.1's
(tests/report/test_xlsx_strings.py compares them).
"""

from __future__ import annotations

import io
import re

from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.workbook import Workbook

# A superset of what xlsxwriter's _write_si changes or marks: & < > (escaping; "<r>"
# rich strings too), control characters, _xHHHH_ lookalikes, U+FFFE/U+FFFF, and the
# leading or trailing whitespace its xml:space="preserve" test looks for.
_NOT_PLAIN = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")


class _ListSharedStrings(SharedStrings):
    def _write_sst_strings(self) -> None:
        not_plain = _NOT_PLAIN.search
        self.fh.write(
            "".join(
                f"<si><t>{string}</t></si>" if not not_plain(string) else self._si_text(string)
                for string in self.string_table.string_array
            )
        )

    def _si_text(self, string: str) -> str:
        """What xlsxwriter's _write_si writes for the string."""
        out, self.fh = self.fh, io.StringIO()
        try:
            self._write_si(string)
            return self.fh.getvalue()
        finally:
            self.fh = out


class _Packager(Packager):
    def _write_shared_strings_file(self) -> None:  # xlsxwriter's, with the list writer
        sst = _ListSharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class ListStringsWorkbook(Workbook):
    """An xlsxwriter Workbook whose shared strings part is written a list at a time."""

    def _get_packager(self) -> Packager:
        return _Packager()

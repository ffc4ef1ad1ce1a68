"""report.xlsx written by a child process while this one writes the other reports.

At national scale the workbook is the longest report; on two cores writing it
beside report.html, results.json, verdicts.csv and notice.md nearly halves the
time of the whole step. The child is a fresh interpreter
(``python -c ... child_main()``): nothing is forked, and
unlike multiprocessing's spawn it does not re-import the caller's main module,
so any script may call write_reports. It starts while the tables are built;
the figures and tables then stream to it pickled through its stdin, then the
column widths, which the parent works out while the child registers the rows
(the child's path was the longer one); it writes
the workbook to the temporary name it is given and the parent renames it. An error of the child comes back as the
OSError behind it (errno kept), so the caller explains it as one of its own.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import IO

from xlsxwriter.exceptions import XlsxFileError

from ..bulk import paused_gc
from .attachments import Attachment, Titles
from .summary import Summary
from .tables import Sheet
from .xlsx import write_workbook

_OS_ERROR_EXIT = 3  # the child reports an OSError as JSON on stdout with this exit code
_CHILD_CODE = "import sys; from newmedia_audit.report.xlsx_process import child_main; sys.exit(child_main())"


def _child_environment() -> dict[str, str]:
    """This environment, with the folder holding this package first on the child's import path."""
    root = str(Path(__file__).resolve().parents[2])
    inherited = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, inherited) if p)}


def os_error_behind(exc: BaseException) -> BaseException:
    """The OSError behind an exception (xlsxwriter wraps it in FileCreateError), else the exception."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc


class ChildWorkbook:
    """One report.xlsx being written by a child process.

    Started first (the interpreter starts while this process builds the tables),
    then ``send`` streams the job through the child's stdin, which unpickles it
    as it arrives.
    """

    def __init__(self, path: Path) -> None:
        self._path = os.path.abspath(path)
        self._process = subprocess.Popen(
            # -P: no current folder on the import path, so a newmedia_audit folder where the
            # command runs (another checkout, say) cannot stand in for this package.
            [sys.executable, "-P", "-c", _CHILD_CODE],
            env=_child_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def send(
        self,
        summary: Summary,
        sheets: list[Sheet],
        front: list[Attachment] | None = None,
        titles: Titles | None = None,
    ) -> None:
        """Hand the figures and tables to the child, which then writes the workbook
        (arguments as xlsx.write_workbook's). ``send_widths`` follows."""
        self._write((self._path, summary, sheets, front, titles), last=False)

    def send_widths(self, widths: list[dict[int, int]]) -> None:
        """Hand over each sheet's column widths (xlsx.sheet_widths), worked out here
        while the child registers the rows: about a tenth of the workbook's CPU."""
        self._write(widths, last=True)

    def _write(self, item: object, *, last: bool) -> None:
        stdin = self._process.stdin
        if stdin is None:
            return  # the child is gone: wait() reports why
        try:
            pickle.dump(item, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            stdin.flush()
        except BrokenPipeError:
            last = True  # the child is gone: wait() reports why
        finally:
            if last:
                self._process.stdin = None  # sent (or the child is gone): communicate() leaves it alone
                _close_quietly(stdin)

    def wait(self, _tmp: Path | None = None) -> None:
        """Block until the workbook is written; re-raise the child's error.

        Raises:
            OSError: the child could not write the file (errno kept), or failed otherwise.
        """
        out, err = self._process.communicate()
        code = self._process.returncode
        if code == 0:
            return
        if code == _OS_ERROR_EXIT:
            error = json.loads(out.decode("utf-8"))
            raise OSError(error["errno"], error["strerror"], error["filename"])
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"写入 report.xlsx 的子进程出错（退出码 {code}）：{lines[-1] if lines else '无输出'}")

    def close(self) -> None:
        """Stop the child if it still runs."""
        if self._process.poll() is None:
            self._process.kill()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        self._process.wait()


def _close_quietly(stream: IO[bytes]) -> None:
    try:
        stream.close()
    except OSError:
        pass  # a broken pipe flushing the rest


@paused_gc()  # as in write_reports: unpickling millions of cells with it on took 7 times as long
def child_main() -> int:
    """The child: write the workbook of the job on stdin; 0, or _OS_ERROR_EXIT with the error on stdout."""
    parent = os.getppid()
    path, summary, sheets, front, titles = pickle.load(sys.stdin.buffer)
    try:
        write_workbook(Path(path), summary, sheets, front, titles, lambda: pickle.load(sys.stdin.buffer))
        if os.getppid() != parent:  # the parent was killed meanwhile: nobody will rename the file
            Path(path).unlink(missing_ok=True)
    except (OSError, XlsxFileError) as exc:
        behind = os_error_behind(exc)
        if not isinstance(behind, OSError):
            raise
        error = {
            "errno": behind.errno,
            "strerror": behind.strerror or str(behind),
            "filename": behind.filename,
        }
        print(json.dumps(error, ensure_ascii=False))
        return _OS_ERROR_EXIT
    return 0

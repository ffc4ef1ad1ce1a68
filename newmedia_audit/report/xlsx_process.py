"""report.xlsx written by a child process while this one writes the other reports.

At national scale the workbook is the longest report; on two cores writing it
beside report.html, results.json, verdicts.csv and notice.md nearly halves the
time of the whole step. The child is a fresh interpreter
(``python -c ... child_main(JOB)``): nothing is forked, and
unlike multiprocessing's spawn it does not re-import the caller's main module,
so any script may call write_reports. The figures and tables go to it pickled
in a temporary job file; it writes the workbook to the temporary name it is
given and the parent renames it. An error of the child comes back as the
OSError behind it (errno kept), so the caller explains it as one of its own.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from xlsxwriter.exceptions import XlsxFileError

from .summary import Summary
from .tables import Sheet
from .xlsx import write_workbook

_OS_ERROR_EXIT = 3  # the child reports an OSError as JSON on stdout with this exit code
_CHILD_CODE = (
    "import sys; from newmedia_audit.report.xlsx_process import child_main; sys.exit(child_main(sys.argv[1]))"
)


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
    """One report.xlsx being written by a child process."""

    def __init__(self, path: Path, summary: Summary, sheets: list[Sheet]) -> None:
        handle, job = tempfile.mkstemp(prefix="newmedia-audit-xlsx-", suffix=".pickle")
        self._job = Path(job)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump((os.path.abspath(path), summary, sheets), out, protocol=pickle.HIGHEST_PROTOCOL)
            self._process = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, job],
                env=_child_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except BaseException:
            self._job.unlink(missing_ok=True)
            raise

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
        """Stop the child if it still runs and remove the job file."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._job.unlink(missing_ok=True)


def child_main(job: str) -> int:
    """The child: write the workbook of the job file; 0, or _OS_ERROR_EXIT with the error on stdout."""
    with open(job, "rb") as handle:
        path, summary, sheets = pickle.load(handle)
    try:
        write_workbook(Path(path), summary, sheets)
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

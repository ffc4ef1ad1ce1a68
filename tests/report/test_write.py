"""write_reports: six files, written atomically; unwritable or full disks raise OutputError."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from newmedia_audit.errors import OutputError
from newmedia_audit.models import AuditResult
from newmedia_audit.report import results_dict, write_reports
from newmedia_audit.report import write as write_module

from .conftest import GENERATED_AT


def test_writes_all_six_files_and_no_temporary_ones(result: AuditResult, tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    paths = write_reports(result, out, GENERATED_AT)
    assert set(paths) == {
        "results.json",
        "verdicts.csv",
        "report.xlsx",
        "report.html",
        "notice.md",
        "notice.docx",
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(paths)
    assert all(p.stat().st_size > 0 for p in paths.values())


def test_results_dict_is_exported(result: AuditResult) -> None:
    assert results_dict(result, GENERATED_AT)["new_media"]["failed"] == 7


def test_out_path_under_a_file_raises_output_error_in_chinese(result: AuditResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="无法写入"):
        write_reports(result, blocker / "out", GENERATED_AT)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_raises_output_error(result: AuditResult, tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="没有写入权限"):
            write_reports(result, out, GENERATED_AT)
    finally:
        out.chmod(0o700)


def disk_full_at(monkeypatch: pytest.MonkeyPatch, prefix: str, *, partly_written: bool = False) -> None:
    """The disk fills up while the temporary file starting with ``prefix`` is written."""
    real = write_module._write_bytes

    def full_disk(data: bytes):  # noqa: ANN202
        produce = real(data)

        def failing(tmp: Path) -> None:
            if tmp.name.startswith(prefix):
                if partly_written:
                    tmp.write_bytes(data[:10])
                raise OSError(errno.ENOSPC, "No space left on device")
            produce(tmp)

        return failing

    monkeypatch.setattr(write_module, "_write_bytes", full_disk)


def test_disk_full_raises_output_error_and_keeps_the_old_file(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(result, tmp_path, GENERATED_AT)
    before = (tmp_path / "report.html").read_bytes()

    disk_full_at(monkeypatch, ".report.html", partly_written=True)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_reports(result, tmp_path, GENERATED_AT)
    assert (tmp_path / "report.html").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_xlsx_failure_becomes_output_error(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(write_module, "write_workbook", broken)
    with pytest.raises(OutputError, match="report.xlsx"):
        write_reports(result, tmp_path, GENERATED_AT)


def test_an_empty_sweep_still_writes_every_file(tmp_path: Path) -> None:
    from datetime import date

    empty = AuditResult(as_of=date(2022, 6, 20), verdicts=[])
    paths = write_reports(empty, tmp_path, GENERATED_AT)
    assert len(paths) == 6
    data = results_dict(empty, GENERATED_AT)
    assert data["new_media"]["rate"] is None and data["districts"] == []


@pytest.fixture
def xlsx_in_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_module, "PARALLEL_XLSX_FROM", 0)


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def test_workbook_written_by_a_child_process_is_the_same(result: AuditResult, tmp_path: Path) -> None:
    here = write_reports(result, tmp_path / "here", GENERATED_AT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(write_module, "PARALLEL_XLSX_FROM", 0)
        child = write_reports(result, tmp_path / "child", GENERATED_AT)
    assert _xlsx_parts(child["report.xlsx"]) == _xlsx_parts(here["report.xlsx"])
    for name in ("results.json", "verdicts.csv", "report.html", "notice.md"):
        assert child[name].read_bytes() == here[name].read_bytes(), name
    assert not [p for p in (tmp_path / "child").iterdir() if p.name.startswith(".")]


def test_the_child_imports_this_package_whatever_folder_it_runs_in(
    result: AuditResult, tmp_path: Path, xlsx_in_child: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newmedia_audit folder where the command runs (another checkout) is not imported."""
    decoy = tmp_path / "elsewhere" / "newmedia_audit"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise ImportError('the decoy package was imported')\n")
    monkeypatch.chdir(decoy.parent)
    written = write_reports(result, tmp_path / "out", GENERATED_AT)
    assert written["report.xlsx"].stat().st_size > 0


def test_error_in_the_child_becomes_output_error(
    result: AuditResult, tmp_path: Path, xlsx_in_child: None
) -> None:
    # The child's temporary file cannot be created: a directory holds its name.
    blocker = tmp_path / f".report.xlsx.{os.getpid()}.tmp"
    blocker.mkdir(parents=True)
    with pytest.raises(OutputError, match="report.xlsx"):
        write_reports(result, tmp_path, GENERATED_AT)
    assert not (tmp_path / "report.xlsx").exists()


def test_a_failure_beside_the_child_leaves_no_temporary_file(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xlsx_in_child: None
) -> None:
    disk_full_at(monkeypatch, ".notice.md")
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_reports(result, tmp_path, GENERATED_AT)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not (tmp_path / "report.xlsx").exists()


def test_a_child_that_dies_becomes_output_error(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xlsx_in_child: None
) -> None:
    from newmedia_audit.report import xlsx_process

    monkeypatch.setattr(xlsx_process, "_CHILD_CODE", "import sys; sys.exit(5)")
    with pytest.raises(OutputError, match="退出码 5"):
        write_reports(result, tmp_path, GENERATED_AT)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_no_child_process_to_be_had_writes_the_workbook_here(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xlsx_in_child: None
) -> None:
    def no_process(*_args: object) -> None:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(write_module, "ChildWorkbook", no_process)
    paths = write_reports(result, tmp_path, GENERATED_AT)
    assert paths["report.xlsx"].stat().st_size > 0

import csv
import json

import pytest

from newmedia_audit.errors import InputError
from newmedia_audit.models import Reason, VerdictCode
from newmedia_audit.rules import assess, read_previous
from newmedia_audit.rules.rectification import VERDICTS_COLUMNS
from newmedia_audit.settings import Settings

from .factories import D, account, days_before, filing, post, seen

JINDU = account("咸宁禁毒宣传", "xnjdxc")
FIXED = account("咸宁就业驿站", "xnjyyz")
NEW = account("咸宁交警", "xnjj")


def write_previous(directory, rows, as_of="2022-03-20", checked=200, failed=12):
    directory.mkdir(exist_ok=True)
    with (directory / "verdicts.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=VERDICTS_COLUMNS)
        writer.writeheader()
        for acc, verdict, reasons in rows:
            writer.writerow(
                {
                    "district": acc.district,
                    "unit": acc.unit,
                    "platform": acc.platform,
                    "name": acc.name,
                    "account_id": acc.account_id,
                    "status": "ok",
                    "verdict": verdict,
                    "primary_reason": reasons.split(";")[0],
                    "reasons": reasons,
                }
            )
    results = {"as_of": as_of, "new_media": {"checked": checked, "failed": failed}}
    (directory / "results.json").write_text(json.dumps(results), encoding="utf-8")
    return directory


def test_reads_previous_dir(tmp_path):
    previous = read_previous(write_previous(tmp_path / "prev", [(JINDU, "fail", "not_updated;unregistered")]))
    assert previous.label == "2022年3月份"
    assert (previous.checked, previous.failed) == (200, 12)
    assert previous.rows[JINDU.key].reasons == ["not_updated", "unregistered"]


def test_failing_again_for_the_same_reason_is_unrectified_and_fixed_are_listed(tmp_path):
    previous = read_previous(
        write_previous(
            tmp_path / "prev",
            [
                (JINDU, "fail", "not_updated"),
                (FIXED, "fail", "not_updated"),
                (NEW, "pass", ""),
            ],
        )
    )
    ledger = [JINDU, FIXED, NEW]
    observations = {
        JINDU.key: seen(JINDU, post(days_before(2352))),
        FIXED.key: seen(FIXED, post(days_before(1))),
        NEW.key: seen(NEW, post(days_before(1))),
    }
    filings = [filing(FIXED), filing(NEW)]
    result = assess(ledger, observations, filings, Settings(), D, previous=previous)
    by_name = {v.account.name: v for v in result.verdicts}
    assert by_name["咸宁禁毒宣传"].unrectified
    assert by_name["咸宁禁毒宣传"].reasons == [Reason.not_updated, Reason.unregistered]
    assert not by_name["咸宁交警"].unrectified
    rect = result.rectification
    assert rect.previous_label == "2022年3月份"
    assert [v.account.name for v in rect.unrectified] == ["咸宁禁毒宣传"]
    assert [a.name for a in rect.fixed] == ["咸宁就业驿站"]


def test_failing_again_for_another_reason_is_not_unrectified(tmp_path):
    previous = read_previous(write_previous(tmp_path / "prev", [(JINDU, "fail", "serious_error")]))
    result = assess(
        [JINDU],
        {JINDU.key: seen(JINDU, post(days_before(40)))},
        [filing(JINDU)],
        Settings(),
        D,
        previous=previous,
    )
    assert result.verdicts[0].verdict is VerdictCode.failed
    assert not result.verdicts[0].unrectified


def test_missing_results_json_counts_from_the_csv(tmp_path):
    directory = write_previous(tmp_path / "prev", [(JINDU, "fail", "not_updated"), (NEW, "pass", "")])
    (directory / "results.json").unlink()
    previous = read_previous(directory)
    assert (previous.checked, previous.failed, previous.label) == (2, 1, "")


def test_missing_verdicts_csv_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_previous(tmp_path)
    assert caught.value.file.endswith("verdicts.csv")


def test_missing_previous_dir_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_previous(tmp_path / "nowhere")
    assert "上期输出目录不存在" in str(caught.value)

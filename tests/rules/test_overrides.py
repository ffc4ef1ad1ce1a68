import pytest

from newmedia_audit.errors import InputError, InputErrors
from newmedia_audit.models import LexiconHit, Reason, VerdictCode
from newmedia_audit.rules.overrides import apply_overrides, read_overrides

from .factories import account

HEADER = "platform,account_id,verdict,reason,note\n"


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "overrides.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_codes_chinese_labels_and_platform_labels(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "wechat,xnfb,pass,serious_error,误报\n"
        + "微博,123,不合格,湖北省未备案,\n"
        + "快手,咸宁发布,合格,,人工核实\n",
        encoding="utf-8-sig",
    )
    rows = read_overrides(path)
    assert [(r.platform, r.account_id, r.verdict, r.reason) for r in rows] == [
        ("wechat", "xnfb", VerdictCode.passed, Reason.serious_error),
        ("weibo", "123", VerdictCode.failed, Reason.unregistered),
        ("other:快手", "咸宁发布", VerdictCode.passed, None),
    ]
    assert rows[0].note == "误报" and rows[0].row == 2


def test_chinese_headers_and_gb18030(tmp_path):
    path = write(tmp_path, "平台,账号ID,结论,原因,备注\n微信,xnfb,不合格,严重表述错误,确认\n", "gb18030")
    [row] = read_overrides(path)
    assert row.reason is Reason.serious_error


def test_bad_row_names_file_row_column_and_value(tmp_path):
    path = write(tmp_path, HEADER + "wechat,xnfb,maybe,,\n")
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (str(path), 2, "verdict", "maybe")


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write(tmp_path, HEADER + "wechat,a,fail,,\nwechat,b,pass,nonsense,\n,c,pass,,\n")
    with pytest.raises(InputErrors) as caught:
        read_overrides(path)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "reason"),
        (3, "reason"),
        (4, "platform"),
    ]


def test_missing_column_lists_the_columns_found(tmp_path):
    path = write(tmp_path, "platform,verdict\nwechat,pass\n")
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    assert "account_id" in str(caught.value) and "platform" in str(caught.value)


HIT = LexiconHit(rule="国名错写", word="共合国", sentence="共合国。", post_id="1")


def test_pass_with_serious_error_dismisses_hits_and_keeps_other_reasons(tmp_path):
    path = write(tmp_path, HEADER + "wechat,xnfb,pass,serious_error,误报\n")
    outcome = apply_overrides(
        account(), [Reason.serious_error, Reason.unregistered], [HIT], read_overrides(path)
    )
    assert outcome.reasons == [Reason.unregistered]
    assert [h.dismissed for h in outcome.hits] == [True]
    assert outcome.note == "误报"


def test_rows_of_other_accounts_do_not_apply(tmp_path):
    path = write(tmp_path, HEADER + "wechat,other,pass,,\nweibo,xnfb,pass,,\n")
    outcome = apply_overrides(account(), [Reason.serious_error], [HIT], read_overrides(path))
    assert outcome.reasons == [Reason.serious_error] and not outcome.decided

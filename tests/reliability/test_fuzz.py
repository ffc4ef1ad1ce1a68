"""Hypothesis against the readers the input tests do not fuzz yet: no input makes them
raise anything but the tool's own errors (errors.NewmediaAuditError subclasses).

Already fuzzed elsewhere: ledger/registry/websites from random CSV and xlsx bytes and
random cells (tests/inputs/test_robustness.py), timeparse from any string
(tests/test_timeparse.py). Here: timeparse from numbers and other values, xlsx
packages with random parts, the overrides CSV, the previous sweep directory, the
lexicon files, the settings TOML and HAR files.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newmedia_audit.collect.replay import document_entries, load_entries
from newmedia_audit.errors import NewmediaAuditError
from newmedia_audit.inputs import read_ledger, read_registry, read_websites
from newmedia_audit.rules.lexicon import load_lexicon
from newmedia_audit.rules.overrides import read_overrides
from newmedia_audit.rules.rectification import read_previous
from newmedia_audit.settings import load_settings
from newmedia_audit.timeparse import TimeParseError, parse_time

ANCHOR = datetime(2022, 6, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def own_errors_only(call, *args: object) -> None:  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except NewmediaAuditError:
        pass


def in_file(name: str, data: bytes, call) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        own_errors_only(call, path)


@FUZZ
@given(
    st.one_of(
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.binary(max_size=10),
        st.lists(st.integers(), max_size=2),
        st.integers(-(10**20), 10**20).map(str),
        st.floats(allow_nan=True).map(str),
    )
)
def test_timeparse_of_any_value_raises_only_time_parse_error(value: object) -> None:
    try:
        result = parse_time(value, ANCHOR)  # type: ignore[arg-type]
    except TimeParseError:
        return
    assert result.utcoffset() == timedelta(hours=8)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/_rels/workbook.xml.rels",
                "_rels/.rels",
            ]
        ),
        st.binary(max_size=200),
        max_size=6,
    )
)
def test_xlsx_packages_with_random_parts_raise_only_input_errors(parts: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    for reader in (read_ledger, read_registry, read_websites):
        in_file("book.xlsx", buffer.getvalue(), reader)


override_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["微博", "wechat", "抖音", "pass", "不合格", "合格", "unregistered", "账号无法访问", "", "快手"]
    ),
)


@FUZZ
@given(st.binary(max_size=300))
def test_overrides_from_random_bytes_raise_only_input_errors(data: bytes) -> None:
    in_file("overrides.csv", data, read_overrides)


@FUZZ
@given(st.lists(st.lists(override_cells, max_size=6), max_size=5))
def test_overrides_with_random_cells_raise_only_input_errors(rows: list[list[str]]) -> None:
    lines = ["platform,account_id,verdict,reason,note", *(",".join(r) for r in rows)]
    in_file("overrides.csv", "\n".join(lines).encode("utf-8"), read_overrides)


@FUZZ
@given(st.binary(max_size=300), st.one_of(st.none(), st.binary(max_size=100), json_values.map(json.dumps)))
def test_a_previous_sweep_dir_with_random_files_raises_only_input_errors(
    verdicts: bytes, results: bytes | str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "verdicts.csv").write_bytes(verdicts)
        if results is not None:
            data = results.encode("utf-8") if isinstance(results, str) else results
            (folder / "results.json").write_bytes(data)
        own_errors_only(read_previous, folder)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["lexicon.toml", "lexicon.csv"]))
def test_lexicon_files_with_random_bytes_raise_only_input_errors(data: bytes, name: str) -> None:
    in_file(name, data, lambda path: load_lexicon([path]))


@FUZZ
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=4))
def test_lexicon_toml_with_random_structure_raises_only_input_errors(doc: dict) -> None:
    lines = [
        f"{json.dumps(k)} = {json.dumps(v)}" for k, v in doc.items() if not isinstance(v, (dict, type(None)))
    ]
    in_file("lexicon.toml", "\n".join(lines).encode("utf-8"), lambda path: load_lexicon([path]))


settings_keys = st.sampled_from(
    [
        "province",
        "window_days",
        "zombie_days",
        "website_pass_line",
        "precedence",
        "retries",
        "retry_wait",
        "weibo",
        "browser",
        "frequency_days",
        "lexicon_files",
        "interaction_rule",
        "unknown",
    ]
)


@FUZZ
@given(st.binary(max_size=200))
def test_settings_toml_from_random_bytes_raises_only_config_errors(data: bytes) -> None:
    in_file("rules.toml", data, load_settings)


@FUZZ
@given(st.dictionaries(settings_keys, json_values, max_size=4))
def test_settings_toml_with_random_values_raises_only_config_errors(doc: dict) -> None:
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(
                f"{key} = {{ {', '.join(f'{json.dumps(k)} = {json.dumps(v)}' for k, v in value.items() if v is not None and not isinstance(v, (dict, list)))} }}"
            )
        elif value is not None:
            lines.append(f"{key} = {json.dumps(value)}")
    in_file("rules.toml", "\n".join(lines).encode("utf-8"), load_settings)


@FUZZ
@given(st.binary(max_size=300))
def test_har_files_of_random_bytes_raise_only_replay_errors(data: bytes) -> None:
    in_file("corpus.har", data, load_entries)


entry_like = st.fixed_dictionaries(
    {},
    optional={
        "startedDateTime": st.one_of(st.text(max_size=30), st.just("2022-06-20T09:00:00+08:00"), json_values),
        "request": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "method": json_values,
                    "url": st.one_of(json_values, st.just("https://m.weibo.cn/u/1")),
                },
            ),
        ),
        "response": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "status": json_values,
                    "headers": json_values,
                    "content": st.one_of(
                        json_values,
                        st.fixed_dictionaries(
                            {}, optional={"text": json_values, "encoding": st.sampled_from(["base64", "x"])}
                        ),
                    ),
                    "redirectURL": json_values,
                },
            ),
        ),
    },
)


@FUZZ
@given(st.one_of(json_values, st.lists(entry_like, max_size=4).map(lambda e: {"log": {"entries": e}})))
def test_har_documents_of_any_shape_raise_only_replay_errors(document: object) -> None:
    own_errors_only(document_entries, document, "fuzz.har")


@FUZZ
@given(st.lists(st.lists(override_cells, max_size=16), max_size=5))
def test_previous_verdicts_with_random_cells_raise_only_input_errors(rows: list[list[str]]) -> None:
    from newmedia_audit.models import VERDICTS_CSV_COLUMNS

    lines = [",".join(VERDICTS_CSV_COLUMNS), *(",".join(r) for r in rows)]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "verdicts.csv").write_text("\n".join(lines), "utf-8")
        own_errors_only(read_previous, Path(tmp))

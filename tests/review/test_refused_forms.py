"""A refused decision form keeps what the officer typed (through the real server).

A 400 redraws that form with the chosen value, reason, officer and note, and
the error beside it; a 409 (stale page) keeps the officer and the note but
shows the newer decision and carries the new base.
"""

from __future__ import annotations

import httpx

from newmedia_audit.store import Store

from .forms import form_fields, hidden_fields
from .sweep import BLOCKED, HIT_GOV, Sweep

HOSTILE = "电话核实</textarea><script>window.__pwned=3</script>\"'&amp;"


def decisions(sweep: Sweep) -> list[tuple[str, str, str, str]]:
    store = Store(sweep.out / "state.sqlite")
    try:
        return [(d.subject, d.value, d.reason, d.note) for d in store.decisions()]
    finally:
        store.close()


def open_form(client: httpx.Client, site: str, key: str, form_id: str = "decide-verdict") -> dict[str, str]:
    page = client.get(f"{site}/account", params={"key": key}).text
    return form_fields(page, form_id)[0]


def test_a_refused_form_keeps_what_was_typed_escaped_and_shows_the_error_beside_it(
    sweep: Sweep, site: str
) -> None:
    with httpx.Client() as client:
        typed = open_form(client, site, BLOCKED.key) | {
            "value": "fail",
            "reason": "",
            "officer": "张三",
            "note": HOSTILE,
        }
        refused = client.post(f"{site}/decide", data=typed)
        assert refused.status_code == 400
        fields, controls, text = form_fields(refused.text, "decide-verdict")
        assert fields == typed  # everything typed, the hidden fields as they were
        assert "结论为不合格时请选择原因" in text  # beside the form
        assert controls["reason"]["aria-invalid"] == "true" and "autofocus" in controls["reason"]
        assert "aria-invalid" not in controls["note"]
        assert "<script>window.__pwned=3" not in refused.text
        assert "&lt;/textarea&gt;&lt;script&gt;" in refused.text
        assert 'id="error-summary"' in refused.text and 'href="#decide-verdict"' in refused.text
        assert refused.text.count('class="error"') == 2  # the summary on top, the error beside the form
        assert decisions(sweep) == []

        # Completed, the same form is saved, the note as typed.
        saved = client.post(f"{site}/decide", data=fields | {"reason": "unreachable"})
        assert saved.status_code == 303
    assert decisions(sweep) == [("verdict", "fail", "unreachable", HOSTILE)]


def test_without_an_officer_the_choices_and_the_note_stay(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        typed = open_form(client, site, BLOCKED.key) | {
            "value": "fail",
            "reason": "unreachable",
            "officer": " ",
            "note": "第一行\r\n第二行",
        }
        refused = client.post(f"{site}/decide", data=typed)
    assert refused.status_code == 400
    fields, controls, text = form_fields(refused.text, "decide-verdict")
    assert "请填写审核人" in text
    assert fields["value"] == "fail" and fields["reason"] == "unreachable"
    assert fields["officer"] == " " and fields["note"].replace("\r\n", "\n") == "第一行\n第二行"
    assert controls["officer"]["aria-invalid"] == "true"


def test_only_the_refused_form_keeps_its_text(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        typed = open_form(client, site, HIT_GOV.key, "decide-wording") | {
            "value": "dismiss",
            "officer": "",
            "note": "非本单位表述",
        }
        refused = client.post(f"{site}/decide", data=typed)
    assert refused.status_code == 400
    wording, controls, text = form_fields(refused.text, "decide-wording")
    assert wording["note"] == "非本单位表述" and "请填写审核人" in text
    assert controls["officer"]["aria-invalid"] == "true"
    verdict, _, verdict_text = form_fields(refused.text, "decide-verdict")
    assert verdict["note"] == "" and "请填写审核人" not in verdict_text
    assert verdict["value"] == "review"  # the store's state, not the other form's value


def test_a_form_refused_for_an_unknown_subject_shows_the_error_on_top(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        typed = open_form(client, site, BLOCKED.key) | {"subject": "<b>x</b>", "officer": "张三", "note": "n"}
        refused = client.post(f"{site}/decide", data=typed)
    assert refused.status_code == 400
    assert 'id="error">未知的复核事项：&lt;b&gt;x&lt;/b&gt;</p>' in refused.text
    assert "error-summary" not in refused.text
    assert form_fields(refused.text, "decide-verdict")[0]["note"] == ""


def test_a_refused_form_keeps_the_base_its_page_was_drawn_with(sweep: Sweep, site: str) -> None:
    """Completing a refused form does not slip over a decision made in between: still 409."""
    with httpx.Client() as first, httpx.Client() as second:
        stale = open_form(second, site, BLOCKED.key)
        assert (
            first.post(
                f"{site}/decide",
                data=open_form(first, site, BLOCKED.key) | {"value": "pass", "officer": "张三"},
            ).status_code
            == 303
        )
        refused = second.post(
            f"{site}/decide", data=stale | {"value": "fail", "officer": "李四", "note": "n"}
        )
        assert refused.status_code == 400
        fields = form_fields(refused.text, "decide-verdict")[0]
        assert fields["base"] == stale["base"] == "0"
        assert second.post(f"{site}/decide", data=fields | {"reason": "unreachable"}).status_code == 409
    assert decisions(sweep) == [("verdict", "pass", "", "")]


def test_a_stale_form_keeps_the_note_but_shows_the_newer_decision(sweep: Sweep, site: str) -> None:
    with httpx.Client() as first, httpx.Client() as second:
        stale = open_form(second, site, BLOCKED.key)
        ok = first.post(
            f"{site}/decide", data=open_form(first, site, BLOCKED.key) | {"value": "pass", "officer": "张三"}
        )
        assert ok.status_code == 303
        typed = {"value": "fail", "reason": "unreachable", "officer": "李四", "note": "两次拨打电话无人接听"}
        refused = second.post(f"{site}/decide", data=stale | typed)
        assert refused.status_code == 409
        fields, controls, text = form_fields(refused.text, "decide-verdict")
        assert "已由 张三" in text
        assert fields["officer"] == "李四" and fields["note"] == "两次拨打电话无人接听"
        assert fields["value"] == "pass" and fields["reason"] == ""  # the newer decision, not the typed one
        assert fields["base"] != stale["base"]
        assert fields["base"] == hidden_fields(refused.text, "decide-verdict")["base"] == "1"
        assert not any("autofocus" in c for c in controls.values())

        # Having read it, the officer decides again on purpose.
        again = second.post(f"{site}/decide", data=fields | {"value": "fail", "reason": "unreachable"})
        assert again.status_code == 303
    assert decisions(sweep) == [
        ("verdict", "pass", "", ""),
        ("verdict", "fail", "unreachable", "两次拨打电话无人接听"),
    ]

"""The review page's POST handlers (decisions, 重新生成报告) and the evidence download.

Every POST is checked for the page's CSRF token before anything else (403).
A decision is one transaction in the store; the form carries the id of the
account's newest decision when the page was drawn, so a decision made on a
stale page (someone decided the account in between) is refused (409) and
the page redrawn with the message.

A refused decision (400 or 409) redraws the page with what the officer typed
into that form (a Draft), so nothing they wrote is lost; see Draft for what
each refusal keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import NewmediaAuditError
from ..models import Verdict
from ..rules.overrides import hit_ref
from ..store import Decision, StaleDecision
from .decisions import (
    VERDICT,
    DecisionError,
    hit_states,
    in_force,
    make_decision,
    record,
    subject_hit,
    write_overrides,
)
from .evidence import evidence_response, resolve_evidence
from .present import decision_text, hit_name, hit_state, hits_summary, reasons_text, verdict_label
from .regenerate import regenerate_reports
from .security import MAX_FORM_BYTES, csrf_ok, parse_form
from .state import REPORTED_KEY

if TYPE_CHECKING:
    from .app import Pages

FORM_TYPE = "application/x-www-form-urlencoded"


class FormRefused(Exception):
    """A POST that is not one of the page's forms: no token, wrong type, too large."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


async def read_form(request: Request, token: str) -> dict[str, str]:
    """The form of a POST, after its CSRF token was checked.

    Raises:
        FormRefused: 413 for a body over the limit, 403 without the page's token.
    """
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormRefused(413, "提交的内容过大。")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    form = parse_form(body) if media == FORM_TYPE else {}
    if not csrf_ok(form, token):
        raise FormRefused(403, "请求缺少有效的页面令牌（CSRF），已拒绝。请刷新页面后重新提交。")
    return form


@dataclass(frozen=True)
class Draft:
    """What an officer typed into one decision form that was refused, to draw it again.

    Untrusted: the page only re-displays these values (autoescaped) or compares
    them with the form's own option codes. After a 400 the form keeps everything
    and the base the officer's page was drawn with, so re-submitting it over a
    decision made meanwhile is still refused as stale. After a 409 it keeps the
    officer and the note only: the choices show the newer decision and the form
    carries the new base, so the officer decides again on purpose.
    """

    subject: str
    officer: str
    note: str
    value: str = ""
    reason: str = ""
    keep_choice: bool = False
    base: int | None = None
    field: str = ""  # the field at fault (DecisionError.field)
    error: str = ""


def describe_before(
    subject: str,
    verdict: Verdict | None,
    current: Decision | None,
    province: str,
    states: Sequence[str] = (),
) -> str:
    """What the account was, for the decision history: the verdict, or the hits' state.

    ``states`` are the states of the verdict's hits (decisions.hit_states), in its order.
    """
    hits = verdict.hits if verdict else []
    ref = subject_hit(subject)
    if subject == VERDICT:
        if verdict is None:
            text = "尚未判定"
        else:
            text = verdict_label(verdict.verdict)
            if verdict.reasons:
                text += "：" + reasons_text([r.value for r in verdict.reasons], province)
    elif ref is not None:
        state = next((s for h, s in zip(hits, states, strict=False) if hit_ref(h) == ref), "pending")
        text = f"线索{hit_name(ref)}：{hit_state(state)}"
    else:
        text = f"线索 {len(hits)} 条，" + hits_summary(states)
    if current is not None:
        text += f"（人工：{decision_text(current, province)}）"
    return text


class Actions:
    """POST /decide, POST /regenerate and GET /evidence/{path}."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.review = pages.review

    def refused(self, exc: FormRefused) -> Response:
        return self.pages.message(exc.status, "无法提交", str(exc))

    async def decide(self, request: Request) -> Response:
        review = self.review
        try:
            form = await read_form(request, review.csrf)
        except FormRefused as exc:
            return self.refused(exc)
        key = form.get("key", "")
        account = review.store.account(key) if key else None
        if account is None:
            return self.pages.message(404, "没有这个账号", "该账号不在本次抽查的台账中。")
        try:
            base = int(form.get("base", ""))
        except ValueError:
            return self.pages.account_page(request, key, status=400, error="表单不完整，请刷新页面后重试。")
        subject = form.get("subject", "")
        forced = in_force(review.store.decisions(key))
        current = forced.get(subject)
        verdict = review.store.verdict(key)
        hits = verdict.hits if verdict else []
        states = [s for s, _ in hit_states(account, hits, forced.values(), review.base)]
        try:
            decision = make_decision(
                account,
                subject,
                form.get("value", ""),
                officer=form.get("officer", ""),
                reason=form.get("reason", ""),
                note=form.get("note", ""),
                before=describe_before(subject, verdict, current, review.province, states),
                hits=hits,
            )
            saved = record(review.store, review.out_dir, decision, expected_last=base, base=review.base)
        except DecisionError as exc:
            draft = Draft(
                subject,
                officer=form.get("officer", ""),
                note=form.get("note", ""),
                value=form.get("value", ""),
                reason=form.get("reason", ""),
                keep_choice=True,
                base=base,
                field=exc.field,
                error=str(exc),
            )
            return self.pages.account_page(request, key, status=400, draft=draft)
        except StaleDecision as exc:
            draft = Draft(subject, officer=form.get("officer", ""), note=form.get("note", ""), error=str(exc))
            return self.pages.account_page(request, key, status=409, draft=draft)
        response = RedirectResponse(f"/account?key={quote(key, safe='')}&saved={saved.id}", status_code=303)
        response.set_cookie("officer", quote(saved.officer), httponly=True, samesite="strict")
        return response

    async def regenerate(self, request: Request) -> Response:
        """Write the overrides file, rerun the report job in a thread, show the new figures."""
        review = self.review
        try:
            await read_form(request, review.csrf)
        except FormRefused as exc:
            return self.refused(exc)
        if review.regenerating:
            return self.pages.message(
                409, "正在重新生成报告", "另一位审核人刚刚开始重新生成报告，请稍候刷新。"
            )
        review.regenerating = True
        try:
            # Taken together on the event loop: no decision can slip in between.
            through = review.newest_decision_id()
            write_overrides(review.out_dir, review.store.latest_decisions(), review.base)
            await run_in_threadpool(regenerate_reports, review.out_dir, review.options.config)
            review.store.set_meta(REPORTED_KEY, str(through))
        except NewmediaAuditError as exc:
            return self.pages.message(500, "重新生成报告失败", str(exc))
        finally:
            review.regenerating = False
            review.forget()
        review.refresh()
        review.warm()
        return RedirectResponse("/?regenerated=1", status_code=303)

    async def evidence(self, request: Request) -> Response:
        target = resolve_evidence(self.review.out_dir, request.path_params["path"])
        if target is None:
            return self.pages.message(404, "没有这个证据文件", "只能查看本次抽查 evidence 目录中的文件。")
        return evidence_response(target)

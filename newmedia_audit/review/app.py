"""The review page's ASGI app (Starlette): routes and server-rendered Jinja2 pages.

Pages: ``/`` (the current figures, 重新生成报告), ``/list/{review,fail,hits}``
(filters, search, server-side paging) and ``/account?key=...`` (everything
about one account and its decision forms). Everything is served by the app
itself (no CDN, no build step); the one inline script and style are allowed
by hash in the Content-Security-Policy.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..models import Account, LexiconHit, Reason, is_supported
from ..rules.overrides import hit_ref
from ..store import Decision
from . import present
from .actions import Actions
from .decisions import VERDICT, WORDING, hit_states, hit_subject
from .lists import LISTS, Filters, index_row, list_page
from .security import MAX_FORM_BYTES, Guard, content_security_policy
from .state import Review, ReviewOptions

if TYPE_CHECKING:
    from .actions import Draft

MAX_POSTS = 50


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


CSS = _asset("review.css")
SCRIPT = _asset("review.js")


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0") + "%"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newmedia_audit.review", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for name in present.__all__:
        env.filters[name] = getattr(present, name)
    env.globals.update(rate=_rate, lists=LISTS, css=Markup(CSS), script=Markup(SCRIPT))
    return env


ENV = _environment()


def _reason_option(province: str) -> Any:
    def label(list_name: str, value: str) -> str:
        if list_name == "fail":
            return present.reasons_text([value], province)
        if list_name == "review":
            return present.status_label(value)
        return value

    return label


def officer_of(request: Request) -> str:
    """The officer name remembered from the last decision made in this browser."""
    return unquote(request.cookies.get("officer", ""))[:40]


@dataclass(frozen=True)
class FormView:
    """What one decision form of the account page shows: the store's state, or a refused Draft."""

    value: str
    reason: str
    officer: str
    note: str
    base: int
    error: str = ""
    invalid: str = ""  # the field at fault: marked aria-invalid and focused
    form_id: str = ""  # the form's element id (the error summary links to it)


def form_view(fresh: FormView, draft: Draft | None, subject: str) -> FormView:
    """``fresh``, or what the officer typed when ``draft`` is this form's refusal."""
    if draft is None or draft.subject != subject:
        return fresh
    return FormView(
        value=draft.value if draft.keep_choice else fresh.value,
        reason=draft.reason if draft.keep_choice else fresh.reason,
        officer=draft.officer,
        note=draft.note,
        base=fresh.base if draft.base is None else draft.base,
        error=draft.error,
        invalid=draft.field,
        form_id=fresh.form_id,
    )


@dataclass(frozen=True)
class HitView:
    """One wording hit on the account page: the hit, its state, the decision behind it, its form."""

    hit: LexiconHit
    ref: str
    subject: str
    state: str  # confirm | dismiss | pending
    decision: Decision | None
    form: FormView


class Pages:
    """The GET handlers; each reads through the shared Review state on the event loop."""

    def __init__(self, review: Review) -> None:
        self.review = review

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        review = self.review
        base = {
            "counts": review.counts(),
            "pending": review.pending(),
            "reported_through": review.reported_through(),
            "csrf": review.csrf,
            "province": review.province,
            "as_of": review.as_of,
            "tab": "",
            "message": "",
            "error": "",
            "reason_option": _reason_option(review.province),
        }
        html = ENV.get_template(template).render(**(base | context))
        return HTMLResponse(html, status_code=status_code)

    def message(self, status: int, title: str, error: str, back: str = "/") -> HTMLResponse:
        return self.render("message.html", status_code=status, title=title, error=error, back=back)

    async def home(self, request: Request) -> Response:
        self.review.refresh()
        message = "报告已重新生成。" if request.query_params.get("regenerated") else ""
        return self.render(
            "home.html", title="概览", tab="home", figures=self.review.figures(), message=message
        )

    async def list_view(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in LISTS:
            return self.message(404, "没有这个列表", "请从上方选择 待复核、不合格 或 表述错误线索。")
        self.review.refresh()
        filters = Filters.from_query(request.query_params)
        page = list_page(self.review.store.db, name, filters, self.review.options.page_size)
        page.districts, page.platforms, page.reasons = self.review.facets(name)
        decided = self.review.in_force_for(list({row["key"] for row in page.rows}))
        states = self.hit_row_states(page.rows, decided) if name == "hits" else {}
        return self.render(
            "list.html", title=page.spec.title, tab=name, page=page, decided=decided, hit_states=states
        )

    def hit_row_states(
        self, rows: list[dict[str, Any]], decided: dict[str, list[Decision]]
    ) -> dict[int, tuple[str, Decision | None]]:
        """Each listed hit's own state and the decision behind it, by the row's seq."""
        out: dict[int, tuple[str, Decision | None]] = {}
        accounts: dict[str, Account | None] = {}
        for row in rows:
            key = row["key"]
            if key not in accounts:
                accounts[key] = self.review.store.account(key)
            account = accounts[key]
            if account is None:
                continue
            hit = LexiconHit(
                rule=row["rule"],
                word=row["word"],
                sentence=row["sentence"],
                post_id=row["post_id"],
                link=row["link"],
            )
            [state] = hit_states(account, [hit], decided.get(key, []), self.review.base)
            out[row["seq"]] = state
        return out

    async def account_view(self, request: Request) -> Response:
        key = request.query_params.get("key", "")
        return self.account_page(request, key)

    def account_page(
        self, request: Request, key: str, *, status: int = 200, error: str = "", draft: Draft | None = None
    ) -> Response:
        """The account's page (also re-drawn with an error after a refused decision).

        With ``draft`` (a refused decision form) that form shows what the officer
        typed and the error beside it; the other form shows the store's state.
        """
        review = self.review
        review.refresh()
        store = review.store
        account = store.account(key) if key else None
        if account is None:
            return self.message(404, "没有这个账号", "该账号不在本次抽查的台账中。")
        observation = store.observation(key)
        verdict = store.verdict(key)
        decisions = store.decisions(key)
        current = {d.subject: d for d in decisions}
        verdict_decision = current.get("verdict")
        evidence = observation.evidence if observation else []
        files = [p for p in evidence if not any(q.startswith(p + "/") for q in evidence)]
        links = [(p.rsplit("/", 1)[-1], url) for p in files if (url := present.evidence_url(p))]
        screenshots = [url for name, url in links if name.lower().endswith((".jpg", ".jpeg", ".png"))]
        posts = sorted(
            observation.posts if observation else [],
            key=lambda p: p.published_at.timestamp() if p.published_at else 0,
            reverse=True,
        )[:MAX_POSTS]
        saved = request.query_params.get("saved", "")
        base = decisions[-1].id if decisions else 0
        officer = officer_of(request)
        hits = verdict.hits if verdict else []
        states = hit_states(account, hits, current.values(), review.base)
        refs = [hit_ref(h) for h in hits]
        shown = {VERDICT, WORDING, *(hit_subject(r) for r in refs)} if hits else {VERDICT}
        beside = draft if draft is not None and draft.subject in shown else None
        if draft is not None and beside is None:
            error = draft.error  # no such form on the page: the error goes on top
        hit_views = [
            HitView(
                hit=hit,
                ref=ref,
                subject=hit_subject(ref),
                state=state,
                decision=decision,
                form=form_view(
                    FormView("", "", officer, "", base, form_id=f"decide-hit-{n}"), beside, hit_subject(ref)
                ),
            )
            for n, (hit, ref, (state, decision)) in enumerate(zip(hits, refs, states, strict=True))
        ]
        forms = {
            VERDICT: form_view(
                FormView(
                    value=verdict_decision.value if verdict_decision else "review",
                    reason=verdict_decision.reason if verdict_decision else "",
                    officer=officer,
                    note="",
                    base=base,
                    form_id="decide-verdict",
                ),
                beside,
                VERDICT,
            ),
            WORDING: form_view(
                FormView("", "", officer, "", base, form_id="decide-wording"), beside, WORDING
            ),
        }
        # Every refused form on the page, for the summary on top (a hit's form once).
        refused = [f for f in [*forms.values(), *(v.form for v in hit_views)] if f.error]
        return self.render(
            "account.html",
            status_code=status,
            title=account.name,
            tab="",
            account=account,
            observation=observation,
            verdict=verdict,
            supported=is_supported(account.platform),
            row=index_row(store.db, key),
            decisions=decisions,
            forms=forms,
            refused=refused[:1],
            hit_views=hit_views,
            wording_state=present.hits_summary(v.state for v in hit_views),
            reason_codes=[r.value for r in Reason],
            files=links,
            screenshots=screenshots,
            posts=posts,
            message=f"已保存（第 {saved} 号复核结论）。" if saved.isdigit() else "",
            error=error,
        )


def create_app(options: ReviewOptions, review: Review | None = None) -> Starlette:
    """The review page over ``options.out_dir``.

    Raises:
        InputError: the directory has no finished sweep (no store or no verdicts).
    """
    review = review or Review(options)
    pages = Pages(review)
    actions = Actions(pages)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        review.close()

    app = Starlette(
        routes=[
            Route("/", pages.home),
            Route("/list/{name}", pages.list_view),
            Route("/account", pages.account_view),
            Route("/decide", actions.decide, methods=["POST"]),
            Route("/regenerate", actions.regenerate, methods=["POST"]),
            Route("/evidence/{path:path}", actions.evidence),
        ],
        middleware=[Middleware(Guard, password=options.password, csp=content_security_policy(CSS, SCRIPT))],
        lifespan=lifespan,
        max_body_size=MAX_FORM_BYTES,
    )
    app.state.review = review
    return app

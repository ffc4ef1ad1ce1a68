// The 原因 select is required only when 结论 is 不合格 (the server checks it too).
for (const form of document.querySelectorAll("form.decide[data-verdict]")) {
  const verdict = form.querySelector("select[name=value]");
  const reason = form.querySelector("select[name=reason]");
  if (!verdict || !reason) continue;
  const sync = () => {
    const failing = verdict.value === "fail";
    reason.required = failing;
    reason.disabled = !failing;
  };
  verdict.addEventListener("change", sync);
  sync();
}

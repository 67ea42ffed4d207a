// Knowledge-base admin screen: plain JS over the /v1/kb API (the staff_token cookie carries the session).
"use strict";

const $ = (sel) => document.querySelector(sel);
const KIND = { faq: "问答", doc: "文章" };
const CATEGORY = { product: "产品", fee: "费用", rate: "利率", howto: "办理指南", education: "金融知识", policy: "政策规定" };
const STATUS = { published: "已发布", draft: "草稿", published_with_draft: "已发布 · 有草稿" };
const ERRORS = {
  unsupported_format: "不支持的文件类型", unreadable_file: "文件无法解析", no_text: "文件中没有可提取的文字",
  empty_faq: "问答表中没有任何问答", empty_file: "文件是空的", invalid_content: "文件内容有误",
  payload_too_large: "文件超过 10 MB", conflict: "编号冲突", not_found: "找不到该文档", no_draft: "没有待发布的草稿",
  own_draft: "双人复核：不能发布自己写的草稿，请另一位编辑发布",
  own_version: "双人复核：不能独自回滚到自己写的版本，请另一位编辑操作", invalid_dates: "到期时间必须晚于生效时间",
  forbidden: "没有权限（需要编辑或管理员账号）", unauthorized: "请先登录", invalid_request: "填写的内容不完整或格式不对",
};

async function api(method, path, body) {
  const init = { method, headers: {}, credentials: "same-origin" };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
  const r = await fetch(path, init);
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const err = (data && data.error) || { code: "http_error", message: r.statusText };
    if (r.status === 401 && path !== "/v1/auth/login") showLogin();
    throw Object.assign(new Error(err.message), { code: err.code });
  }
  return data;
}

function explain(err) {
  const label = ERRORS[err.code];
  return label ? `${label}：${err.message}` : err.message;
}

function toast(text) {
  const t = $("#toast");
  t.textContent = text; t.classList.add("show");
  clearTimeout(toast.timer); toast.timer = setTimeout(() => t.classList.remove("show"), 2500);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
}

// The API's times are UTC; one without an offset (SQLite keeps none) is read as UTC, not local time.
const utc = (iso) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
const when = (iso) => utc(iso).toLocaleString("zh-CN", { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
const day = (iso) => utc(iso).toLocaleDateString("zh-CN", { year: "numeric", month: "2-digit", day: "2-digit" });

// Where a document stands in its validity window: shown in the list and the editor.
function validity(d) {
  const now = Date.now();
  if (d.expires_on && utc(d.expires_on).getTime() <= now) return { text: `已过期（${day(d.expires_on)}）`, cls: "expired" };
  if (d.effective_from && utc(d.effective_from).getTime() > now) return { text: `${day(d.effective_from)} 生效`, cls: "pending" };
  if (d.expires_on) {
    const soon = utc(d.expires_on).getTime() - now < 14 * 86400000;
    return { text: `${day(d.expires_on)} 到期`, cls: soon ? "expiring" : "valid" };
  }
  return { text: d.effective_from ? `${day(d.effective_from)} 起` : "长期有效", cls: "valid" };
}
const validityBadge = (d) => { const v = validity(d); return el("span", { class: `badge validity-${v.cls}` }, v.text); };
// datetime-local inputs hold local wall time without a zone.
const toLocalInput = (iso) => {
  if (!iso) return "";
  const t = utc(iso); const pad = (n) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
};
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);
const badge = (status) => el("span", { class: `badge ${status === "published" ? "published" : "draft"}` }, STATUS[status] || status);

// Sign-in -----------------------------------------------------------------------------------------------

function showLogin() { $("#login-view").hidden = false; $("#app-view").hidden = true; $("#who").hidden = true; }

async function start() {
  try {
    const me = await api("GET", "/v1/auth/me");
    if (me.role !== "editor" && me.role !== "admin") {
      showLogin(); $("#login-error").textContent = "该账号不是编辑或管理员，无法管理知识库。"; return;
    }
    $("#who-name").textContent = `${me.display_name}（${me.role === "admin" ? "管理员" : "编辑"}）`;
    $("#who").hidden = false; $("#login-view").hidden = true; $("#app-view").hidden = false;
    loadDocs();
  } catch { showLogin(); }
}

$("#login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $("#login-error").textContent = "";
  try {
    await api("POST", "/v1/auth/login", { username: f.get("username"), password: f.get("password") });
    start();
  } catch (err) { $("#login-error").textContent = err.code === "unauthorized" ? "用户名或密码错误" : explain(err); }
});

$("#logout").addEventListener("click", async () => { await api("POST", "/v1/auth/logout").catch(() => {}); showLogin(); });

// Tabs ----------------------------------------------------------------------------------------------------

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === tab));
    document.querySelectorAll(".panel").forEach((p) => { p.hidden = p.id !== `tab-${tab.dataset.tab}`; });
    if (tab.dataset.tab === "docs") loadDocs();
    if (tab.dataset.tab === "gaps") loadGaps();
    if (tab.dataset.tab === "feedback") loadFeedback();
  });
}

// Documents -----------------------------------------------------------------------------------------------

let searchTimer;
$("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadDocs, 250); });
$("#filter-status").addEventListener("change", loadDocs);
$("#filter-kind").addEventListener("change", loadDocs);
$("#select-all").addEventListener("change", (e) => {
  document.querySelectorAll(".row-check:not(:disabled)").forEach((c) => { c.checked = e.target.checked; });
});

async function loadDocs() {
  const params = new URLSearchParams();
  if ($("#search").value.trim()) params.set("q", $("#search").value.trim());
  if ($("#filter-status").value) params.set("status", $("#filter-status").value);
  if ($("#filter-kind").value) params.set("kind", $("#filter-kind").value);
  allDocs = await api("GET", `/v1/kb/documents?${params}`);
  shown = PAGE;
  renderDocs();
}

const PAGE = 50;
let allDocs = [], shown = PAGE;
$("#more").addEventListener("click", () => { shown += PAGE; renderDocs(); });

function renderDocs() {
  const docs = allDocs;
  const rows = $("#doc-rows");
  rows.replaceChildren(...docs.slice(0, shown).map((d) => {
    const check = el("input", { type: "checkbox", class: "row-check", value: d.id, "aria-label": `选择 ${d.title}` });
    if (d.draft_version === null) check.disabled = true;
    check.addEventListener("click", (e) => e.stopPropagation());
    return el("tr", { onclick: () => openEditor(d.id), "data-id": d.id },
      el("td", {}, check), el("td", {}, d.title), el("td", {}, el("code", {}, d.id)),
      el("td", {}, el("span", { class: "badge kind" }, KIND[d.kind])), el("td", {}, CATEGORY[d.category] || d.category),
      el("td", {}, badge(d.status)), el("td", {}, validityBadge(d)),
      el("td", { class: "muted" }, `${when(d.updated_at)} · ${d.updated_by}`));
  }));
  $("#select-all").checked = false;
  $("#more").hidden = docs.length <= shown;
  $("#doc-count").textContent = `共 ${docs.length} 条，显示 ${Math.min(shown, docs.length)} 条`;
}

async function publish(ids) {
  const r = await api("POST", "/v1/kb/publish", { doc_ids: ids });
  toast(`已发布 ${r.published.length} 条`);
  return r;
}

$("#publish-drafts").addEventListener("click", async () => {
  const ids = [...document.querySelectorAll(".row-check:checked")].map((c) => c.value);
  if (!ids.length) { toast("请先勾选有草稿的条目"); return; }
  try { await publish(ids); loadDocs(); } catch (err) { toast(explain(err)); }
});

// Editor dialog -------------------------------------------------------------------------------------------

let editing = null; // the document detail being edited, or null when creating

function fillForm(kind, content) {
  const f = $("#edit-form");
  f.dataset.kind = kind;
  document.querySelectorAll(".faq-only").forEach((n) => { n.hidden = kind !== "faq"; });
  document.querySelectorAll(".doc-only").forEach((n) => { n.hidden = kind !== "doc"; });
  f.elements.id.value = content.id || ""; f.elements.id.readOnly = Boolean(editing);
  f.elements.category.value = content.category || "product";
  f.elements.question.value = content.question || ""; f.elements.answer.value = content.answer || "";
  f.elements.alt_questions.value = (content.alt_questions || []).join("\n");
  f.elements.title.value = content.title || ""; f.elements.body.value = content.kind === "doc" ? content.body || "" : "";
  f.elements.tags.value = (content.tags || []).join(","); f.elements.note.value = "";
  $("#edit-error").textContent = "";
}

$("#new-faq").addEventListener("click", () => {
  editing = null;
  $("#edit-title").textContent = "新建问答";
  fillForm("faq", {});
  ["#edit-delete", "#edit-discard", "#edit-publish", "#validity"].forEach((s) => { $(s).hidden = true; });
  $("#versions").replaceChildren();
  $("#editor").showModal();
});

async function openEditor(id) {
  editing = await api("GET", `/v1/kb/documents/${encodeURIComponent(id)}`);
  const latest = editing.versions[0];
  $("#edit-title").textContent = `${KIND[editing.kind]} · ${editing.title}`;
  fillForm(editing.kind, latest.content);
  $("#edit-delete").hidden = false;
  $("#edit-publish").hidden = editing.draft_version === null;
  $("#edit-discard").hidden = editing.draft_version === null || editing.published_version === null;
  renderVersions();
  renderValidity();
  $("#editor").showModal();
}

function renderValidity() {
  $("#validity").hidden = false;
  $("#effective-from").value = toLocalInput(editing.effective_from);
  $("#expires-on").value = toLocalInput(editing.expires_on);
  $("#validity-now").replaceChildren("当前：", validityBadge(editing));
}

$("#validity-save").addEventListener("click", async () => {
  const body = { effective_from: fromLocalInput($("#effective-from").value), expires_on: fromLocalInput($("#expires-on").value) };
  try {
    const saved = await api("PUT", `/v1/kb/documents/${encodeURIComponent(editing.id)}/validity`, body);
    editing = { ...editing, effective_from: saved.effective_from, expires_on: saved.expires_on };
    $("#edit-error").textContent = ""; renderValidity(); toast("有效期已保存，立即生效"); loadDocs();
  } catch (err) { $("#edit-error").textContent = explain(err); }
});

function renderVersions() {
  const rows = editing.versions.map((v) => {
    const live = v.number === editing.published_version, draft = v.number === editing.draft_version;
    const action = live || draft ? el("span", {}, live ? badge("published") : badge("draft"))
      : el("button", { type: "button", class: "link", onclick: () => rollback(v.number) }, "回滚到此版本");
    return el("tr", {}, el("td", {}, `v${v.number}`), el("td", {}, v.note), el("td", {}, v.author),
      el("td", { class: "muted" }, when(v.created_at)), el("td", {}, action));
  });
  $("#versions").replaceChildren(el("h2", {}, "版本历史"),
    el("table", {}, el("tbody", {}, ...rows)));
}

async function rollback(number) {
  if (!confirm(`回滚到 v${number}？该版本的内容将作为新版本立即发布。`)) return;
  try { await api("POST", `/v1/kb/documents/${encodeURIComponent(editing.id)}/rollback`, { version: number });
    toast(`已回滚到 v${number}`); $("#editor").close(); loadDocs(); } catch (err) { $("#edit-error").textContent = explain(err); }
}

$("#edit-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target, kind = f.dataset.kind;
  const body = { kind, category: f.elements.category.value, note: f.elements.note.value,
    tags: f.elements.tags.value.split(",").map((t) => t.trim()).filter(Boolean) };
  if (kind === "faq") Object.assign(body, { question: f.elements.question.value, answer: f.elements.answer.value,
    alt_questions: f.elements.alt_questions.value.split("\n").map((q) => q.trim()).filter(Boolean) });
  else Object.assign(body, { title: f.elements.title.value, body: f.elements.body.value });
  try {
    if (editing) await api("PUT", `/v1/kb/documents/${encodeURIComponent(editing.id)}`, body);
    else await api("POST", "/v1/kb/documents", { ...body, id: f.elements.id.value.trim() });
    $("#editor").close(); toast("已保存为草稿，发布后生效"); loadDocs();
  } catch (err) { $("#edit-error").textContent = explain(err); }
});

$("#edit-cancel").addEventListener("click", () => $("#editor").close());
$("#edit-publish").addEventListener("click", async () => {
  try { await api("POST", `/v1/kb/documents/${encodeURIComponent(editing.id)}/publish`); toast("已发布");
    $("#editor").close(); loadDocs(); } catch (err) { $("#edit-error").textContent = explain(err); }
});
$("#edit-discard").addEventListener("click", async () => {
  try { await api("POST", `/v1/kb/documents/${encodeURIComponent(editing.id)}/discard`); toast("草稿已放弃");
    $("#editor").close(); loadDocs(); } catch (err) { $("#edit-error").textContent = explain(err); }
});
$("#edit-delete").addEventListener("click", async () => {
  if (!confirm(`删除「${editing.title}」？删除后客户将无法检索到它（历史版本保留在记录中）。`)) return;
  try { const r = await api("DELETE", `/v1/kb/documents/${encodeURIComponent(editing.id)}`);
    toast(`已删除，移除 ${r.chunks_removed} 个检索片段`); $("#editor").close(); loadDocs(); }
  catch (err) { $("#edit-error").textContent = explain(err); }
});

// Upload with progress -------------------------------------------------------------------------------------

let uploadedIds = [];

$("#upload-file").addEventListener("change", (e) => {
  const file = e.target.files[0];
  $("#file-name").textContent = file ? `${file.name}（${(file.size / 1024).toFixed(1)} KB）` : "尚未选择文件";
});

$("#upload-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("#upload-error").textContent = "";
  const form = new FormData(e.target);
  try {
    const job = await api("POST", "/v1/kb/uploads", form);
    $("#job").hidden = false; $("#job-publish").hidden = true;
    $("#job-label").textContent = job.filename;
    pollJob(job.id);
  } catch (err) { $("#upload-error").textContent = explain(err); $("#job").hidden = true; }
});

async function pollJob(id) {
  const job = await api("GET", `/v1/kb/jobs/${id}`);
  const pct = job.total ? Math.round((100 * job.done) / job.total) : 0;
  $("#job-bar").style.width = `${pct}%`;
  $("#job-count").textContent = `${job.done} / ${job.total}`;
  if (job.status === "failed") { $("#job-note").textContent = `处理失败：${job.error || job.error_code}`; return; }
  if (job.status !== "done") { $("#job-note").textContent = "正在解析并建立索引…"; setTimeout(() => pollJob(id), 400); return; }
  uploadedIds = job.doc_ids;
  $("#job-note").textContent = `处理完成：${job.done} 条已存为草稿，可在“检索试用”中选择“含草稿”预览效果。`;
  $("#job-publish").hidden = false;
}

$("#job-publish").addEventListener("click", async () => {
  try { await publish(uploadedIds); $("#job-publish").hidden = true;
    $("#job-note").textContent = `已发布 ${uploadedIds.length} 条，客户现在可以检索到这些内容。`; }
  catch (err) { $("#upload-error").textContent = explain(err); }
});

// Try it ----------------------------------------------------------------------------------------------------

$("#try-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#try-result");
  try {
    const r = await api("POST", "/v1/kb/try", { question: $("#try-question").value, scope: $("#try-scope").value });
    const verdict = el("div", { class: `verdict ${r.answerable ? "yes" : "no"}` },
      r.answerable ? `可以回答 · 置信度 ${r.confidence.toFixed(2)}` : `置信度 ${r.confidence.toFixed(2)}，低于阈值：机器人会说“不确定”并转人工`);
    const hits = r.hits.map((h, i) => el("div", { class: "hit" },
      el("div", { class: "hit-head" },
        el("span", { class: "hit-title" }, `${i + 1}. ${h.title} `, h.status === "draft" ? badge("draft") : ""),
        el("span", { class: "scores" }, `综合 ${h.score.toFixed(3)} · 向量 ${h.dense.toFixed(3)} · 关键词 ${h.sparse.toFixed(2)}`)),
      el("pre", {}, h.text), el("code", {}, h.doc_id)));
    out.replaceChildren(verdict, ...hits);
  } catch (err) { out.replaceChildren(el("p", { class: "error" }, explain(err))); }
});

// Gap report --------------------------------------------------------------------------------------------------

$("#gap-days").addEventListener("change", loadGaps);

async function loadGaps() {
  const r = await api("GET", `/v1/kb/gaps?days=${$("#gap-days").value}`);
  const rows = r.gaps.map((g) => el("tr", {}, el("td", {}, g.question), el("td", { class: "num" }, String(g.count)),
    el("td", { class: "muted" }, g.examples.join("；")), el("td", { class: "muted" }, when(g.last_asked)),
    el("td", {}, g.covered_by ? el("span", { class: "badge published" }, `已覆盖：${g.covered_by}`) : el("span", { class: "badge draft" }, "待补充"))));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "5", class: "muted" }, "这段时间没有未能回答的问题。")));
  $("#gap-rows").replaceChildren(...rows);
}

// Feedback inbox and expiring content -------------------------------------------------------------------------

$("#fb-handled").addEventListener("change", loadFeedback);

async function loadFeedback() {
  const handled = $("#fb-handled").value;
  const items = await api("GET", `/v1/kb/feedback?handled=${handled}`);
  const rows = items.map((f) => el("tr", { "data-message-id": f.message_id },
    el("td", {}, f.question), el("td", { class: "muted" }, f.answer.slice(0, 120)),
    el("td", {}, ...f.sources.map((s) => el("a", { href: s.source || "#", target: "_blank" }, s.title || s.doc_id))),
    el("td", {}, f.comment || ""), el("td", { class: "muted" }, when(f.at)),
    el("td", {}, f.handled_at ? `${f.handled_by} 已处理` : el("button", { class: "secondary", onclick: async () => {
      try { await api("POST", `/v1/kb/feedback/${f.message_id}/handled`); toast("已标记为已处理"); loadFeedback(); }
      catch (err) { toast(explain(err)); }
    } }, "标记已处理"))));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "没有反馈。")));
  $("#fb-rows").replaceChildren(...rows);
  const expiring = await api("GET", "/v1/kb/expiring?days=14");
  const soon = expiring.map((d) => el("tr", {}, el("td", {}, d.title), el("td", {}, el("code", {}, d.id)),
    el("td", {}, when(d.expires_on))));
  if (!soon.length) soon.push(el("tr", {}, el("td", { colspan: "3", class: "muted" }, "14 天内没有到期的内容。")));
  $("#expiring-rows").replaceChildren(...soon);
}

start();

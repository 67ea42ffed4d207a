/* The handoff console: queue (live over SSE), one handoff in detail, and the staff actions. */
"use strict";
(function () {
  const LABELS = {
    urgency: { urgent: "紧急", high: "高", normal: "普通", low: "低" },
    category: { complaint: "投诉", urgent_risk: "紧急风险", human_request: "要求人工", account: "账户事务", low_confidence: "无法回答" },
    status: { open: "待认领", claimed: "处理中", resolved: "已解决", returned: "已交回机器人" },
    role: { customer: "客户", bot: "机器人", staff: "客服", system: "系统" },
    outcome: { answered: "已解答", resolved_by_phone: "电话解决", account_action: "已办理账户业务",
      complaint_registered: "投诉已登记", no_response: "客户无回应", other: "其他" },
  };
  const $ = (id) => document.getElementById(id);
  let me = null, selected = null, items = [], teams = [], agents = [];
  // Forms whose request is in flight: a re-render keeps their button disabled (no double send).
  const sending = new Set();

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  async function api(path, body, method) {
    const r = await fetch(path, {
      method: method || (body === undefined ? "GET" : "POST"),
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 401) { location.href = "/console/login"; throw new Error("signed out"); }
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) throw Object.assign(new Error(data && data.error ? data.error.message : "error"), { status: r.status, data });
    return data;
  }
  function waited(iso) {
    const mins = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
    return mins < 60 ? `${mins} 分钟` : mins < 1440 ? `${Math.floor(mins / 60)} 小时 ${mins % 60} 分` : `${Math.floor(mins / 1440)} 天`;
  }
  function due(iso) {
    const mins = Math.round((new Date(iso).getTime() - Date.now()) / 60000);
    if (mins < 0) return `已超时 ${waited(iso)}`;
    return mins < 60 ? `剩 ${mins} 分钟` : `剩 ${Math.floor(mins / 60)} 小时`;
  }
  function slaText(h) {
    if (h.sla.first_response_breached && h.status === "open") return { text: "首次响应 " + due(h.sla.first_response_due), bad: true };
    if (h.status === "open") return { text: "首次响应 " + due(h.sla.first_response_due), bad: false };
    return { text: "解决时限 " + due(h.sla.resolution_due), bad: h.sla.resolution_breached };
  }

  async function loadQueue() {
    const team = $("team-filter").value;
    items = await api("/v1/handoffs" + (team ? `?team=${encodeURIComponent(team)}` : ""));
    const list = $("queue");
    list.replaceChildren();
    $("empty").hidden = items.length > 0;
    items.forEach((h) => {
      const li = el("li");
      const b = el("button", "queue-item" + (h.id === selected ? " selected" : ""));
      b.type = "button"; b.dataset.id = h.id;
      const top = el("div", "qi-top");
      top.append(el("span", "badge u-" + h.urgency, LABELS.urgency[h.urgency] || h.urgency),
        el("span", "cat", LABELS.category[h.category] || h.category));
      if (h.customer_tier) top.append(el("span", "tier", h.customer_tier));
      if (h.team_name) top.append(el("span", "team", h.team_name));
      top.append(el("span", "status s-" + h.status, LABELS.status[h.status] + (h.claimed_by ? ` · ${claimer(h)}` : "")));
      const sla = slaText(h);
      const bottom = el("div", "qi-bottom");
      bottom.append(el("span", "", "等待 " + waited(h.created_at)), el("span", sla.bad ? "sla bad" : "sla", sla.text));
      b.append(top, el("p", "qi-q", h.question || "（无摘要）"), bottom);
      b.onclick = () => select(h.id);
      li.append(b);
      list.append(li);
    });
  }

  let renders = 0;
  async function select(id) {
    selected = id;
    document.querySelectorAll(".queue-item").forEach((b) => b.classList.toggle("selected", b.dataset.id === id));
    // Live events and the agent's own actions both reload the detail; a slower, older response must not
    // overwrite a newer one (it could drop the reply form the agent is typing in).
    const mine = ++renders;
    const h = await api(`/v1/handoffs/${id}`);
    if (mine === renders) render(h);
  }

  function section(title) { const s = el("section", "card"); s.append(el("h3", "", title)); return s; }

  function render(h) {
    const d = $("detail");
    // A live refresh re-renders the detail: keep what the agent is typing.
    const drafts = d.dataset.id === h.id
      ? ["reply-text", "note-text", "reveal-reason", "transfer-note"].map((id) => [id, $(id) ? $(id).value : ""]) : [];
    d.dataset.id = h.id;
    d.replaceChildren();
    const head = el("div", "detail-head");
    const title = el("h2", "", h.summary.question || "会话");
    const meta = el("div", "meta");
    meta.append(el("span", "badge u-" + h.urgency, LABELS.urgency[h.urgency]),
      el("span", "", "类别：" + (LABELS.category[h.category] || h.category)),
      el("span", "", "情绪：" + (h.sentiment <= -0.5 ? "强烈不满" : h.sentiment < 0 ? "不满" : "平稳") + `（${h.sentiment.toFixed(2)}）`),
      el("span", "", "客户：" + (h.summary.customer ? h.summary.customer.ref : "") + (h.customer_tier ? ` · ${h.customer_tier}` : "")),
      el("span", "", "渠道：" + (h.channel === "group" ? `群聊 ${h.group_id || ""}` : "网页")),
      el("span", "", "团队：" + (h.team_name || "未分配")),
      el("span", "status s-" + h.status, LABELS.status[h.status] + (h.claimed_by ? ` · ${claimer(h)}` : "")));
    head.append(title, meta);
    d.append(head);

    const actions = el("div", "actions");
    const mine = h.status === "claimed" && h.claimed_by === me.username;
    const active = h.status === "open" || h.status === "claimed";
    if (h.status === "open") actions.append(button("认领", async () => { await api(`/v1/handoffs/${h.id}/claim`, {}); }, "claim"));
    else if (h.status === "claimed" && !mine) actions.append(el("span", "claimed-by", `已由 ${claimer(h)} 认领处理`));
    if (active) actions.append(button("交回机器人", async () => { await api(`/v1/handoffs/${h.id}/return`, {}); }, "return", "ghost"));
    if (mine) {
      const sel = el("select"); sel.id = "outcome"; sel.setAttribute("aria-label", "处理结果");
      Object.entries(LABELS.outcome).forEach(([v, l]) => { const o = el("option", "", l); o.value = v; sel.append(o); });
      actions.append(sel, button("标记解决", async () => { await api(`/v1/handoffs/${h.id}/resolve`, { outcome: sel.value }); }, "resolve", "ghost"));
    }
    d.append(actions);
    if (active && (h.status === "open" || mine || me.role === "admin")) d.append(transferForm(h));

    const sum = section("摘要");
    const dl = el("dl");
    const add = (k, v) => { if (v) dl.append(el("dt", "", k), el("dd", "", v)); };
    add("客户问题", h.summary.question + (h.summary.question_at ? `（${clock(h.summary.question_at)}）` : ""));
    if (h.summary.last_message && h.summary.last_message !== h.summary.question) add("最后一句", h.summary.last_message);
    add("客户等级", h.summary.tier || h.customer_tier);
    add("建议下一步", h.summary.suggested_next_step);
    add("机器人已答复", (h.summary.bot_answered || []).join("\n") || "（无）");
    add("客户已尝试", (h.summary.tried || []).join("\n"));
    add("脱敏信息", (h.summary.placeholders || []).join("、"));
    add("SLA", `首次响应截止 ${new Date(h.sla.first_response_due).toLocaleString("zh-CN")}；解决截止 ${new Date(h.sla.resolution_due).toLocaleString("zh-CN")}`);
    sum.append(dl);
    if (h.summary.suggested_reply) {
      const box = el("div", "suggested");
      box.append(el("p", "suggested-label", "建议回复" + (h.summary.suggested_reply_source ? `（依据《${h.summary.suggested_reply_source}》）` : "")),
        el("p", "suggested-text", h.summary.suggested_reply));
      if (mine) {
        const use = el("button", "ghost small", "填入回复框"); use.type = "button"; use.id = "use-suggested";
        use.onclick = () => { const ta = $("reply-text"); if (ta) { ta.value = h.summary.suggested_reply; ta.focus(); } };
        box.append(use);
      }
      sum.append(box);
    }
    d.append(sum);

    const cp = section("智能助手建议"); cp.id = "copilot";
    d.append(cp);
    loadSuggestion(h, cp, mine);

    const tr = section("对话记录（已脱敏）");
    const log = el("ol", "transcript");
    h.messages.forEach((m) => {
      const li = el("li", "tm " + m.role);
      li.append(el("span", "tm-role", (LABELS.role[m.role] || m.role) + (m.author_name ? ` ${m.author_name}` : "")),
        el("time", "tm-at", clock(m.created_at)), el("p", "tm-text", m.text));
      if (m.feedback) li.append(el("span", "tm-fb", m.feedback === "helpful" ? "客户反馈：有帮助" : "客户反馈：没帮助"));
      li.dataset.id = m.id;
      log.append(li);
    });
    tr.append(log);
    if (h.channel === "wecom") loadDelivery(h, log);
    if (mine) {
      const f = el("form", "reply");
      const lab = el("label", "", "回复客户"); lab.htmlFor = "reply-text";
      const ta = el("textarea"); ta.id = "reply-text"; ta.rows = 3; ta.maxLength = 2000; ta.required = true;
      const go = el("button", "", "发送回复"); go.type = "submit";
      f.append(lab, ta, go);
      f.onsubmit = (e) => { e.preventDefault(); sendForm("reply-text", go, (text) => api(`/v1/handoffs/${h.id}/reply`, { text })); };
      ta.addEventListener("input", () => typing(h.id));
      tr.append(f);
    }
    d.append(tr);

    if (h.placeholders.length) {
      const rv = section("查看原文");
      rv.append(el("p", "hint", me.can_reveal ? "查看原文会记录审计日志，请填写原因。" : "您没有查看原文的权限，只能看到脱敏内容。"));
      const f = el("form", "reveal");
      const sel = el("select"); sel.id = "reveal-placeholder"; sel.setAttribute("aria-label", "脱敏项");
      h.placeholders.forEach((p) => { const o = el("option", "", p); o.value = p; sel.append(o); });
      const reason = el("input"); reason.id = "reveal-reason"; reason.placeholder = "原因（必填，例如：回电核实身份）";
      reason.setAttribute("aria-label", "查看原因"); reason.required = true; reason.minLength = 4;
      const go = el("button", "ghost", "查看原文"); go.type = "submit";
      const out = el("p", "reveal-out"); out.id = "reveal-out"; out.setAttribute("role", "status");
      f.append(sel, reason, go);
      f.onsubmit = async (e) => {
        e.preventDefault();
        try {
          const r = await api(`/v1/handoffs/${h.id}/reveal`, { placeholder: sel.value, reason: reason.value });
          out.textContent = `${r.placeholder} = ${r.original}（已记录审计）`; out.className = "reveal-out ok";
        } catch (err) {
          out.textContent = err.status === 403 ? "无权查看原文：需要 can_reveal 权限。" : "无法查看：" + err.message;
          out.className = "reveal-out bad";
        }
      };
      rv.append(f, out);
      d.append(rv);
    }

    const notes = section("内部备注（客户不可见）");
    const nl = el("ul", "notes");
    h.notes.forEach((n) => nl.append(el("li", "", `${n.author}：${n.text}`)));
    const nf = el("form", "note");
    const ni = el("input"); ni.id = "note-text"; ni.setAttribute("aria-label", "添加备注"); ni.placeholder = "添加备注"; ni.required = true; ni.maxLength = 2000;
    const nb = el("button", "ghost", "添加"); nb.type = "submit";
    nf.append(ni, nb);
    nf.onsubmit = (e) => { e.preventDefault(); sendForm("note-text", nb, (text) => api(`/v1/handoffs/${h.id}/notes`, { text })); };
    notes.append(nl, nf);
    d.append(notes);
    drafts.forEach(([id, value]) => { if ($(id) && value) $(id).value = value; });
    sending.forEach((id) => { const f = $(id) && $(id).form; if (f) f.querySelector("button").disabled = true; });
  }

  // Transfer: to a colleague (from the teams' member lists) or back to a team's queue, with a note.
  function transferForm(h) {
    const f = el("form", "transfer");
    const sel = el("select"); sel.id = "transfer-to"; sel.setAttribute("aria-label", "转交给");
    sel.append(Object.assign(el("option", "", "转交给…"), { value: "" }));
    const queues = el("optgroup"); queues.label = "团队队列";
    teams.forEach((t) => queues.append(Object.assign(el("option", "", `${t.name} 队列`), { value: "team:" + t.id })));
    const people = el("optgroup"); people.label = "同事";
    agents.filter((m) => m.username !== h.claimed_by).forEach((m) =>
      people.append(Object.assign(el("option", "", m.display_name), { value: "staff:" + m.username })));
    sel.append(queues, people);
    const note = el("input"); note.id = "transfer-note"; note.placeholder = "转交说明（同事可见）"; note.maxLength = 2000;
    note.setAttribute("aria-label", "转交说明");
    const go = el("button", "ghost", "转交"); go.type = "submit"; go.id = "act-transfer";
    f.append(sel, note, go);
    f.onsubmit = (e) => {
      e.preventDefault();
      const [kind, value] = sel.value.split(":");
      if (!value) return;
      const body = kind === "team" ? { team: value, note: note.value } : { to: value, note: note.value };
      act(async () => { await api(`/v1/handoffs/${h.id}/transfer`, body); note.value = ""; });
    };
    return f;
  }

  // While the agent types a reply the customer sees "客服正在输入…": at most one signal every 3 s.
  let lastTyping = 0;
  function typing(id) {
    if (Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    fetch(`/v1/handoffs/${id}/typing`, { method: "POST" }).catch(() => {});
  }

  function clock(iso) {
    const d = new Date(iso);
    const same = d.toDateString() === new Date().toDateString();
    return same ? d.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" })
      : d.toLocaleString("zh-CN", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  function claimer(h) { return h.claimed_by_name || h.claimed_by; }

  // Send the text of one box once: the button stays disabled while the request runs (also across the
  // re-renders live events cause), and the box is emptied on success before the detail reloads, so the
  // draft-restore in render() has nothing to put back. Live re-renders replace the element, so the box is
  // looked up by id, never through a captured reference.
  async function sendForm(id, btn, post) {
    const text = $(id).value.trim();
    if (!text || sending.has(id)) return;
    sending.add(id); btn.disabled = true;
    try {
      await post(text);
      if ($(id)) $(id).value = "";
    } catch (e) {
      alert(e.message);
    } finally {
      sending.delete(id);
      if ($(id)) $(id).form.querySelector("button").disabled = false;
    }
    await loadQueue();
    if (selected) await select(selected);
  }

  // 微信客服 replies go through a retrying outbox: show each staff line's delivery state (and retry a failed one).
  const DELIVERY = { pending: "发送中（自动重试）", sent: "已送达企业微信", failed: "发送失败" };
  async function loadDelivery(h, log) {
    let rows = [];
    try { rows = await api(`/v1/wecom/conversations/${h.conversation_id}/replies`); } catch (e) { return; }
    rows.forEach((r) => {
      const li = log.querySelector(`li[data-id="${r.message_id}"]`);
      if (!li) return;
      const tag = el("span", "tm-delivery d-" + r.status, DELIVERY[r.status] + (r.status !== "sent" && r.attempts ? `（已尝试 ${r.attempts} 次）` : ""));
      if (r.last_error && r.status !== "sent") tag.title = r.last_error;
      li.append(tag);
      if (r.status === "failed") li.append(button("重新发送", async () => { await api(`/v1/wecom/replies/${r.message_id}/retry`, {}); }, "retry-" + r.message_id, "ghost small"));
    });
  }

  // The staff copilot's latest suggestion (drafted in the background): accept, edit then send, or discard.
  async function loadSuggestion(h, box, mine) {
    let list = [];
    try { list = await api(`/v1/copilot/handoffs/${h.id}/suggestions`); } catch (e) { box.hidden = true; return; }
    const s = list.find((x) => x.status === "pending");
    if (!s) { box.append(el("p", "hint", "暂无新的建议回复。")); return; }
    const src = s.citations.map((c) => `《${c.title}》`).join("");
    box.append(el("p", "suggested-label", s.kind === "private_followup"
      ? "建议私聊跟进（群内不谈账户信息）" : "建议回复" + (src ? `（依据${src}）` : "")));
    const ta = el("textarea"); ta.id = "copilot-text"; ta.rows = 4; ta.maxLength = 2000; ta.value = s.text;
    ta.setAttribute("aria-label", "建议回复内容"); ta.readOnly = !mine;
    box.append(ta);
    if (!mine) { box.append(el("p", "hint", "认领后可采用、修改或忽略此建议。")); return; }
    box.append(
      button("采用并发送", async () => {
        const text = ta.value.trim();
        await api(`/v1/copilot/suggestions/${s.id}/accept`, text === s.text.trim() ? {} : { text });
      }, "copilot-accept"),
      button("忽略", async () => { await api(`/v1/copilot/suggestions/${s.id}/discard`, {}); }, "copilot-discard", "ghost"));
  }

  function button(text, fn, id, cls) {
    const b = el("button", cls || "", text); b.type = "button"; b.id = "act-" + id;
    b.onclick = () => act(fn);
    return b;
  }
  async function act(fn) {
    try { await fn(); } catch (e) { alert(e.message); }
    await loadQueue();
    if (selected) await select(selected);
  }

  function live() {
    const source = new EventSource("/v1/handoffs/events");
    source.addEventListener("ready", () => { $("live").classList.add("on"); document.body.dataset.live = "1"; });
    const refresh = async (e) => {
      const data = JSON.parse(e.data);
      await loadQueue();
      if (selected && (data.id === selected || items.some((h) => h.id === selected && h.conversation_id === data.conversation_id))) await select(selected);
    };
    ["handoff.updated", "handoff.retriaged", "handoff.transferred", "handoff.claimed", "handoff.message", "handoff.note", "handoff.resolved", "handoff.returned", "conversation.message"]
      .forEach((k) => source.addEventListener(k, refresh));
    source.onerror = () => $("live").classList.remove("on");
  }

  // Editors have no queue: say so and point to their own screen instead of showing an empty list.
  function notForYou() {
    const box = $("not-agent");
    box.replaceChildren(el("h2", "", "转人工队列仅供客服坐席使用"),
      el("p", "", `您的角色是「${me.role === "editor" ? "知识库编辑" : me.role}」，没有处理转人工会话的权限。`));
    const link = el("a", "button-link", "前往知识库管理"); link.href = "/admin";
    box.append(link);
    box.hidden = false;
    document.querySelector(".layout").hidden = true;
  }

  $("logout").onclick = async () => { await fetch("/v1/auth/logout", { method: "POST" }); location.href = "/console/login"; };
  (async () => {
    me = await api("/v1/auth/me");
    $("me").textContent = `${me.display_name}（${me.role}${me.can_reveal ? " · 可查看原文" : ""}）`;
    if (me.role !== "agent" && me.role !== "admin") { notForYou(); return; }
    if (me.role === "admin") {
      const link = el("a", "ghost", "数据分析"); link.href = "/console/analytics"; link.id = "analytics-link";
      const teamsLink = el("a", "ghost", "团队管理"); teamsLink.href = "/console/teams"; teamsLink.id = "teams-link";
      $("me").after(link, teamsLink);
    }
    [teams, agents] = await Promise.all([api("/v1/teams"), api("/v1/teams/agents")]);
    $("team-filter").onchange = loadQueue;
    teams.forEach((t) => $("team-filter").append(Object.assign(el("option", "", t.name), { value: t.id })));
    await loadQueue();
    live();
    setInterval(loadQueue, 60000); // SLA timers tick
  })();
})();

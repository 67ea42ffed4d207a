/* The customer chat: one widget session per browser tab, streamed replies, live staff messages. */
"use strict";
(function () {
  const STRINGS = {
    zh: {
      title: "青禾银行 在线客服", subtitle: "智能助手 · 7×24小时", send: "发送", close: "关闭",
      placeholder: "请输入您的问题，例如：信用卡丢了怎么办", inputLabel: "输入您的问题",
      footer: "请勿发送密码或验证码。本服务不会索要您的密码。",
      welcome: "您好，我是青禾银行智能客服小禾。请问有什么可以帮您？",
      piiTitle: "您的消息中含有身份证号或银行卡号",
      piiBody: "为保护您的信息安全，请勿在对话中发送完整证件号或卡号。如仍发送，我们只会保存隐去后的内容：",
      piiEdit: "返回修改", piiSend: "仍然发送", stored: (kinds) => `已隐去您的${kinds}，我们只保存隐去后的内容`,
      pii: { ID_CARD: "身份证号", BANK_CARD: "银行卡号", PHONE: "手机号", EMAIL: "邮箱", PASSPORT: "护照号",
        NAME: "姓名", ADDRESS: "地址" }, piiJoin: "、", piiOther: "个人信息",
      typing: "小禾正在输入", staffTyping: (n) => `${n} 正在输入…`, delivered: "已送达",
      queued: (p) => `排队第 ${p} 位`, serving: (n) => `人工客服 ${n} 正在为您服务`,
      eta: (x) => `预计${x}回复`, etaMinutes: (m) => ` ${m} 分钟内`, etaToday: (hm) => `今天 ${hm} 前`,
      etaLater: (d) => ` ${d} 前`, etaOverdue: "尽快", left: "人工客服已离开对话",
      unread: (n) => `(${n}) 新消息 · `,
      sources: "参考来源", helpful: "有帮助", notHelpful: "没帮助", thanks: "感谢您的反馈",
      commentLabel: "补充说明（可选）", submit: "提交",
      handoff: "已为您转接人工客服，请稍候，专员会在这里回复您。",
      joined: (n) => `人工客服 ${n} 已加入对话`, staff: "人工客服",
      returned: "人工客服已结束服务，智能助手将继续为您解答。", resolved: "本次人工服务已完成，感谢您的耐心。",
      error: "抱歉，发送失败，请稍后再试。", you: "您", bot: "小禾",
      csatQ: "您对本次人工服务满意吗？", csatScore: (n) => `${n} 分`, csatLow: "不满意", csatHigh: "非常满意",
      csatThanks: "感谢您的评价！",
    },
    en: {
      title: "Qinghe Bank Online Service", subtitle: "Assistant · 24/7", send: "Send", close: "Close",
      placeholder: "Type your question, e.g. I lost my credit card", inputLabel: "Type your question",
      footer: "Never send passwords or verification codes. We will never ask for them.",
      welcome: "Hello, I'm the Qinghe Bank assistant. How can I help you?",
      piiTitle: "Your message contains an ID or card number",
      piiBody: "For your safety, please don't send full ID or card numbers in chat. If you send it anyway, only this masked form is stored:",
      piiEdit: "Edit message", piiSend: "Send anyway", stored: (kinds) => `We hid your ${kinds}; only the masked text is kept`,
      pii: { ID_CARD: "ID number", BANK_CARD: "card number", PHONE: "phone number", EMAIL: "email", PASSPORT: "passport number",
        NAME: "name", ADDRESS: "address" }, piiJoin: ", ", piiOther: "personal data",
      typing: "The assistant is typing", staffTyping: (n) => `${n} is typing…`, delivered: "Delivered",
      queued: (p) => `You are number ${p} in the queue`, serving: (n) => `${n} is handling your case`,
      eta: (x) => `expected reply ${x}`, etaMinutes: (m) => `within ${m} min`, etaToday: (hm) => `by ${hm} today`,
      etaLater: (d) => `by ${d}`, etaOverdue: "shortly", left: "Our staff member has left the chat",
      unread: (n) => `(${n}) New message · `,
      sources: "Sources", helpful: "Helpful", notHelpful: "Not helpful", thanks: "Thanks for your feedback",
      commentLabel: "Tell us more (optional)", submit: "Submit",
      handoff: "You've been passed to our service staff. Please wait; they will reply here.",
      joined: (n) => `${n} from our service team has joined`, staff: "Service staff",
      returned: "Our staff have finished; the assistant will continue to help you.",
      resolved: "Your case has been handled. Thank you for your patience.",
      error: "Sorry, the message could not be sent. Please try again.", you: "You", bot: "Assistant",
      csatQ: "How satisfied are you with our staff's help?", csatScore: (n) => `${n} of 5`,
      csatLow: "Not satisfied", csatHigh: "Very satisfied", csatThanks: "Thank you for your rating!",
    },
  };
  const KEY = "qinghe-widget";
  // Storage throws in a third-party iframe when the browser blocks third-party storage: then the
  // conversation simply lasts as long as the page.
  const store = (area) => ({
    get: (k) => { try { return window[area].getItem(k); } catch (e) { return null; } },
    set: (k, v) => { try { window[area].setItem(k, v); } catch (e) { /* blocked */ } },
  });
  const local = store("localStorage"), tab = store("sessionStorage");
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang") || local.get(KEY + "-lang") ||
    ((navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en");
  if (!STRINGS[lang]) lang = "zh";
  const t = (k, ...a) => { const v = STRINGS[lang][k]; return typeof v === "function" ? v(...a) : v; };
  const $ = (id) => document.getElementById(id);
  const log = $("log"), input = $("input"), form = $("composer");
  let token = tab.get(KEY);
  let busy = false;

  function applyStrings() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = t("title");
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    document.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
    $("lang").textContent = lang === "zh" ? "EN" : "中文";
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function bubble(role, text, who) {
    const row = el("div", "msg " + role);
    if (who) row.appendChild(el("span", "who", who));
    const b = el("div", "bubble");
    // Stored text is redacted: a placeholder (also one in a staff reply, e.g. a pasted ID number) shows as
    // the kind of data hidden ("身份证号"), never as <ID_CARD_1>.
    masked(b, text);
    row.appendChild(b);
    log.appendChild(row);
    scroll();
    return { row, b };
  }
  function notice(text) { log.appendChild(el("p", "notice", text)); scroll(); }

  // Stored text carries vault placeholders (<ID_CARD_1>); the customer reads what was hidden instead.
  const PLACEHOLDER = /<([A-Z][A-Z_]*[A-Z])(?:_\d+)?>/g;
  function piiName(kind) { return (STRINGS[lang].pii || {})[kind] || t("piiOther"); }
  function masked(node, text) {
    node.replaceChildren();
    let at = 0;
    for (const m of text.matchAll(PLACEHOLDER)) {
      node.append(text.slice(at, m.index), el("span", "masked", piiName(m[1])));
      at = m.index + m[0].length;
    }
    node.append(text.slice(at));
  }
  function maskedKinds(text) {
    const kinds = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => piiName(m[1])))];
    return kinds.join(t("piiJoin")) || t("piiOther");
  }

  // The widget shows sources as a link row, so the "参考来源：《…》" line the text channels need is cut
  // from the bubble (also while it streams in: a trailing partial label is held back).
  const SOURCE_LINE = /\n(参考来源|Sources)[：:][^\n]*(?=\n|$)/g;
  function withoutSourceLine(text) {
    const cut = text.replace(SOURCE_LINE, "");
    const nl = cut.lastIndexOf("\n");
    const tail = cut.slice(nl + 1);
    const partial = nl >= 0 && tail.length < 6 && ["参考来源：", "Sources:"].some((l) => tail && l.startsWith(tail));
    return partial ? cut.slice(0, nl) : cut;
  }

  function typingRow(text) {
    const row = el("div", "msg bot typing");
    row.setAttribute("aria-label", text);
    const b = el("div", "bubble dots");
    b.append(el("span"), el("span"), el("span"));
    row.append(b);
    log.appendChild(row);
    scroll();
    return row;
  }

  function sources(row, list) {
    if (!list || !list.length) return;
    const box = el("div", "sources");
    box.appendChild(el("span", "label", t("sources") + "："));
    list.forEach((s) => {
      const a = el("a", "source-link", s.title);
      a.href = s.url; a.target = "_blank"; a.rel = "noopener";
      box.appendChild(a);
    });
    row.appendChild(box);
    scroll();
  }

  function feedback(row, messageId) {
    const box = el("div", "feedback");
    const send = async (helpful, comment) => {
      await api(`/v1/widget/messages/${messageId}/feedback`, { helpful, comment: comment || null });
    };
    const up = el("button", "ghost small", "👍 " + t("helpful"));
    const down = el("button", "ghost small", "👎 " + t("notHelpful"));
    up.type = down.type = "button";
    up.onclick = async () => { await send(true); box.replaceChildren(el("span", "thanks", t("thanks"))); };
    down.onclick = () => {
      const f = el("form", "comment");
      const id = "c-" + messageId;
      const label = el("label", "", t("commentLabel")); label.htmlFor = id;
      const inp = el("input"); inp.id = id; inp.maxLength = 1000;
      const go = el("button", "small", t("submit")); go.type = "submit";
      f.append(label, inp, go);
      f.onsubmit = async (e) => { e.preventDefault(); await send(false, inp.value); box.replaceChildren(el("span", "thanks", t("thanks"))); };
      box.replaceChildren(f);
      inp.focus();
      scroll();
    };
    box.append(up, down);
    row.appendChild(box);
    scroll();
  }

  async function api(path, body, method) {
    const r = await fetch(path, {
      method: method || "POST",
      headers: { "content-type": "application/json", "x-widget-token": token || "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 204) return null;
    const data = (r.headers.get("content-type") || "").includes("json") ? await r.json() : null;
    if (!r.ok) throw Object.assign(new Error("request failed"), { status: r.status, data });
    return data;
  }

  function sessionBody() {
    // The bank's page may pass a signed tier through widget.js; the server checks the signature.
    const body = { language: lang };
    try {
      const claim = new URLSearchParams(location.search).get("tier");
      if (claim) body.tier_claim = JSON.parse(claim);
    } catch (e) { /* a malformed claim is simply not sent */ }
    return body;
  }

  async function startSession() {
    const r = await fetch("/v1/widget/sessions", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(sessionBody()),
    });
    token = (await r.json()).token;
    tab.set(KEY, token);
  }

  async function restore() {
    if (token) {
      const r = await fetch("/v1/widget/conversation", { headers: { "x-widget-token": token } });
      if (r.ok) {
        const conv = await r.json();
        bubble("bot", t("welcome"), t("bot"));
        conv.messages.forEach((m) => {
          const who = m.role === "customer" ? null : m.role === "staff" ? (m.author_name || t("staff")) : t("bot");
          const text = m.role === "bot" && m.citations.length ? withoutSourceLine(m.text) : m.text;
          const { row } = bubble(m.role === "customer" ? "customer" : m.role, text, who);
          if (m.role === "bot") sources(row, m.citations.map((c) => ({ title: c.title, url: c.source })));
        });
        if (conv.mode === "human") notice(t("handoff"));
        waiting(conv.waiting || null);
        if (conv.survey_handoff_id) survey(conv.survey_handoff_id);
        return;
      }
    }
    await startSession();
    bubble("bot", t("welcome"), t("bot"));
  }

  async function listen() {
    for (;;) {
      try {
        const r = await fetch("/v1/widget/events", { headers: { "x-widget-token": token } });
        if (!r.ok) return;
        await readSSE(r, (kind, data) => {
          if (kind === "ready") document.body.dataset.live = "1";
          else if (kind === "staff_joined") {
            notice(t("joined", data.name)); unread();
            if (lastWaiting) waiting({ ...lastWaiting, status: "claimed", queue_position: null, staff_name: data.name });
          }
          else if (kind === "staff_message") { staffTyping(null); bubble("staff", data.text, data.name || t("staff")); unread(); }
          else if (kind === "staff_typing") staffTyping(data.name || t("staff"));
          else if (kind === "staff_left") { staffTyping(null); notice(t("left")); refreshWaiting(); }
          else if (kind === "waiting") waiting(data);
          else if (kind === "returned_to_bot") { waiting(null); notice(t("returned")); unread(); }
          else if (kind === "resolved") { waiting(null); notice(t("resolved")); unread(); if (data.handoff_id) survey(data.handoff_id); }
        });
      } catch (e) { /* connection dropped: retry below */ }
      await new Promise((res) => setTimeout(res, 2000));
    }
  }

  // 满意度调查: one tap, 1-5, after a person resolved the case (asked again after a reload until answered).
  function survey(handoffId) {
    if (log.querySelector(`.csat[data-handoff-id="${handoffId}"]`)) return;
    const box = el("div", "csat"); box.dataset.handoffId = handoffId;
    box.setAttribute("role", "group"); box.setAttribute("aria-label", t("csatQ"));
    const row = el("div", "csat-scores");
    for (let n = 1; n <= 5; n++) {
      const b = el("button", "csat-score", "★".repeat(n)); b.type = "button";
      b.setAttribute("aria-label", t("csatScore", n)); b.title = n === 1 ? t("csatLow") : n === 5 ? t("csatHigh") : "";
      b.onclick = async () => {
        row.querySelectorAll("button").forEach((x) => { x.disabled = true; });
        const r = await fetch("/v1/widget/csat", {
          method: "POST", headers: { "content-type": "application/json", "x-widget-token": token },
          body: JSON.stringify({ handoff_id: handoffId, score: n }),
        }).catch(() => null);
        if (r && (r.ok || r.status === 409)) box.replaceChildren(el("p", "csat-thanks", t("csatThanks")));
        else row.querySelectorAll("button").forEach((x) => { x.disabled = false; });
      };
      row.append(b);
    }
    box.append(el("p", "csat-q", t("csatQ")), row);
    log.appendChild(box); scroll();
  }

  // After a transfer the case may be back in a queue: ask for the current waiting status.
  async function refreshWaiting() {
    try {
      const r = await fetch("/v1/widget/conversation", { headers: { "x-widget-token": token } });
      if (r.ok) waiting((await r.json()).waiting || null);
    } catch (e) { /* the next event or reload shows it */ }
  }

  // "Delivered" under a message a person will read (human mode).
  function ack(row) {
    if (!row.querySelector(".ack")) row.appendChild(el("span", "ack", "✓ " + t("delivered")));
    scroll();
  }

  // The waiting status above the composer, from the API's `waiting` object (null: not with a person).
  let lastWaiting = null;
  function waiting(w) {
    lastWaiting = w;
    const bar = $("waiting");
    bar.dataset.handoffId = w ? w.handoff_id : "";
    if (!w) { bar.hidden = true; bar.replaceChildren(); return; }
    const parts = [];
    if (w.status === "claimed" && w.staff_name) parts.push(t("serving", w.staff_name));
    else {
      parts.push(t("delivered"));
      if (w.queue_position) parts.push(t("queued", w.queue_position));
      const eta = etaText(w);
      if (eta) parts.push(t("eta", eta));
    }
    bar.replaceChildren(el("span", "dot"), el("span", "wait-text", parts.join(" · ")));
    bar.hidden = false;
  }
  function etaText(w) {
    const due = w.expected_first_response_s != null ? Date.now() + w.expected_first_response_s * 1000
      : w.first_response_due ? new Date(w.first_response_due).getTime() : null;
    if (due === null) return null;
    const mins = Math.ceil((due - Date.now()) / 60000);
    if (mins <= 0) return t("etaOverdue");
    if (mins <= 60) return t("etaMinutes", mins);
    const d = new Date(due), now = new Date();
    const hm = d.toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
    if (d.toDateString() === now.toDateString()) return t("etaToday", hm);
    const day = d.toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", { month: "short", day: "numeric" });
    return t("etaLater", `${day} ${hm}`);
  }

  let typingTimer = null;
  function staffTyping(name) {
    const old = log.querySelector(".msg.staff-typing");
    if (old) old.remove();
    clearTimeout(typingTimer);
    if (!name) return;
    const row = el("div", "msg staff staff-typing");
    row.append(el("span", "who", name), el("div", "bubble", t("staffTyping", name)));
    log.appendChild(row); scroll();
    typingTimer = setTimeout(() => staffTyping(null), 8000);
  }

  // Staff wrote while the panel was closed or the tab in the background: the launcher (embedded) or the
  // tab title (standalone) counts unread messages until the customer looks again.
  let unseen = 0;
  const baseTitle = () => t("title");
  function unread() {
    if (document.body.classList.contains("embedded")) {
      parent.postMessage({ type: "qinghe-widget-unread" }, "*");
    } else if (document.hidden) {
      unseen += 1;
      document.title = t("unread", unseen) + baseTitle();
    }
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && unseen) { unseen = 0; document.title = baseTitle(); }
  });

  async function send(text) {
    busy = true; $("send").disabled = true;
    const mine = bubble("customer", text);
    let dots = typingRow(t("typing"));
    const stopTyping = () => { if (dots) { dots.remove(); dots = null; } };
    try {
      const r = await fetch("/v1/widget/messages", {
        method: "POST", headers: { "content-type": "application/json", "x-widget-token": token },
        body: JSON.stringify({ text }),
      });
      if (!r.ok) throw new Error(String(r.status));
      let reply = null;
      await readSSE(r, (kind, data) => {
        if (kind === "meta") {
          masked(mine.b, data.redacted_text);
          if (data.pii_types.length) mine.row.appendChild(el("span", "stored", t("stored", maskedKinds(data.redacted_text))));
          if (data.waiting) { stopTyping(); ack(mine.row); }
          if (data.handoff) notice(t("handoff"));
          if (data.waiting !== undefined) waiting(data.waiting);
        } else if (kind === "token") {
          stopTyping();
          if (!reply) { reply = bubble("bot", "", t("bot")); reply.raw = ""; }
          reply.raw += data.text;
          reply.b.textContent = withoutSourceLine(reply.raw); scroll();
        } else if (kind === "done") {
          stopTyping();
          if (!reply) return;
          reply.b.textContent = data.sources.length ? withoutSourceLine(reply.raw) : reply.raw;
          sources(reply.row, data.sources);
          if (data.reply_message_id && data.action === "answer") feedback(reply.row, data.reply_message_id);
          reply.row.dataset.done = "1";
          scroll();
        }
      });
    } catch (e) {
      notice(t("error"));
    } finally {
      stopTyping();
      busy = false; $("send").disabled = false; input.focus();
    }
  }

  async function submit(e) {
    if (e) e.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    try {
      const p = await api("/v1/widget/preview", { text });
      if (p.warn) {
        masked($("pii-preview"), p.redacted);
        $("pii-warning").hidden = false;
        $("pii-send").focus();
        return;
      }
    } catch (err) { /* preview is advisory; send anyway */ }
    input.value = "";
    send(text);
  }

  form.addEventListener("submit", submit);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  $("pii-edit").onclick = () => { $("pii-warning").hidden = true; input.focus(); };
  $("pii-send").onclick = () => {
    $("pii-warning").hidden = true;
    const text = input.value.trim(); input.value = "";
    if (text) send(text);
  };
  $("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; local.set(KEY + "-lang", lang); applyStrings(); };
  if (params.get("embed") === "1") {
    document.body.classList.add("embedded");
    $("close").hidden = false;
    $("close").onclick = () => parent.postMessage({ type: "qinghe-widget-close" }, "*");
  }
  applyStrings();
  restore().then(listen);
})();

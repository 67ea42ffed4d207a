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
      piiEdit: "返回修改", piiSend: "仍然发送", stored: "已隐去敏感信息，保存为：",
      sources: "参考来源", helpful: "有帮助", notHelpful: "没帮助", thanks: "感谢您的反馈",
      commentLabel: "补充说明（可选）", submit: "提交",
      handoff: "已为您转接人工客服，请稍候，专员会在这里回复您。",
      joined: (n) => `人工客服 ${n} 已加入对话`, staff: "人工客服",
      returned: "人工客服已结束服务，智能助手将继续为您解答。", resolved: "本次人工服务已完成，感谢您的耐心。",
      error: "抱歉，发送失败，请稍后再试。", you: "您", bot: "小禾",
    },
    en: {
      title: "Qinghe Bank Online Service", subtitle: "Assistant · 24/7", send: "Send", close: "Close",
      placeholder: "Type your question, e.g. I lost my credit card", inputLabel: "Type your question",
      footer: "Never send passwords or verification codes. We will never ask for them.",
      welcome: "Hello, I'm the Qinghe Bank assistant. How can I help you?",
      piiTitle: "Your message contains an ID or card number",
      piiBody: "For your safety, please don't send full ID or card numbers in chat. If you send it anyway, only this masked form is stored:",
      piiEdit: "Edit message", piiSend: "Send anyway", stored: "Personal data hidden; stored as:",
      sources: "Sources", helpful: "Helpful", notHelpful: "Not helpful", thanks: "Thanks for your feedback",
      commentLabel: "Tell us more (optional)", submit: "Submit",
      handoff: "You've been passed to our service staff. Please wait; they will reply here.",
      joined: (n) => `${n} from our service team has joined`, staff: "Service staff",
      returned: "Our staff have finished; the assistant will continue to help you.",
      resolved: "Your case has been handled. Thank you for your patience.",
      error: "Sorry, the message could not be sent. Please try again.", you: "You", bot: "Assistant",
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
    const b = el("div", "bubble", text);
    row.appendChild(b);
    log.appendChild(row);
    scroll();
    return { row, b };
  }
  function notice(text) { log.appendChild(el("p", "notice", text)); scroll(); }

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
    };
    box.append(up, down);
    row.appendChild(box);
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

  async function startSession() {
    const r = await fetch("/v1/widget/sessions", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ language: lang }),
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
          const who = m.role === "customer" ? null : m.role === "staff" ? t("staff") : t("bot");
          const { row } = bubble(m.role === "customer" ? "customer" : m.role, m.text, who);
          if (m.role === "bot") sources(row, m.citations.map((c) => ({ title: c.title, url: c.source })));
        });
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
          else if (kind === "staff_joined") notice(t("joined", data.name));
          else if (kind === "staff_message") bubble("staff", data.text, data.name || t("staff"));
          else if (kind === "returned_to_bot") notice(t("returned"));
          else if (kind === "resolved") notice(t("resolved"));
        });
      } catch (e) { /* connection dropped: retry below */ }
      await new Promise((res) => setTimeout(res, 2000));
    }
  }

  async function send(text) {
    busy = true; $("send").disabled = true;
    const mine = bubble("customer", text);
    try {
      const r = await fetch("/v1/widget/messages", {
        method: "POST", headers: { "content-type": "application/json", "x-widget-token": token },
        body: JSON.stringify({ text }),
      });
      if (!r.ok) throw new Error(String(r.status));
      let reply = null;
      await readSSE(r, (kind, data) => {
        if (kind === "meta") {
          mine.b.textContent = data.redacted_text;
          if (data.pii_types.length) mine.row.appendChild(el("span", "stored", t("stored") + " " + data.redacted_text));
          if (data.handoff) notice(t("handoff"));
        } else if (kind === "token") {
          if (!reply) reply = bubble("bot", "", t("bot"));
          reply.b.textContent += data.text; scroll();
        } else if (kind === "done" && reply) {
          sources(reply.row, data.sources);
          if (data.reply_message_id && data.action === "answer") feedback(reply.row, data.reply_message_id);
          reply.row.dataset.done = "1";
        }
      });
    } catch (e) {
      notice(t("error"));
    } finally {
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
        $("pii-preview").textContent = p.redacted;
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

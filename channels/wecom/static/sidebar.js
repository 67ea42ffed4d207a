/* The group copilot's sidebar, opened from WeCom's chat toolbar in an external customer group.

   It lists the drafts the agent wrote for the current group; the owner edits one and sends it with the
   JS-SDK's sendChatMessage (WeCom posts it as the owner, only on this click), sends a 微信客服 link for
   a private follow-up, or dismisses it. Every outcome is recorded through our API. */
"use strict";
(function () {
  const KINDS = { answer: "回答", acknowledge: "投诉安抚", private_followup: "私下跟进", reminder: "群规提醒", education: "金融知识" };
  const $ = (id) => document.getElementById(id);
  let chatId = null;

  async function api(path, body) {
    const r = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) throw Object.assign(new Error((data && data.error && data.error.message) || "请求失败"), { status: r.status });
    return data;
  }

  function notice(text, isError) {
    const n = $("notice");
    n.textContent = text;
    n.className = "notice" + (isError ? " error" : "");
    n.hidden = !text;
  }

  /* wx.invoke as a promise: resolves on "<name>:ok", rejects with WeCom's err_msg otherwise. */
  function invoke(name, args) {
    return new Promise((resolve, reject) => {
      window.wx.invoke(name, args, (res) => {
        if (res && res.err_msg === name + ":ok") resolve(res);
        else reject(new Error((res && res.err_msg) || name + ":fail"));
      });
    });
  }

  function configure(cfg) {
    return new Promise((resolve, reject) => {
      window.wx.config({ beta: true, debug: false, appId: cfg.corp_id, timestamp: cfg.timestamp,
        nonceStr: cfg.nonce, signature: cfg.signature, jsApiList: cfg.apis });
      window.wx.error((res) => reject(new Error(res && res.errMsg ? res.errMsg : "wx.config failed")));
      window.wx.ready(() => {
        window.wx.agentConfig({ corpid: cfg.corp_id, agentid: cfg.agent_id, timestamp: cfg.timestamp,
          nonceStr: cfg.nonce, signature: cfg.agent_signature, jsApiList: cfg.apis,
          success: resolve, fail: (res) => reject(new Error((res && res.errMsg) || "agentConfig failed")) });
      });
    });
  }

  function timeOf(iso) {
    const d = new Date(iso);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }

  function render(drafts) {
    const list = $("drafts");
    list.replaceChildren();
    $("empty").hidden = drafts.length > 0;
    for (const d of drafts) {
      const li = $("draft-template").content.firstElementChild.cloneNode(true);
      li.dataset.id = d.id;
      const kind = li.querySelector(".kind");
      kind.textContent = KINDS[d.kind] || d.kind;
      kind.classList.add("k-" + d.kind);
      li.querySelector(".asker").textContent = d.asker_label ? "@" + d.asker_label : "";
      li.querySelector(".when").textContent = timeOf(d.created_at);
      li.querySelector(".when").dateTime = d.created_at;
      const q = li.querySelector(".question");
      q.textContent = d.question || "";
      q.hidden = !d.question;
      li.querySelector(".text").value = d.text;
      const sources = li.querySelector(".sources");
      for (const s of d.sources || []) {
        const a = document.createElement("a");
        a.href = s.url; a.textContent = "来源：" + s.title; a.target = "_blank"; a.rel = "noopener";
        const item = document.createElement("li");
        item.append(a);
        sources.append(item);
      }
      const followup = li.querySelector(".followup");
      followup.hidden = !d.followup_url;
      li.querySelector(".send").addEventListener("click", () => send(li, d));
      followup.addEventListener("click", () => sendFollowup(li, d));
      li.querySelector(".dismiss").addEventListener("click", () => dismiss(li, d));
      list.append(li);
    }
  }

  function busy(li, on) { li.querySelectorAll("button, textarea").forEach((b) => { b.disabled = on; }); }

  function done(li) {
    li.remove();
    $("empty").hidden = $("drafts").children.length > 0;
  }

  async function send(li, d) {
    const text = li.querySelector(".text").value.trim();
    if (!text) { notice("草稿内容为空，无法发送。", true); return; }
    busy(li, true);
    try {
      await invoke("sendChatMessage", { msgtype: "text", enterChat: false, text: { content: text } });
    } catch (e) {
      busy(li, false);
      if (!/cancel/.test(e.message)) notice("发送失败：" + e.message, true);
      return;
    }
    await record(li, `/v1/wecom/drafts/${encodeURIComponent(d.id)}/sent`, { text });
  }

  async function sendFollowup(li, d) {
    const desc = "为保护您的信息安全，请点此与青禾银行客服一对一沟通。";
    busy(li, true);
    try {
      await invoke("sendChatMessage", { msgtype: "news", enterChat: false,
        news: { link: d.followup_url, title: "青禾银行微信客服", desc, imgUrl: "" } });
    } catch (e) {
      busy(li, false);
      if (!/cancel/.test(e.message)) notice("发送失败：" + e.message, true);
      return;
    }
    await record(li, `/v1/wecom/drafts/${encodeURIComponent(d.id)}/sent`, { text: `${desc} ${d.followup_url}` });
  }

  async function dismiss(li, d) {
    busy(li, true);
    await record(li, `/v1/wecom/drafts/${encodeURIComponent(d.id)}/dismiss`, {});
  }

  async function record(li, path, body) {
    try {
      await api(path, body);
      done(li);
      notice("");
    } catch (e) {
      busy(li, false);
      notice("已在群里发送，但记录失败：" + e.message, true);
    }
  }

  async function load() {
    render(await api(`/v1/wecom/groups/${encodeURIComponent(chatId)}/drafts`));
  }

  async function boot() {
    try {
      const code = new URLSearchParams(location.search).get("code");
      const me = await api("/v1/wecom/sidebar/session", code ? { code } : {});
      $("who").textContent = `${me.display_name || me.username} · 群主助手`;
      const cfg = await api("/v1/wecom/sidebar/config?url=" + encodeURIComponent(location.href.split("#")[0]));
      if (!window.wx) throw new Error("请在企业微信客户端中打开此页面");
      await configure(cfg);
      const context = await invoke("getContext", {});
      if (context.entry !== "group_chat_tools") {
        notice("请在客户群的聊天工具栏中打开群助手。");
        return;
      }
      chatId = (await invoke("getCurExternalChat", {})).chatId;
      await load();
      setInterval(() => load().catch(() => {}), 30000);
    } catch (e) {
      notice(e.status === 401 || e.status === 403 ? "无权查看此群的草稿，请联系管理员。" : "无法加载：" + e.message, true);
    }
  }

  document.addEventListener("DOMContentLoaded", boot);
})();

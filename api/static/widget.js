/* Embed: <script src="https://YOUR-HOST/widget.js" defer></script> adds a chat launcher to any page.
   The panel is an iframe of the chat page on our origin, so the host page's CSS and scripts cannot
   reach the conversation (and its token) and ours cannot disturb the host page. */
(function () {
  "use strict";
  if (window.__qingheWidget) return;
  window.__qingheWidget = true;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/widget.js", location.href).origin;
  var zh = (navigator.language || "zh").toLowerCase().indexOf("zh") === 0;
  var css = "#qh-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;" +
    "padding:12px 18px;border:0;border-radius:999px;background:#1e7f5a;color:#fff;font:600 15px/1 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;" +
    "box-shadow:0 8px 24px rgba(15,61,46,.3);cursor:pointer}#qh-launcher:hover{background:#17694a}" +
    "#qh-launcher:focus-visible{outline:3px solid #7cc4a2;outline-offset:2px}" +
    "#qh-badge{min-width:20px;height:20px;padding:0 6px;border-radius:999px;background:#d92d20;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}" +
    "#qh-badge[hidden]{display:none}" +
    "#qh-panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:380px;height:600px;max-height:calc(100vh - 104px);" +
    "border:0;border-radius:14px;box-shadow:0 16px 48px rgba(15,61,46,.28);background:#fff}" +
    "@media (max-width:520px){#qh-panel{right:0;bottom:0;width:100%;height:100%;max-height:none;border-radius:0}}";
  var style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
  var button = document.createElement("button");
  button.id = "qh-launcher";
  button.type = "button";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "qh-panel");
  var label = zh ? "在线客服" : "Chat with us";
  var text = document.createElement("span");
  text.textContent = label;
  var badge = document.createElement("span");
  badge.id = "qh-badge";
  badge.hidden = true;
  button.appendChild(text);
  button.appendChild(badge);
  var frame = null;
  // Staff replied while the panel was closed: count on the launcher and in the page title until opened.
  var unread = 0;
  var pageTitle = document.title;
  function setUnread(n) {
    unread = n;
    badge.hidden = n === 0;
    badge.textContent = String(n);
    button.setAttribute("aria-label", n ? label + (zh ? "（" + n + " 条新消息）" : " (" + n + " new)") : label);
    document.title = n ? "(" + n + ") " + (zh ? "客服新消息 · " : "New message · ") + pageTitle : pageTitle;
  }
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "qh-panel";
      frame.title = zh ? "青禾银行在线客服" : "Qinghe Bank chat";
      // A tier signed by the bank's own site (data-customer-id, data-tier, data-expires, data-signature on
      // the script tag) travels to the chat page, which shows it to the server; unsigned tiers are ignored.
      var claim = script && script.dataset.signature ? "&tier=" + encodeURIComponent(JSON.stringify({
        customer_id: script.dataset.customerId, tier: script.dataset.tier,
        expires: Number(script.dataset.expires || 0), signature: script.dataset.signature,
      })) : "";
      frame.src = origin + "/?embed=1" + claim;
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    if (unread) setUnread(0);
  }
  function close() {
    if (frame) frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  button.addEventListener("click", function () { frame && !frame.hidden ? close() : open(); });
  window.addEventListener("message", function (e) {
    if (e.origin !== origin || !e.data) return;
    if (e.data.type === "qinghe-widget-close") close();
    else if (e.data.type === "qinghe-widget-unread" && frame && (frame.hidden || document.hidden)) setUnread(unread + 1);
  });
  document.body.appendChild(button);
})();

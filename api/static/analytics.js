/* The analytics screen: KPIs and bar charts drawn as SVG from GET /v1/analytics (no chart library). */
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const REASONS = { complaint: "投诉", urgent_risk: "紧急风险", human_request: "要求人工", account: "账户事务", low_confidence: "无法回答" };
  const $ = (id) => document.getElementById(id);
  const pct = (x) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
  const num = (x, unit) => (x === null || x === undefined ? "—" : `${x}${unit || ""}`);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, String(v)));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Horizontal bars: one row per label, the value written after the bar.
  function hbars(box, rows) {
    const h = 26 * Math.max(rows.length, 1) + 8, w = 480, left = 90, max = Math.max(1, ...rows.map((r) => r[1]));
    const s = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" });
    rows.forEach(([label, value], i) => {
      const y = 6 + i * 26, len = ((w - left - 40) * value) / max;
      s.append(svg("text", { x: 0, y: y + 14 }, label),
        svg("rect", { class: "bar", x: left, y, width: Math.max(len, value ? 2 : 0), height: 18, "data-value": value }),
        svg("text", { x: left + len + 6, y: y + 14 }, String(value)));
    });
    box.replaceChildren(s);
  }

  // Grouped columns per day: conversations and handoffs.
  function columns(box, days) {
    const w = 1000, h = 220, bottom = 24, max = Math.max(1, ...days.map((d) => d.conversations));
    const step = w / Math.max(days.length, 1), bw = Math.max(2, step / 2 - 2);
    const s = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": "每日会话与转人工" });
    days.forEach((d, i) => {
      const x = i * step + 2, hc = ((h - bottom - 14) * d.conversations) / max, hh = ((h - bottom - 14) * d.handoffs) / max;
      s.append(svg("rect", { class: "bar-conv", x, y: h - bottom - hc, width: bw, height: hc, "data-value": d.conversations }),
        svg("rect", { class: "bar-ho", x: x + bw, y: h - bottom - hh, width: bw, height: hh, "data-value": d.handoffs }));
      if (days.length <= 10 || i % Math.ceil(days.length / 10) === 0) s.append(svg("text", { x, y: h - 6 }, d.day.slice(5)));
    });
    box.replaceChildren(s);
  }

  function kpi(label, value) {
    const k = el("div", "kpi");
    k.append(el("span", "v", value), el("span", "l", label));
    return k;
  }

  async function load() {
    const q = new URLSearchParams({ days: $("days").value });
    if ($("channel").value) q.set("channel", $("channel").value);
    const r = await fetch("/v1/analytics?" + q);
    if (r.status === 401) { location.href = "/console/login"; return; }
    if (r.status === 403) {
      const box = $("not-admin");
      box.replaceChildren(el("h2", "", "数据分析仅供管理员查看"), el("p", "", "请使用管理员账号登录。"));
      box.hidden = false;
      return;
    }
    const a = await r.json();
    $("kpis").replaceChildren(
      kpi("会话量", String(a.conversations)),
      kpi("机器人独立解决率", pct(a.containment)),
      kpi("转人工率", pct(a.handoff_rate)),
      kpi("首次响应达标率", pct(a.first_response_met)),
      kpi("解决时限达标率", pct(a.resolution_met)),
      kpi("平均首次响应", num(a.mean_first_response_min, " 分钟")),
      kpi("满意度", a.csat_average === null ? "—" : `${a.csat_average} / 5（${a.csat_responses} 份）`),
    );
    columns($("chart-days"), a.days);
    hbars($("chart-reasons"), Object.entries(a.handoff_reasons).map(([k, v]) => [REASONS[k] || k, v]));
    hbars($("chart-csat"), ["5", "4", "3", "2", "1"].map((n) => [`${n} 分`, a.csat_distribution[n] || 0]));
    $("gaps").replaceChildren(...a.top_gaps.map((g) => el("li", "", `${g.question}（${g.count} 次）`)));
    document.body.dataset.loaded = "1";
  }
  $("days").onchange = load;
  $("channel").onchange = load;
  load();
})();

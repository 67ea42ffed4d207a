// Group settings (stored in SQL through PUT /v1/wecom/groups/{chat_id}/settings) and per-group analytics.
(() => {
  const $ = (id) => document.getElementById(id);
  let current = null;

  async function api(path, body, method) {
    const r = await fetch(path, {
      method: method || (body === undefined ? "GET" : "POST"),
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 401) { location.href = "/console/login"; throw new Error("signed out"); }
    const data = await r.json();
    if (!r.ok) throw new Error(data && data.error ? data.error.message : "error");
    return data;
  }
  const list = (text) => text.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  const hhmm = (t) => (t ? t.slice(0, 5) : "");

  function fill(c) {
    current = c;
    $("settings").hidden = false;
    $("f-name").value = c.name || "";
    $("f-owner").value = c.owner_userid || "";
    $("f-admins").value = (c.admin_userids || []).join(", ");
    $("f-purpose").value = c.purpose || "";
    $("f-rules").value = c.rules_text || "";
    $("f-quiet-start").value = hhmm(c.quiet_start);
    $("f-quiet-end").value = hhmm(c.quiet_end);
    $("f-keywords").value = (c.keyword_alerts || []).join(", ");
    $("f-daily").value = c.max_messages_per_member_per_day || "";
    $("f-schedule").value = (c.education_schedule || [])
      .map((s) => `${s.weekday + 1} ${hhmm(s.at)} ${s.topic}`).join("\n");
    $("saved").textContent = "";
  }

  function schedule(text) {
    return text.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
      const [day, at, ...topic] = line.split(/\s+/);
      return { weekday: Number(day) - 1, at, topic: topic.join(" ") };
    });
  }

  async function loadGroups(pick) {
    const groups = await api("/v1/wecom/groups");
    const sel = $("group-select");
    sel.replaceChildren(...groups.map((g) => Object.assign(document.createElement("option"),
      { value: g.chat_id, textContent: g.name ? `${g.name}（${g.chat_id}）` : g.chat_id })));
    const chosen = groups.find((g) => g.chat_id === pick) || groups[0];
    if (chosen) { sel.value = chosen.chat_id; fill(chosen); }
  }

  async function loadStats() {
    const data = await api("/v1/wecom/groups/analytics?days=7");
    const most = Math.max(1, ...data.groups.map((g) => g.message));
    $("stats").tBodies[0].replaceChildren(...data.groups.map((g) => {
      const tr = document.createElement("tr");
      tr.dataset.chat = g.chat_id;
      const csat = g.csat_responses ? `${g.csat_average.toFixed(1)}（${g.csat_responses} 份）` : "—";
      [g.name || g.chat_id, g.message, g.members_active, g.question, g.answered, g.sent_by_owner,
        g.unanswered, g.handoff, g.violations, csat].forEach((v, i) => {
        const td = Object.assign(document.createElement("td"), { textContent: String(v) });
        if (i === 6 && v) td.className = "warn";  // questions nobody answered stand out
        tr.append(td);
      });
      const bar = document.createElement("span");
      bar.className = "bar" + (g.violations ? " bad" : "");
      bar.style.width = `${Math.round((g.message / most) * 120)}px`;
      const td = document.createElement("td"); td.append(bar); tr.append(td);
      return tr;
    }));
  }

  $("group-select").onchange = async (e) => fill(await api(`/v1/wecom/groups/${encodeURIComponent(e.target.value)}/settings`));
  $("new-group").onclick = () => {
    const id = $("new-chat-id").value.trim();
    if (id) fill({ chat_id: id, owner_userid: "", admin_userids: [], keyword_alerts: [], education_schedule: [] });
  };
  $("settings").onsubmit = async (e) => {
    e.preventDefault();
    const body = Object.assign({}, current, {
      name: $("f-name").value.trim(),
      owner_userid: $("f-owner").value.trim(),
      admin_userids: list($("f-admins").value),
      purpose: $("f-purpose").value.trim() || current.purpose,
      rules_text: $("f-rules").value.trim() || current.rules_text,
      quiet_start: $("f-quiet-start").value || null,
      quiet_end: $("f-quiet-end").value || null,
      keyword_alerts: list($("f-keywords").value),
      max_messages_per_member_per_day: $("f-daily").value ? Number($("f-daily").value) : null,
      education_schedule: schedule($("f-schedule").value),
    });
    Object.keys(body).forEach((k) => body[k] === undefined && delete body[k]);
    try {
      const saved = await api(`/v1/wecom/groups/${encodeURIComponent(body.chat_id)}/settings`, body, "PUT");
      await loadGroups(saved.chat_id);
      $("saved").textContent = "已保存";
      await loadStats();
    } catch (err) { $("saved").textContent = "保存失败：" + err.message; }
  };

  loadGroups().then(loadStats).catch((err) => { $("saved").textContent = err.message; });
})();

/* Team management for supervisors (admins): teams, their members and routing rules over /v1/teams. */
"use strict";
(function () {
  const CATEGORIES = { complaint: "投诉", urgent_risk: "紧急风险", human_request: "要求人工", account: "账户事务", low_confidence: "无法回答" };
  const $ = (id) => document.getElementById(id);
  let teams = [], agents = [], editing = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const chips = (values, labels) => {
    const td = el("td");
    values.forEach((v) => td.append(el("span", "chip", (labels && labels[v]) || v)));
    return td;
  };
  const list = (text) => text.split(/[,，]/).map((x) => x.trim()).filter(Boolean);

  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
    const r = await fetch(path, init);
    if (r.status === 401) { location.href = "/console/login"; throw new Error("unauthorized"); }
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) throw Object.assign(new Error((data && data.error && data.error.message) || r.statusText), { status: r.status });
    return data;
  }

  function render() {
    $("team-rows").replaceChildren(...teams.map((t) => {
      const tr = el("tr"); tr.dataset.id = t.id;
      const edit = el("button", "ghost", "编辑"); edit.type = "button"; edit.onclick = () => openForm(t);
      const action = el("td"); action.append(edit);
      tr.append(el("td", "name", t.name), el("td", "", t.id), chips(t.tiers), chips(t.categories, CATEGORIES),
        chips(t.keywords), chips(t.members.map((m) => m.display_name)), el("td", "", String(t.rank)), action);
      return tr;
    }));
  }

  function checks(box, options, chosen, name) {
    box.replaceChildren(...options.map(([value, label]) => {
      const l = el("label"), c = el("input");
      c.type = "checkbox"; c.name = name; c.value = value; c.checked = chosen.includes(value);
      l.append(c, label);
      return l;
    }));
  }

  function openForm(team) {
    editing = team;
    const f = $("team-form");
    $("form-title").textContent = team ? `编辑团队 · ${team.name}` : "新建团队";
    f.elements.id.value = team ? team.id : ""; f.elements.id.readOnly = Boolean(team);
    f.elements.name.value = team ? team.name : "";
    f.elements.rank.value = team ? team.rank : 100;
    f.elements.tiers.value = team ? team.tiers.join(", ") : "";
    f.elements.keywords.value = team ? team.keywords.join(", ") : "";
    checks($("categories"), Object.entries(CATEGORIES), team ? team.categories : [], "category");
    checks($("members"), agents.map((a) => [a.username, `${a.display_name}（${a.username}）`]),
      team ? team.members.map((m) => m.username) : [], "member");
    $("form-error").textContent = "";
    f.hidden = false;
    f.elements[team ? "name" : "id"].focus();
  }

  $("team-form").onsubmit = async (e) => {
    e.preventDefault();
    const f = e.target, id = f.elements.id.value.trim();
    const picked = (name) => [...f.querySelectorAll(`input[name=${name}]:checked`)].map((c) => c.value);
    const body = { name: f.elements.name.value.trim(), rank: Number(f.elements.rank.value || 100),
      tiers: list(f.elements.tiers.value), categories: picked("category"), keywords: list(f.elements.keywords.value) };
    try {
      await api("PUT", `/v1/teams/${encodeURIComponent(id)}`, body);
      await api("PUT", `/v1/teams/${encodeURIComponent(id)}/members`, { usernames: picked("member") });
      f.hidden = true;
      $("status").textContent = `已保存团队「${body.name}」`;
      await load();
    } catch (err) { $("form-error").textContent = `保存失败：${err.message}`; }
  };
  $("form-cancel").onclick = () => { $("team-form").hidden = true; };
  $("new-team").onclick = () => openForm(null);

  async function load() {
    [teams, agents] = await Promise.all([api("GET", "/v1/teams"), api("GET", "/v1/teams/agents")]);
    render();
    document.body.dataset.loaded = "1";
  }

  (async () => {
    const me = await api("GET", "/v1/auth/me");
    if (me.role !== "admin") {
      const box = $("not-admin");
      box.replaceChildren(el("h2", "", "团队管理仅供管理员（主管）使用"), el("p", "", "请使用管理员账号登录。"));
      box.hidden = false;
      return;
    }
    $("teams-panel").hidden = false;
    await load();
  })();
})();

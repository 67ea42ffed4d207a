/* The sign-in form (a file, not inline: the CSP allows scripts from our origin only). */
"use strict";
document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const error = document.getElementById("error");
  const r = await fetch("/v1/auth/login", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: e.target.username.value, password: e.target.password.value }),
  });
  if (r.ok) { location.href = "/console"; return; }
  error.textContent = r.status === 401 ? "用户名或密码错误。"
    : r.status === 429 ? "尝试次数过多，请稍后再试。" : "登录失败，请稍后再试。";
  error.hidden = false;
});

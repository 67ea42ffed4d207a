"""WeCom (企业微信): the 微信客服 one-to-one channel, staff alerts, and the external-group copilot.

Facts this package is designed around (WeCom's developer documentation):
- 微信客服 is fully automatable: a signed, AES-encrypted callback says "pull", `kf/sync_msg` returns the
  messages, `kf/send_msg` replies, `kf/service_state/*` moves a session between bot, queue and human.
- External customer groups cannot be posted into by a bot; a person sends (sidebar JS-SDK or 群发 confirm).
- The group robot webhook only sends, to internal groups: we use it for staff alerts.
"""

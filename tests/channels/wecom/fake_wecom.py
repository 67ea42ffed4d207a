"""A FAKE WeCom API server for tests: WeCom's servers are a boundary we cannot reach from here.

It is a real HTTP server (FastAPI on uvicorn, loopback, a free port) implementing the endpoints our client
calls with WeCom's request and response shapes — `gettoken`, `kf/sync_msg`, `kf/send_msg`,
`kf/send_msg_on_event`, `kf/service_state/get|trans`, `externalcontact/add_msg_template`,
`externalcontact/get_groupmsg_task`, the JS-SDK tickets, OAuth `auth/getuserinfo` and the group
robot `webhook/send` — and keeps state that tests assert on. Faults can be injected per path.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CORP_ID = "ww0123456789abcdef"
SECRET = "kf-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ROBOT_KEY = "robot-key-5b4c3d2e-1f00-4f1e-9d2c-3b4a59687766"
KF_ID = "wkQingheBankKf01"


@dataclass
class FakeWeComState:
    page_size: int = 100
    token_ttl_s: int = 7200
    gettoken_calls: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    inbox: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # open_kfid → msg_list
    sync_calls: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # kf/send_msg bodies, once per msgid
    sent_on_event: list[dict[str, Any]] = field(default_factory=list)
    states: dict[tuple[str, str], tuple[int, str | None]] = field(default_factory=dict)
    trans_calls: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    template_status: dict[str, dict[str, int]] = field(default_factory=dict)  # msgid → userid → status
    robot_messages: list[dict[str, Any]] = field(default_factory=list)
    ticket_calls: list[str] = field(default_factory=list)
    oauth_codes: dict[str, str] = field(default_factory=dict)  # code → userid (set by a test)
    faults: deque[tuple[str, str]] = field(default_factory=deque)  # (path, "http500" | "busy" | "bad_json")
    requests: list[str] = field(default_factory=list)  # every path hit, in order
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def push(self, open_kfid: str, entry: dict[str, Any]) -> str:
        entry.setdefault("msgid", f"msg{uuid.uuid4().hex[:20]}")  # unique across tests (stores persist)
        entry.setdefault("open_kfid", open_kfid)
        entry.setdefault("send_time", int(time.time()))
        self.inbox.setdefault(open_kfid, []).append(entry)
        return str(entry["msgid"])

    def push_customer_text(self, external_userid: str, content: str, open_kfid: str = KF_ID) -> str:
        return self.push(
            open_kfid,
            {
                "external_userid": external_userid,
                "origin": 3,
                "msgtype": "text",
                "text": {"content": content},
            },
        )

    def push_customer_media(self, external_userid: str, msgtype: str, open_kfid: str = KF_ID) -> str:
        entry = {
            "external_userid": external_userid,
            "origin": 3,
            "msgtype": msgtype,
            msgtype: {"media_id": "m1"},
        }
        return self.push(open_kfid, entry)

    def push_servicer_text(
        self, external_userid: str, servicer: str, content: str, open_kfid: str = KF_ID
    ) -> str:
        entry = {
            "external_userid": external_userid,
            "origin": 5,
            "servicer_userid": servicer,
            "msgtype": "text",
            "text": {"content": content},
        }
        return self.push(open_kfid, entry)

    def push_event(self, event: dict[str, Any], open_kfid: str = KF_ID) -> str:
        event.setdefault("open_kfid", open_kfid)
        return self.push(open_kfid, {"origin": 4, "msgtype": "event", "event": event})

    def owner_confirms(self, msgid: str, userid: str) -> None:
        """The owner tapped "send" on the 群发 task in the WeCom client."""
        self.template_status[msgid][userid] = 2

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def fail(self, path: str, kind: str, times: int = 1) -> None:
        self.faults.extend([(path, kind)] * times)


CALLBACK_TOKEN = "cbTokenQingHe"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
_CALLBACK_XML = (
    "<xml><ToUserName><![CDATA[{corp}]]></ToUserName><CreateTime>1780000000</CreateTime>"
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
    "<Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{kf}]]></OpenKfId></xml>"
)


def signed_callback(event_token: str = "ENCcb1", open_kfid: str = KF_ID) -> tuple[bytes, dict[str, str]]:
    """What WeCom POSTs to the callback URL: the encrypted body and the signed query parameters."""
    from channels.wecom.crypto import CallbackCrypto

    crypto = CallbackCrypto(CALLBACK_TOKEN, AES_KEY, CORP_ID)
    xml = _CALLBACK_XML.format(corp=CORP_ID, token=event_token, kf=open_kfid)
    envelope = crypto.encrypt(xml, nonce="n42", timestamp="1780000000")
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    return envelope.encode(), {"msg_signature": signature, "timestamp": "1780000000", "nonce": "n42"}


def _ok(**data: Any) -> JSONResponse:
    return JSONResponse({"errcode": 0, "errmsg": "ok", **data})


def _err(code: int, msg: str) -> JSONResponse:
    return JSONResponse({"errcode": code, "errmsg": msg})


def build_app(state: FakeWeComState) -> FastAPI:
    app = FastAPI()

    def fault(path: str) -> JSONResponse | None:
        state.requests.append(path)
        if state.faults and state.faults[0][0] == path:
            _, kind = state.faults.popleft()
            if kind == "http500":
                return JSONResponse({"detail": "upstream"}, status_code=502)
            if kind == "busy":
                return _err(-1, "system busy")
            return JSONResponse("<html>not json</html>")
        return None

    def token_error(request: Request) -> JSONResponse | None:
        token = request.query_params.get("access_token")
        if not token:
            return _err(41001, "access_token missing")
        if token not in state.valid_tokens:
            return _err(42001, "access_token expired")
        return None

    @app.get("/cgi-bin/gettoken")
    def gettoken(corpid: str, corpsecret: str) -> JSONResponse:
        if (bad := fault("gettoken")) is not None:
            return bad
        state.gettoken_calls += 1
        if corpid != CORP_ID or corpsecret != SECRET:
            return _err(40001, "invalid credential")
        token = state.next_id("AT")
        state.valid_tokens.add(token)
        return _ok(access_token=token, expires_in=state.token_ttl_s)

    @app.get("/cgi-bin/get_jsapi_ticket")
    def jsapi_ticket(request: Request) -> JSONResponse:
        if (bad := fault("get_jsapi_ticket") or token_error(request)) is not None:
            return bad
        state.ticket_calls.append("corp")
        return _ok(ticket=f"corp-ticket-{len(state.ticket_calls)}", expires_in=7200)

    @app.get("/cgi-bin/ticket/get")
    def agent_ticket(request: Request, type: str) -> JSONResponse:
        if (bad := fault("ticket/get") or token_error(request)) is not None:
            return bad
        if type != "agent_config":
            return _err(40097, "invalid type")
        state.ticket_calls.append("agent")
        return _ok(ticket=f"agent-ticket-{len(state.ticket_calls)}", expires_in=7200)

    @app.get("/cgi-bin/auth/getuserinfo")
    def getuserinfo(request: Request, code: str) -> JSONResponse:
        if (bad := fault("auth/getuserinfo") or token_error(request)) is not None:
            return bad
        userid = state.oauth_codes.pop(code, None)  # a code is good for one use
        if userid is None:
            return _err(40029, "invalid code")
        return _ok(userid=userid, user_ticket="")

    @app.post("/cgi-bin/kf/sync_msg")
    async def sync_msg(request: Request) -> JSONResponse:
        if (bad := fault("kf/sync_msg") or token_error(request)) is not None:
            return bad
        body = await request.json()
        state.sync_calls.append(body)
        entries = state.inbox.get(body.get("open_kfid", ""), [])
        start = int(body.get("cursor") or 0)
        size = min(int(body.get("limit", 1000)), state.page_size)
        page = entries[start : start + size]
        end = start + len(page)
        return _ok(next_cursor=str(end), has_more=int(end < len(entries)), msg_list=page)

    @app.post("/cgi-bin/kf/send_msg")
    async def send_msg(request: Request) -> JSONResponse:
        if (bad := fault("kf/send_msg") or token_error(request)) is not None:
            return bad
        body = await request.json()
        msgid = body.get("msgid") or state.next_id("out")
        if not any(sent["msgid"] == msgid for sent in state.sent):  # our msgid makes a retry idempotent
            state.sent.append({**body, "msgid": msgid})
        return _ok(msgid=msgid)

    @app.post("/cgi-bin/kf/send_msg_on_event")
    async def send_msg_on_event(request: Request) -> JSONResponse:
        if (bad := fault("kf/send_msg_on_event") or token_error(request)) is not None:
            return bad
        body = await request.json()
        state.sent_on_event.append(body)
        return _ok(msgid=body.get("msgid") or state.next_id("evt"))

    @app.post("/cgi-bin/kf/service_state/get")
    async def state_get(request: Request) -> JSONResponse:
        if (bad := fault("kf/service_state/get") or token_error(request)) is not None:
            return bad
        body = await request.json()
        current, servicer = state.states.get((body["open_kfid"], body["external_userid"]), (0, None))
        return _ok(service_state=current, servicer_userid=servicer or "")

    @app.post("/cgi-bin/kf/service_state/trans")
    async def state_trans(request: Request) -> JSONResponse:
        if (bad := fault("kf/service_state/trans") or token_error(request)) is not None:
            return bad
        body = await request.json()
        new = int(body["service_state"])
        if new == 3 and not body.get("servicer_userid"):
            return _err(95014, "servicer_userid required for state 3")
        state.trans_calls.append(body)
        state.states[(body["open_kfid"], body["external_userid"])] = (new, body.get("servicer_userid"))
        return _ok(msg_code=state.next_id("CODE") if new == 3 else "")  # a code for the greeting

    @app.post("/cgi-bin/externalcontact/add_msg_template")
    async def add_msg_template(request: Request) -> JSONResponse:
        if (bad := fault("externalcontact/add_msg_template") or token_error(request)) is not None:
            return bad
        body = await request.json()
        msgid = state.next_id("msgGA")
        state.templates.append(body)
        state.template_status[msgid] = {body["sender"]: 0}
        return _ok(fail_list=[], msgid=msgid)

    @app.post("/cgi-bin/externalcontact/get_groupmsg_task")
    async def get_groupmsg_task(request: Request) -> JSONResponse:
        if (bad := fault("externalcontact/get_groupmsg_task") or token_error(request)) is not None:
            return bad
        body = await request.json()
        tasks = state.template_status.get(body["msgid"], {})
        return _ok(next_cursor="", task_list=[{"userid": u, "status": s} for u, s in tasks.items()])

    @app.post("/cgi-bin/webhook/send")
    async def webhook_send(request: Request, key: str) -> JSONResponse:
        if (bad := fault("webhook/send")) is not None:
            return bad
        if key != ROBOT_KEY:
            return _err(93000, "invalid webhook url")
        state.robot_messages.append(await request.json())
        return _ok()

    return app


@contextmanager
def serve_fake_wecom(state: FakeWeComState) -> Iterator[str]:
    """Run the fake on a free loopback port; yields the API base URL (…/cgi-bin)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(build_app(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake WeCom server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/cgi-bin"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""The WeCom server API this channel uses, behind small Protocols, over httpx.

- Access tokens (7,200 s) are cached per client and refreshed early, or at once when WeCom answers
  40014 (invalid) or 42001 (expired).
- Transport errors, HTTP 5xx/429 and WeCom's "system busy" (-1) are retried with exponential backoff;
  after the last attempt `WeComUnavailable` is raised (callers map it to 503 and keep the work queued).
- Any other non-zero `errcode` raises `WeComApiError` at once: retrying a refused request cannot help.
- Credentials travel in query strings (`corpsecret`, `access_token`, the robot `key`): a filter on httpx's
  logger masks them, and our own log lines name the API path, never the URL.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

import httpx

from channels.wecom.config import WeComSettings

log = logging.getLogger(__name__)

TOKEN_ERRCODES = frozenset({40014, 42001})  # invalid / expired access_token: fetch a new one once
RETRYABLE_ERRCODES = frozenset({-1})  # 系统繁忙
TOKEN_REFRESH_MARGIN_S = 300.0  # renew this long before WeCom's expires_in runs out
MAX_BACKOFF_S = 8.0
GROUPMSG_SENT = 2  # get_groupmsg_task: 0 not sent yet, 2 sent by the member


class ServiceState(IntEnum):
    """`service_state` of a 微信客服 session."""

    UNTREATED = 0  # 未处理
    BOT = 1  # 由智能助手接待
    QUEUE = 2  # 待接入池排队中
    HUMAN = 3  # 由人工接待 (needs servicer_userid)
    ENDED = 4  # 已结束/未开始


class WeComApiError(Exception):
    """WeCom refused the request (non-zero errcode that a retry cannot fix)."""

    code = "wecom_api_error"

    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"{path}: errcode {errcode} ({errmsg})")
        self.path = path
        self.errcode = errcode
        self.errmsg = errmsg


class WeComUnavailable(Exception):
    """WeCom could not be reached (or stayed busy) through every attempt: a dependency fault, 503."""

    code = "wecom_unavailable"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class SyncPage:
    next_cursor: str
    has_more: bool
    msg_list: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceStatus:
    state: ServiceState
    servicer_userid: str | None = None


@dataclass(frozen=True)
class TemplateTask:
    """A 客户群群发 task: WeCom shows it to `sender`, who must confirm before anything is posted."""

    msgid: str
    fail_list: list[str] = field(default_factory=list)


class KfApi(Protocol):
    """微信客服: pull messages, reply, and move sessions between bot, queue and human."""

    def sync_msg(
        self, *, open_kfid: str, token: str | None, cursor: str | None, limit: int = 1000
    ) -> SyncPage: ...

    def send_text(
        self, *, open_kfid: str, external_userid: str, content: str, msgid: str | None = None
    ) -> str: ...

    def send_text_on_event(self, *, code: str, content: str, msgid: str | None = None) -> str: ...

    def get_service_state(self, *, open_kfid: str, external_userid: str) -> ServiceStatus: ...

    def trans_service_state(
        self, *, open_kfid: str, external_userid: str, state: ServiceState, servicer_userid: str | None = None
    ) -> str | None: ...


class GroupTemplateApi(Protocol):
    """客户群群发 (`externalcontact/add_msg_template`): a task the group owner confirms in WeCom."""

    def add_group_msg_template(
        self, *, sender: str, content: str, chat_ids: Sequence[str] = ()
    ) -> TemplateTask: ...


class RobotSender(Protocol):
    """The internal group robot webhook: send-only, into one internal staff group."""

    def send_robot_text(self, content: str, mentioned_userids: Sequence[str] = ()) -> None: ...


class AccessTokenCache:
    """One access token reused until shortly before it expires; thread-safe; the clock is injectable."""

    def __init__(
        self,
        fetch: Callable[[], tuple[str, float]],
        clock: Callable[[], float] = time.monotonic,
        margin_s: float = TOKEN_REFRESH_MARGIN_S,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin_s = margin_s
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                token, expires_in = self._fetch()
                self._token = token
                self._expires_at = self._clock() + max(0.0, expires_in - self._margin_s)
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` if it is still the cached one (another thread may have refreshed already)."""
        with self._lock:
            if self._token == token:
                self._token = None


_SECRET_IN_QUERY = re.compile(r"((?:access_token|corpsecret|key|code)=)[^&\s\"']+")


class _MaskQuerySecrets(logging.Filter):
    """httpx logs every request URL at INFO; WeCom's credentials are query parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_IN_QUERY.sub(r"\1***", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_MASK = _MaskQuerySecrets()


def _install_log_mask() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _MASK not in logger.filters:
            logger.addFilter(_MASK)


def new_msgid() -> str:
    """Our id for an outgoing message (≤ 32 chars of [0-9a-zA-Z_-]); reused on retry of the same send."""
    return uuid.uuid4().hex


class WeComClient:
    """The HTTP implementation of `KfApi`, `GroupTemplateApi` and `RobotSender`."""

    def __init__(
        self,
        *,
        corp_id: str,
        secret: str,
        base_url: str,
        robot_key: str | None = None,
        timeout_s: float = 10.0,
        max_attempts: int = 4,
        backoff_base_s: float = 0.5,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        _install_log_mask()
        self._corp_id = corp_id
        self._secret = secret
        self._base = base_url.rstrip("/")
        self._robot_key = robot_key
        self._http = http or httpx.Client(timeout=timeout_s)
        self._max_attempts = max_attempts
        self._backoff_base_s = backoff_base_s
        self._sleep = sleep
        self.tokens = AccessTokenCache(self._fetch_token, clock=clock)
        self._corp_ticket = AccessTokenCache(lambda: self._fetch_ticket("get_jsapi_ticket", {}), clock=clock)
        self._agent_ticket = AccessTokenCache(
            lambda: self._fetch_ticket("ticket/get", {"type": "agent_config"}), clock=clock
        )

    @classmethod
    def from_settings(cls, settings: WeComSettings, **kwargs: Any) -> WeComClient:
        key = settings.robot_webhook_key
        return cls(
            corp_id=settings.corp_id,
            secret=settings.kf_secret.get_secret_value(),
            base_url=settings.api_base_url,
            robot_key=key.get_secret_value() if key else None,
            timeout_s=settings.timeout_s,
            max_attempts=settings.max_attempts,
            backoff_base_s=settings.backoff_base_s,
            **kwargs,
        )

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:  # never the secret
        return f"WeComClient(corp_id={self._corp_id!r}, base_url={self._base!r})"

    # -- 微信客服 -------------------------------------------------------------------------------------

    def sync_msg(
        self, *, open_kfid: str, token: str | None, cursor: str | None, limit: int = 1000
    ) -> SyncPage:
        body: dict[str, Any] = {"open_kfid": open_kfid, "limit": limit}
        if cursor:
            body["cursor"] = cursor
        if token:
            body["token"] = token
        data = self._call("kf/sync_msg", body)
        return SyncPage(
            next_cursor=str(data.get("next_cursor") or cursor or ""),
            has_more=bool(data.get("has_more")),
            msg_list=list(data.get("msg_list") or []),
        )

    def send_text(
        self, *, open_kfid: str, external_userid: str, content: str, msgid: str | None = None
    ) -> str:
        body = {
            "touser": external_userid,
            "open_kfid": open_kfid,
            "msgid": msgid or new_msgid(),
            "msgtype": "text",
            "text": {"content": content},
        }
        return str(self._call("kf/send_msg", body).get("msgid", body["msgid"]))

    def send_text_on_event(self, *, code: str, content: str, msgid: str | None = None) -> str:
        """A message tied to an event's code (welcome_code, or the msg_code of ending a session)."""
        body = {"code": code, "msgid": msgid or new_msgid(), "msgtype": "text", "text": {"content": content}}
        return str(self._call("kf/send_msg_on_event", body).get("msgid", body["msgid"]))

    def get_service_state(self, *, open_kfid: str, external_userid: str) -> ServiceStatus:
        data = self._call(
            "kf/service_state/get", {"open_kfid": open_kfid, "external_userid": external_userid}
        )
        return ServiceStatus(ServiceState(int(data["service_state"])), data.get("servicer_userid") or None)

    def trans_service_state(
        self, *, open_kfid: str, external_userid: str, state: ServiceState, servicer_userid: str | None = None
    ) -> str | None:
        """Move the session; returns WeCom's msg_code (usable once with `send_text_on_event`) if any."""
        if state is ServiceState.HUMAN and not servicer_userid:
            raise ValueError("moving a session to a human needs the servicer's WeCom user id")
        body: dict[str, Any] = {
            "open_kfid": open_kfid,
            "external_userid": external_userid,
            "service_state": state,
        }
        if servicer_userid:
            body["servicer_userid"] = servicer_userid
        code = self._call("kf/service_state/trans", body).get("msg_code")
        return str(code) if code else None

    # -- 客户群群发 -----------------------------------------------------------------------------------

    def add_group_msg_template(
        self, *, sender: str, content: str, chat_ids: Sequence[str] = ()
    ) -> TemplateTask:
        body: dict[str, Any] = {"chat_type": "group", "sender": sender, "text": {"content": content}}
        if chat_ids:
            body["chat_id_list"] = list(chat_ids)
        data = self._call("externalcontact/add_msg_template", body)
        return TemplateTask(msgid=str(data.get("msgid", "")), fail_list=list(data.get("fail_list") or []))

    def groupmsg_sent_by(self, msgid: str, userid: str) -> bool:
        """Whether `userid` confirmed (sent) the 群发 task `msgid` (`get_groupmsg_task` status 2)."""
        cursor = ""
        while True:
            body: dict[str, Any] = {"msgid": msgid, "limit": 1000}
            if cursor:
                body["cursor"] = cursor
            data = self._call("externalcontact/get_groupmsg_task", body)
            for task in data.get("task_list") or []:
                if task.get("userid") == userid:
                    return int(task.get("status", 0)) == GROUPMSG_SENT
            cursor = str(data.get("next_cursor") or "")
            if not cursor:
                return False

    # -- sidebar (an app's client: its own secret) ---------------------------------------------------

    def jsapi_ticket(self) -> str:
        """The corp's JS-SDK ticket for `wx.config` (cached like the access token)."""
        return self._corp_ticket.get()

    def agent_jsapi_ticket(self) -> str:
        """The app's JS-SDK ticket for `wx.agentConfig` (sidebar APIs such as sendChatMessage)."""
        return self._agent_ticket.get()

    def userid_from_oauth_code(self, code: str) -> str | None:
        """The member who opened the sidebar (OAuth `code` → userid); None for a non-member."""
        data = self._get("auth/getuserinfo", {"code": code})
        userid = data.get("userid") or data.get("UserId")
        return str(userid) if userid else None

    # -- group robot ----------------------------------------------------------------------------------

    def send_robot_text(self, content: str, mentioned_userids: Sequence[str] = ()) -> None:
        if not self._robot_key:
            raise WeComApiError("webhook/send", -3, "no robot webhook key configured")
        text: dict[str, Any] = {"content": content}
        if mentioned_userids:
            text["mentioned_list"] = list(mentioned_userids)
        self._send("POST", "webhook/send", {"key": self._robot_key}, {"msgtype": "text", "text": text})

    # -- plumbing -------------------------------------------------------------------------------------

    def _fetch_token(self) -> tuple[str, float]:
        data = self._send("GET", "gettoken", {"corpid": self._corp_id, "corpsecret": self._secret}, None)
        return str(data["access_token"]), float(data.get("expires_in", 7200))

    def _fetch_ticket(self, path: str, params: dict[str, str]) -> tuple[str, float]:
        data = self._get(path, params)
        return str(data["ticket"]), float(data.get("expires_in", 7200))

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A token-authenticated POST; a rejected token is replaced once."""
        return self._authenticated("POST", path, {}, body)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        return self._authenticated("GET", path, params, None)

    def _authenticated(
        self, method: str, path: str, params: dict[str, str], body: dict[str, Any] | None
    ) -> dict[str, Any]:
        token = self.tokens.get()
        try:
            return self._send(method, path, {**params, "access_token": token}, body)
        except WeComApiError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            log.info("wecom %s: access token rejected (errcode %s); fetching a new one", path, exc.errcode)
            self.tokens.invalidate(token)
            return self._send(method, path, {**params, "access_token": self.tokens.get()}, body)

    def _send(
        self, method: str, path: str, params: dict[str, str], body: dict[str, Any] | None
    ) -> dict[str, Any]:
        reason = "no attempt made"
        for attempt in range(self._max_attempts):
            if attempt:
                self._backoff(attempt, path, reason)
            try:
                response = self._http.request(method, f"{self._base}/{path}", params=params, json=body)
            except httpx.TransportError as exc:
                reason = type(exc).__name__
                continue
            if response.status_code >= 500 or response.status_code == 429:
                reason = f"HTTP {response.status_code}"
                continue
            data = _json_object(response, path)
            errcode = int(data.get("errcode", 0))
            if errcode == 0:
                return data
            if errcode in RETRYABLE_ERRCODES:
                reason = f"errcode {errcode}"
                continue
            raise WeComApiError(path, errcode, str(data.get("errmsg", "")))
        log.warning("wecom %s: giving up after %d attempts (%s)", path, self._max_attempts, reason)
        raise WeComUnavailable(path, reason)

    def _backoff(self, attempt: int, path: str, reason: str) -> None:
        delay = min(MAX_BACKOFF_S, self._backoff_base_s * 2 ** (attempt - 1))
        delay *= random.uniform(0.5, 1.0)  # jitter: many workers retrying never stampede in step
        log.info("wecom %s: %s; retry %d in %.2fs", path, reason, attempt, delay)
        self._sleep(delay)


def _json_object(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise WeComApiError(path, -2, f"HTTP {response.status_code} without a JSON object")
    return data

"""JS-SDK configuration for the sidebar page (`wx.config` and `wx.agentConfig` signatures).

The page is opened inside WeCom's chat toolbar; before it may call `getCurExternalChat` or
`sendChatMessage` it must present a signature over the page URL made with the corp's and the app's
JS-SDK tickets (SHA1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, fragment removed).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from wechatpy.utils import WeChatSigner

SIDEBAR_APIS = ("getContext", "getCurExternalChat", "sendChatMessage")


class TicketApi(Protocol):
    def jsapi_ticket(self) -> str: ...

    def agent_jsapi_ticket(self) -> str: ...


def jsapi_signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    signer = WeChatSigner(delimiter=b"&")
    signer.add_data(f"jsapi_ticket={ticket}", f"noncestr={nonce}", f"timestamp={timestamp}", f"url={url}")
    return str(signer.signature)


@dataclass(frozen=True)
class JsSdkConfig:
    corp_id: str
    agent_id: str
    timestamp: int
    nonce: str
    signature: str  # for wx.config
    agent_signature: str  # for wx.agentConfig
    apis: tuple[str, ...] = SIDEBAR_APIS


class JsSdkSigner:
    def __init__(
        self,
        tickets: TicketApi,
        corp_id: str,
        agent_id: str,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: secrets.token_urlsafe(12),
    ) -> None:
        self._tickets = tickets
        self._corp_id = corp_id
        self._agent_id = agent_id
        self._clock = clock
        self._nonce = nonce

    def config_for(self, page_url: str) -> JsSdkConfig:
        url = page_url.split("#", 1)[0]
        timestamp, nonce = int(self._clock()), self._nonce()
        return JsSdkConfig(
            corp_id=self._corp_id,
            agent_id=self._agent_id,
            timestamp=timestamp,
            nonce=nonce,
            signature=jsapi_signature(self._tickets.jsapi_ticket(), nonce, timestamp, url),
            agent_signature=jsapi_signature(self._tickets.agent_jsapi_ticket(), nonce, timestamp, url),
        )

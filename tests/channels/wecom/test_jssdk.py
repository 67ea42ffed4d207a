"""JS-SDK signatures (published example) and the sidebar's tickets and OAuth via the fake WeCom server."""

from __future__ import annotations

import hashlib

import pytest

from channels.wecom.client import WeComApiError, WeComClient
from channels.wecom.jssdk import JsSdkSigner, jsapi_signature
from tests.channels.wecom.conftest import FakeClock, FakeWeCom


def test_signature_matches_the_published_example() -> None:
    # The JS-SDK documentation's worked example (same algorithm for WeChat and WeCom).
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    signature = jsapi_signature(
        ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"
    )
    assert signature == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_sidebar_config_signs_the_page_url_with_both_tickets(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    signer = JsSdkSigner(wecom_client, "ww01", "1000005", clock=lambda: 1_780_000_000, nonce=lambda: "n0nce")
    config = signer.config_for("https://cs.qinghebank.example.cn/wecom/sidebar?x=1#drafts")
    url = "https://cs.qinghebank.example.cn/wecom/sidebar?x=1"
    corp = f"jsapi_ticket=corp-ticket-1&noncestr=n0nce&timestamp=1780000000&url={url}"
    agent = f"jsapi_ticket=agent-ticket-2&noncestr=n0nce&timestamp=1780000000&url={url}"
    assert config.signature == hashlib.sha1(corp.encode()).hexdigest()
    assert config.agent_signature == hashlib.sha1(agent.encode()).hexdigest()
    assert "sendChatMessage" in config.apis
    signer.config_for(url)
    assert fake_wecom.state.ticket_calls == ["corp", "agent"]  # tickets are cached for their lifetime
    clock.advance(7200)
    signer.config_for(url)
    assert fake_wecom.state.ticket_calls == ["corp", "agent", "corp", "agent"]


def test_oauth_code_names_the_member_once(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.oauth_codes["c0de"] = "li.na"
    assert wecom_client.userid_from_oauth_code("c0de") == "li.na"
    with pytest.raises(WeComApiError) as caught:
        wecom_client.userid_from_oauth_code("c0de")
    assert caught.value.errcode == 40029

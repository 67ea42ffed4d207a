"""The WeCom API client against the fake WeCom server (a real HTTP server on loopback; see fake_wecom)."""

from __future__ import annotations

import logging

import pytest

from channels.wecom.client import ServiceState, WeComApiError, WeComClient, WeComUnavailable
from channels.wecom.config import WeComSettings
from tests.channels.wecom.conftest import FakeClock, FakeWeCom
from tests.channels.wecom.fake_wecom import CORP_ID, KF_ID, ROBOT_KEY, SECRET


def test_access_token_is_cached_for_its_lifetime_then_renewed(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    for _ in range(3):
        wecom_client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="您好")
    assert fake_wecom.state.gettoken_calls == 1
    clock.advance(7200 - 300 - 1)  # still inside the lifetime less the early-renewal margin
    wecom_client.get_service_state(open_kfid=KF_ID, external_userid="wmCust1")
    assert fake_wecom.state.gettoken_calls == 1
    clock.advance(2)
    wecom_client.get_service_state(open_kfid=KF_ID, external_userid="wmCust1")
    assert fake_wecom.state.gettoken_calls == 2


def test_expired_token_is_refreshed_once_and_the_call_succeeds(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    wecom_client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="第一条")
    fake_wecom.state.expire_tokens()  # WeCom invalidated it early (42001)
    wecom_client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="第二条")
    assert fake_wecom.state.gettoken_calls == 2
    assert [m["text"]["content"] for m in fake_wecom.state.sent] == ["第一条", "第二条"]


def test_transient_faults_are_retried_with_growing_backoff(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    fake_wecom.state.fail("kf/send_msg", "http500")
    fake_wecom.state.fail("kf/send_msg", "busy")
    wecom_client.send_text(
        open_kfid=KF_ID, external_userid="wmCust1", content="稍后重试也只送达一次", msgid="m-1"
    )
    assert len(fake_wecom.state.sent) == 1
    assert len(clock.sleeps) == 2
    assert 0.25 <= clock.sleeps[0] <= 0.5 and 0.5 <= clock.sleeps[1] <= 1.0


def test_persistent_outage_raises_unavailable(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    wecom_client.tokens.get()
    fake_wecom.state.fail("kf/sync_msg", "http500", times=4)
    with pytest.raises(WeComUnavailable) as caught:
        wecom_client.sync_msg(open_kfid=KF_ID, token="t", cursor=None)
    assert caught.value.code == "wecom_unavailable"
    assert fake_wecom.state.requests.count("kf/sync_msg") == 4


def test_unreachable_server_raises_unavailable(clock: FakeClock) -> None:
    client = WeComClient(
        corp_id=CORP_ID,
        secret=SECRET,
        base_url="http://127.0.0.1:9/cgi-bin",
        max_attempts=2,
        sleep=clock.sleep,
    )
    with pytest.raises(WeComUnavailable) as caught:
        client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="x")
    assert caught.value.path == "gettoken" and caught.value.reason == "ConnectError"


def test_refused_request_is_not_retried(fake_wecom: FakeWeCom, clock: FakeClock) -> None:
    client = WeComClient(corp_id=CORP_ID, secret="wrong", base_url=fake_wecom.base_url, sleep=clock.sleep)
    with pytest.raises(WeComApiError) as caught:
        client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="x")
    assert caught.value.errcode == 40001
    assert fake_wecom.state.gettoken_calls == 1 and clock.sleeps == []


def test_non_json_answer_is_an_api_error(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.fail("kf/service_state/get", "bad_json")
    with pytest.raises(WeComApiError):
        wecom_client.get_service_state(open_kfid=KF_ID, external_userid="wmCust1")


def test_service_state_moves_and_reads_back(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    assert (
        wecom_client.trans_service_state(open_kfid=KF_ID, external_userid="wmCust1", state=ServiceState.QUEUE)
        is None
    )
    code = wecom_client.trans_service_state(
        open_kfid=KF_ID, external_userid="wmCust1", state=ServiceState.HUMAN, servicer_userid="zhang.wei"
    )
    assert code  # WeCom hands back a msg_code for the human's greeting
    status = wecom_client.get_service_state(open_kfid=KF_ID, external_userid="wmCust1")
    assert status.state is ServiceState.HUMAN and status.servicer_userid == "zhang.wei"
    with pytest.raises(ValueError):
        wecom_client.trans_service_state(open_kfid=KF_ID, external_userid="wmCust1", state=ServiceState.HUMAN)


def test_sync_pages_with_cursor(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.page_size = 2
    for n in range(3):
        fake_wecom.state.push_customer_text("wmCust1", f"问题{n}")
    first = wecom_client.sync_msg(open_kfid=KF_ID, token="cb-token", cursor=None)
    second = wecom_client.sync_msg(open_kfid=KF_ID, token="cb-token", cursor=first.next_cursor)
    assert (len(first.msg_list), first.has_more) == (2, True)
    assert (len(second.msg_list), second.has_more) == (1, False)
    assert fake_wecom.state.sync_calls[1]["cursor"] == first.next_cursor
    assert fake_wecom.state.sync_calls[0]["token"] == "cb-token"


def test_group_template_and_event_message(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    task = wecom_client.add_group_msg_template(
        sender="li.na", content="金融知识小课堂", chat_ids=["wrGroup1"]
    )
    assert task.msgid.startswith("msgGA")
    assert fake_wecom.state.templates == [
        {
            "chat_type": "group",
            "sender": "li.na",
            "text": {"content": "金融知识小课堂"},
            "chat_id_list": ["wrGroup1"],
        }
    ]
    wecom_client.send_text_on_event(code="CODE1", content="请为本次服务打分")
    assert fake_wecom.state.sent_on_event[0]["code"] == "CODE1"


def test_robot_webhook_sends_with_mentions(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    wecom_client.send_robot_text("紧急转人工：会话 42", ["li.na"])
    assert fake_wecom.state.robot_messages == [
        {"msgtype": "text", "text": {"content": "紧急转人工：会话 42", "mentioned_list": ["li.na"]}}
    ]


def test_secrets_and_tokens_never_reach_the_logs(
    fake_wecom: FakeWeCom, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": "cbTokenQingHe2026",
            "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
            "robot_webhook_key": ROBOT_KEY,
            "api_base_url": fake_wecom.base_url,
        }
    )
    caplog.set_level(logging.DEBUG)
    # The app's JSON logging quiets httpx; this test needs httpx's request lines to prove they are masked.
    caplog.set_level(logging.DEBUG, logger="httpx")
    logging.getLogger("httpx").disabled = False
    client = WeComClient.from_settings(settings, clock=clock, sleep=clock.sleep)
    logging.getLogger("test").info("settings %s %r / client %r", settings, settings, client)
    fake_wecom.state.fail("kf/send_msg", "busy")
    client.send_text(open_kfid=KF_ID, external_userid="wmCust1", content="hi")
    client.send_robot_text("alert")
    fake_wecom.state.expire_tokens()
    client.get_service_state(open_kfid=KF_ID, external_userid="wmCust1")
    client.close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "gettoken" in logged and "webhook/send" in logged  # httpx did log the requests…
    issued = [f"AT{n:06d}" for n in range(1, 10)]
    for secret in [
        SECRET,
        ROBOT_KEY,
        "cbTokenQingHe2026",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        *issued,
    ]:
        assert secret not in logged  # …with every credential masked

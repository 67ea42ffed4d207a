"""The chat-model path, with a recording fake at LangChain's chat-model interface (a remote LLM API
cannot be reached from CI): what the model is sent, and what of its answer is accepted."""

from __future__ import annotations

import uuid

import pytest
from faker import Faker

from agent.pipeline import Agent
from agent.responders import LLMResponder
from agent.state import Action, IncomingMessage
from core.wiring import Services
from tests.fakes import RecordingChatModel


def agent_with(services: Services, model: RecordingChatModel) -> Agent:
    return Agent(
        sessions=services.sessions,
        redactor=services.redactor,
        classifier=services.classifier,
        knowledge=services.knowledge,
        responder=LLMResponder(model, services.settings.bank_name),
        pseudonymizer=services.agent.pseudonymizer,
        config=services.agent.config,
    )


@pytest.mark.parametrize(
    "template",
    [
        "我叫{name}，手机{phone}，身份证{ssn}，请问借记卡的转账限额是多少？",
        "卡号{card}，邮箱{email}，住在{address}，App转账每天最多能转多少钱？",
    ],
)
def test_no_personal_data_reaches_the_llm(services: Services, template: str) -> None:
    fake = Faker("zh_CN")
    values = {
        "name": fake.name(),
        "phone": fake.phone_number(),
        "ssn": fake.ssn(),
        "card": fake.credit_card_number(),
        "email": fake.email(),
        "address": fake.street_address(),
    }
    model = RecordingChatModel()
    reply = agent_with(services, model).handle(
        IncomingMessage(text=template.format(**values), sender_id=uuid.uuid4().hex)
    )
    assert reply.action == Action.ANSWER
    assert model.prompts, "the model was called"
    sent = model.sent_text()
    used = [v for k, v in values.items() if "{" + k + "}" in template]
    for value in used:
        assert value not in sent, f"{value!r} reached the LLM prompt"
    assert "<" in sent  # the placeholders did


def test_llm_answer_with_invented_numbers_is_replaced_by_the_extractive_answer(services: Services) -> None:
    model = RecordingChatModel(canned="大额存单起存金额为 123 元，年利率 9.99%。")
    reply = agent_with(services, model).handle(IncomingMessage(text="大额存单多少钱起存？", sender_id="u-x"))
    assert reply.action == Action.ANSWER
    assert reply.reply is not None
    assert "9.99" not in reply.reply and "123 元" not in reply.reply
    assert reply.citations


def test_llm_answer_promising_returns_is_blocked(services: Services) -> None:
    model = RecordingChatModel(canned="这款理财产品保证收益，稳赚不赔。")
    reply = agent_with(services, model).handle(
        IncomingMessage(text="你们的理财产品收益怎么样？", sender_id="u-y")
    )
    assert reply.reply is not None
    assert "稳赚" not in reply.reply and "保证收益" not in reply.reply

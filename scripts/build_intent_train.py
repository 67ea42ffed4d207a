"""Build and check the intent classifier's training set (agent/data/intents/train.jsonl).

Why a script: the hand-written messages live in agent/data/intents/src/<label>.txt (one message a line,
grouped under "## <style>" headers); this script adds a smaller, seeded, programmatic part (templates x
slots, and noise functions: typos/homophones, pinyin abbreviations, voice-typed run-ons, slang, mixed
English) so the set is reproducible, and checks labels, styles and duplicates.

    python scripts/build_intent_train.py          # rebuild train.jsonl
    python scripts/build_intent_train.py --check  # validate the committed file only
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "agent" / "data" / "intents" / "src"
OUT = ROOT / "agent" / "data" / "intents" / "train.jsonl"
# Evaluation sets: nothing in them may be trained on, so their texts are kept out of the training set
# (the held-out split is written separately; a message both writers happened to write stays there only).
EVAL_SETS = (
    ROOT / "evals" / "data" / "escalation_zh.jsonl",
    ROOT / "evals" / "data" / "intents_heldout.jsonl",
)

LABELS = (
    "faq",
    "complaint",
    "human",
    "account",
    "urgent",
    "smalltalk",
    "out_of_scope",
    "followup",
    "affirm",
    "deny",
)
STYLES = ("plain", "colloquial", "slang", "typo", "pinyin", "voice", "story", "mixed", "english")

# Total wanted per label; the generated part fills up to it after the written part.
TARGET = {
    "faq": 680,
    "complaint": 460,
    "urgent": 440,
    "account": 330,
    "human": 280,
    "smalltalk": 270,
    "out_of_scope": 340,
    "followup": 330,
    "affirm": 270,
    "deny": 270,
}

Record = dict[str, str]


def norm(text: str) -> str:
    """Key for duplicate detection: case, spaces and punctuation do not make a message new."""
    return re.sub(r"[\s\W_]+", "", text.lower())


def reserved() -> set[str]:
    """Normalised texts of the evaluation sets, which the training set must not contain."""
    texts: set[str] = set()
    for path in EVAL_SETS:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            texts |= {norm(json.loads(line)["text"]) for line in lines if line.strip()}
    return texts


def read_written() -> list[Record]:
    records: list[Record] = []
    for label in LABELS:
        path = SRC / f"{label}.txt"
        style = ""
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("## "):
                style = line[3:].strip()
                if style not in STYLES:
                    raise SystemExit(f"{path}:{lineno}: unknown style {style!r}")
                continue
            if not style:
                raise SystemExit(f"{path}:{lineno}: message before any '## style' header")
            records.append({"text": line, "label": label, "style": style})
    held = reserved()
    kept = [r for r in records if norm(r["text"]) not in held]
    if len(kept) < len(records):
        dropped = sorted(r["text"] for r in records if norm(r["text"]) in held)
        print(f"dropped {len(dropped)} written messages also in an eval set")
    return kept


# ---------------------------------------------------------------- noise functions

HOMOPHONES = {
    "信用卡": ["信用咔", "信用k", "性用卡"],
    "银行": ["银航", "银杭"],
    "转账": ["转帐", "专账"],
    "账单": ["帐单", "账丹"],
    "利率": ["利律", "立率"],
    "利息": ["利吸", "立息"],
    "手续费": ["收续费", "手序费"],
    "额度": ["额渡", "额肚"],
    "定期": ["定其", "定起"],
    "存款": ["存宽", "纯款"],
    "挂失": ["挂是", "挂湿"],
    "冻结": ["动结", "冻节"],
    "投诉": ["头诉", "投述"],
    "人工": ["人公", "仁工"],
    "客服": ["克服", "客福"],
    "余额": ["与额", "余鹅"],
    "贷款": ["待款", "代款"],
    "还款": ["换款", "还宽"],
    "密码": ["密吗", "秘码"],
    "怎么": ["怎莫", "zen么"],
    "什么": ["什莫", "神马"],
    "多少": ["多小", "都少"],
    "可以": ["可一", "可以以"],
    "的": ["滴", "d"],
    "了": ["勒", "le"],
    "吗": ["嘛", "马"],
    "态度": ["态渡"],
    "服务": ["服物"],
    "被骗": ["被片", "被偏"],
    "盗刷": ["到刷", "盗涮"],
    "谢谢": ["谢写", "蟹蟹"],
    "需要": ["需耀", "需要要"],
    "不用": ["不永", "步用"],
}

PINYIN_ABBR = {
    "信用卡": "xyk",
    "银行卡": "yhk",
    "怎么": "zm",
    "什么": "sm",
    "手续费": "sxf",
    "人工": "rg",
    "客服": "kf",
    "投诉": "ts",
    "转账": "zz",
    "额度": "ed",
    "还款": "hk",
    "利率": "ll",
    "余额": "ye",
    "挂失": "gs",
    "谢谢": "xx",
    "不知道": "bzd",
    "为什么": "wsm",
    "是不是": "sbs",
    "年费": "nf",
    "验证码": "yzm",
    "不用": "by",
    "好的": "hd",
    "真的": "zd",
    "服务": "fw",
    "冻结": "dj",
    "被骗": "bp",
}

ENGLISH_MIX = {
    "信用卡": "credit card",
    "年费": "annual fee",
    "余额": "balance",
    "转账": "transfer",
    "手续费": "fee",
    "额度": "limit",
    "利率": "rate",
    "账单": "bill",
    "人工": "human",
    "客服": "customer service",
    "投诉": "complain",
    "申请": "apply",
    "密码": "password",
    "验证码": "code",
    "还款": "repay",
    "利息": "interest",
    "冻结": "freeze",
    "挂失": "report loss",
    "谢谢": "thanks",
    "好的": "ok",
    "不用了": "no need",
    "账户": "account",
    "网点": "branch",
    "贷款": "loan",
    "手机银行": "app",
    "卡": "card",
}

FILLERS_START = ["那个", "就是", "喂", "嗯", "呃", "我想问一下", "你好", "喂你好", "就是说", "然后"]
FILLERS_MID = ["那个", "就是", "然后", "嗯"]

SLANG = {
    "faq": ["求解", "有没有懂的", "在线等挺急的", "蹲一个回复", "求科普", "小白求问", "家人们谁懂啊"],
    "complaint": ["无语", "服了", "绝了", "离谱", "破防了", "真的会谢", "栓Q", "差评"],
    "urgent": ["救命", "急急急", "在线等", "人麻了", "慌死了", "救救孩子"],
    "account": ["康康", "在线等", "急", "求查"],
    "human": ["救命", "快点", "急", "求求了"],
    "smalltalk": ["哈哈", "嘿嘿", "~", "亲"],
    "out_of_scope": ["求推荐", "有没有懂的", "哈哈", "蹲"],
    "followup": ["捏", "嘞", "哈"],
    "affirm": ["哈", "滴", "~", "！"],
    "deny": ["哈", "啦", "~", "嗷"],
}

SHORT_REPLY = {"followup", "affirm", "deny", "smalltalk"}
PREFIX_SLANG = {"faq", "complaint", "urgent", "account", "human", "out_of_scope"}
PUNCT = re.compile(r"[，。？！、,.?!；;：:\s]+")


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def typo(text: str, rng: random.Random) -> str | None:
    keys = [k for k in HOMOPHONES if k in text]
    if not keys:
        return None
    out = text
    for key in rng.sample(keys, k=min(len(keys), rng.choice([1, 1, 2]))):
        out = out.replace(key, rng.choice(HOMOPHONES[key]), 1)
    return out


def pinyin(text: str, rng: random.Random) -> str | None:
    keys = [k for k in PINYIN_ABBR if k in text]
    if not keys:
        return None
    out = text
    for key in keys:
        out = out.replace(key, PINYIN_ABBR[key])
    return PUNCT.sub(" ", out).strip()


def voice(text: str, rng: random.Random) -> str | None:
    parts = [p for p in PUNCT.split(text) if p]
    if len("".join(parts)) < 4:
        return None
    joined = ""
    for i, part in enumerate(parts):
        if i and rng.random() < 0.5:
            joined += rng.choice(FILLERS_MID)
        joined += part
    return rng.choice(FILLERS_START) + joined


def slang_for(label: str) -> Callable[[str, random.Random], str | None]:
    def apply(text: str, rng: random.Random) -> str | None:
        tag = rng.choice(SLANG[label])
        base = text.rstrip("。！!？?")
        if label in SHORT_REPLY:
            # Short replies take a sentence-final particle, not a tag after a space.
            if len(base) > 8:
                return None
            return base.rstrip("呢啊呀吧") + tag
        sep = "" if len(base) <= 3 else " "
        if label in PREFIX_SLANG and len(tag) >= 2 and rng.random() < 0.4:
            return f"{tag}{sep}{base}"
        return f"{base}{sep}{tag}"

    return apply


def mixed(text: str, rng: random.Random) -> str | None:
    keys = [k for k in ENGLISH_MIX if k in text]
    if not keys:
        return None
    out = text
    for key in rng.sample(keys, k=min(len(keys), 2)):
        out = out.replace(key, f"\0{ENGLISH_MIX[key]}\0", 1)
    # Two English words that end up side by side get a space; next to Chinese they do not.
    out = re.sub(r"(?<=[A-Za-z])\0+(?=[A-Za-z])", " ", out)
    return out.replace("\0", "")


# ---------------------------------------------------------------- templates x slots

FAQ_TOPICS: list[tuple[str, list[str]]] = [
    ("信用卡年费", ["是多少", "怎么收", "能免吗", "什么时候扣"]),
    ("白金卡", ["年费多少", "怎么免年费", "额度一般多少", "可以选Visa吗"]),
    ("标准卡", ["年费多少", "刷几次免年费", "额度范围是多少"]),
    ("青春卡", ["有年费吗", "多大年龄能办", "额度多少"]),
    ("一年定期", ["利率多少", "起存多少", "能提前取吗"]),
    ("三年定期", ["利率多少", "提前取利息怎么算", "会自动转存吗"]),
    ("五年定期", ["利率是多少", "最低存多少"]),
    ("大额存单", ["起存金额多少", "能提前支取吗", "能转让吗", "三年利率多少", "在哪买"]),
    ("通知存款", ["起存多少", "利率多少", "七天的利率多少"]),
    ("活期利息", ["多少", "什么时候结", "怎么算"]),
    ("补卡", ["要多少钱", "要带什么", "多久能拿到", "能在App办吗"]),
    ("跨行取款", ["收费吗", "每月免几次", "手续费多少"]),
    ("境外取现", ["手续费多少", "每天限额多少", "一年能取多少"]),
    ("手机银行转账", ["限额多少", "收手续费吗", "多久到账", "额度怎么调"]),
    ("跨行转账", ["多久到账", "要手续费吗", "周末能到吗", "超过五万怎么算"]),
    ("手机盾", ["怎么开通", "要钱吗", "有什么用"]),
    ("U盾", ["多少钱", "在哪办", "转账限额多少"]),
    ("延时到账", ["是什么", "怎么设置", "能撤销吗"]),
    ("境外汇款", ["手续费多少", "多久到账", "要什么信息", "周末能汇吗"]),
    ("购汇额度", ["一年多少", "怎么查", "能买多少美元"]),
    ("信用卡", ["怎么申请", "审批要几天", "怎么激活", "怎么销户", "账单日能改吗"]),
    ("信用卡免息期", ["多长", "怎么算"]),
    ("最低还款", ["怎么算", "会上征信吗", "有利息吗"]),
    ("信用卡取现", ["手续费多少", "有免息期吗", "额度多少"]),
    ("账单分期", ["手续费多少", "最少多少钱能分", "能提前还吗", "怎么办理"]),
    ("信用卡提额", ["有什么条件", "多久能提一次", "怎么申请"]),
    ("临时额度", ["能用多久", "怎么申请", "到期要一次还清吗"]),
    ("青禾e贷", ["最高能借多少", "利率多少", "申请条件是啥", "能提前还吗", "放款要多久", "能用来买房吗"]),
    ("房贷", ["首付最低几成", "最长贷几年", "提前还款要违约金吗", "利率怎么定", "面签要带什么"]),
    ("公积金组合贷", ["你们能办吗", "怎么申请"]),
    ("理财", ["保本吗", "受存款保险保护吗", "在哪买", "起购多少"]),
    ("风险评估", ["在哪做", "有效期多久", "一天能做几次", "必须去网点吗"]),
    ("天天盈", ["多久到账", "起购多少", "风险高吗", "收益多少"]),
    ("稳享180天", ["要持有多久", "风险等级多少", "赎回几天到账"]),
    ("存款保险", ["保多少", "理财算不算", "要自己申请吗", "是怎么回事"]),
    ("征信", ["怎么查", "不良记录保留几年", "查询收费吗", "错了怎么申诉"]),
    ("网点", ["几点开门", "周末营业吗", "节假日上班吗", "怎么预约取号"]),
    ("手机银行", ["怎么注册", "登录不了怎么办", "支持什么系统", "闪退怎么办", "长辈模式在哪"]),
    ("登录密码", ["忘了怎么办", "输错几次会锁", "有什么要求"]),
    ("预留手机号", ["怎么改", "旧号没了怎么改", "能在App改吗"]),
    ("短信验证码", ["收不到怎么办", "多久能重发"]),
    ("短信通知", ["怎么收费", "怎么关", "怎么开"]),
    ("开户", ["要带什么", "外国人能开吗", "孩子能开吗", "能线上开吗"]),
    ("二类户", ["有什么限制", "怎么开", "一天能转多少"]),
    ("金卡", ["怎么升级", "有什么条件", "有什么好处"]),
    ("存款证明", ["怎么开", "多少钱"]),
    ("吞卡", ["怎么取回", "几天内要取"]),
    ("上门服务", ["怎么预约", "收费吗"]),
    ("客服电话", ["是多少", "几点有人工", "国外怎么打"]),
]
FAQ_PREFIX = ["", "请问", "你好，", "问一下", "想咨询下", "麻烦问下", "我想了解下", "请教一下", "咨询一下"]
FAQ_SUFFIX = ["", "？", "呀", "啊", "呢", "，谢谢", "？急"]

FAQ_EN: list[tuple[str, list[str]]] = [
    ("the credit card annual fee", ["How much is {t}?", "Can I get {t} waived?", "When is {t} charged?"]),
    (
        "a fixed deposit",
        ["What's the rate for {t}?", "Can I withdraw {t} early?", "What's the minimum for {t}?"],
    ),
    ("a large-denomination CD", ["What's the minimum for {t}?", "Can I transfer {t} to someone?"]),
    ("a card replacement", ["How much does {t} cost?", "How long does {t} take?"]),
    (
        "cross-bank transfers",
        ["Are there fees for {t}?", "How long do {t} take?", "Do {t} work on weekends?"],
    ),
    ("the app transfer limit", ["What's {t}?", "How do I raise {t}?", "Can I lower {t}?"]),
    ("an overseas remittance", ["How much is the fee for {t}?", "What details do I need for {t}?"]),
    ("a credit card", ["How do I apply for {t}?", "How do I activate {t}?", "How do I cancel {t}?"]),
    ("bill instalments", ["What are the fees for {t}?", "Can I settle {t} early?"]),
    ("a credit limit increase", ["How do I ask for {t}?", "How often can I get {t}?"]),
    ("the e-loan", ["What's the rate on {t}?", "Who can apply for {t}?", "Can I repay {t} early?"]),
    ("a mortgage", ["What down payment do I need for {t}?", "What's the longest term for {t}?"]),
    ("wealth products", ["Are {t} covered by deposit insurance?", "Are {t} principal-protected?"]),
    ("the risk assessment", ["Where do I take {t}?", "How long is {t} valid?"]),
    ("deposit insurance", ["How much does {t} cover?", "Do I need to apply for {t}?"]),
    (
        "the mobile app",
        ["How do I register for {t}?", "Which phones support {t}?", "Why can't I log in to {t}?"],
    ),
    ("my login password", ["How do I reset {t}?", "What happens if I enter {t} wrong 5 times?"]),
    ("the phone number on my card", ["How do I update {t}?", "Can I change {t} in the app?"]),
    ("SMS alerts", ["How much do {t} cost?", "How do I turn off {t}?"]),
    ("your branches", ["When are {t} open?", "Are {t} open on public holidays?"]),
    ("an account", ["What do I need to open {t}?", "Can a foreigner open {t}?"]),
]
EN_PREFIX = ["", "Hi, ", "Quick question: ", "Hello, ", "Excuse me, "]

ACCOUNT_ZH = [
    "帮我查下{x}",
    "我想看看{x}",
    "查一下{x}",
    "{x}是多少",
    "能告诉我{x}吗",
    "麻烦看下{x}",
]
ACCOUNT_SLOTS = [
    "我卡里的余额",
    "我尾号{n}的卡还有多少钱",
    "我这个月的信用卡账单",
    "我的信用卡还欠多少",
    "我的e贷审批结果",
    "我的房贷剩余本金",
    "我的可用额度",
    "我昨天那笔转账的状态",
    "我的定期到期时间",
    "我理财的持仓收益",
    "我的补卡进度",
    "我投诉的处理进度",
    "我尾号{n}的卡最近的交易",
    "我的提额申请结果",
    "我这个月的最低还款额",
    "我的分期还剩几期",
]
ACCOUNT_WHY = [
    "为什么我的卡被扣了{m}块",
    "我卡上怎么少了{m}元",
    "尾号{n}的卡扣了{m}块是什么钱",
    "昨天那笔{m}元的扣款是啥",
    "我的账单里{m}块的费用是怎么来的",
    "为啥扣了我{m}元年费",
]
ACCOUNT_EN = [
    "What's the balance on my card ending {n}?",
    "Why was I charged {m} yuan yesterday?",
    "Can you check the {m} yuan payment on my statement?",
    "Has my {m} yuan transfer gone through?",
    "Where is my refund of {m} yuan?",
    "What's the status of my credit limit request?",
    "How much is left on my e-loan?",
    "Is my card ending {n} blocked?",
]

URGENT_ZH = [
    "{c}丢了",
    "{c}找不到了，快帮我挂失",
    "{c}被偷了",
    "{c}被盗刷了",
    "{c}里的钱被转走了，不是我操作的",
    "{c}有一笔{m}块的消费不是我刷的",
    "我刚收到{c}扣了{m}元的短信，我没消费",
    "快帮我冻结{c}",
]
URGENT_CARDS = [
    "我的卡",
    "我的信用卡",
    "我的借记卡",
    "我的青禾卡",
    "我的白金卡",
    "我尾号{n}的卡",
    "银行卡",
    "我的金卡",
]
URGENT_SCAM = [
    "有人冒充{who}让我转账，我转了{big}",
    "{who}打电话要我的验证码，我给了",
    "我被{who}骗了{big}块",
    "刚才{who}让我开屏幕共享，现在卡里少了{big}",
    "{who}让我把钱转到安全账户，我已经转了{big}",
]
SCAMMERS = [
    "客服",
    "公安",
    "快递员",
    "淘宝客服",
    "银行工作人员",
    "检察院的人",
    "网贷平台",
    "刷单的人",
    "投资老师",
]
URGENT_EN = [
    "I lost my {c}.",
    "My {c} was stolen.",
    "There's a {m} yuan charge on my {c} I didn't make.",
    "Someone is using my {c}, please block it.",
    "I gave my code to a fake {who} and lost {m} yuan.",
]
EN_CARDS = ["card", "credit card", "debit card", "platinum card", "bank card"]
EN_SCAMMERS = ["bank officer", "police officer", "courier", "customer service agent", "delivery company"]

HUMAN_ZH_CORE = ["转人工", "人工客服", "我要人工", "找真人", "转人工服务", "叫个人来", "我要跟人工说"]
HUMAN_ZH_WRAP = [
    "{h}",
    "{h}吧",
    "麻烦{h}",
    "请帮我{h}",
    "直接{h}",
    "能不能{h}",
    "{h}，谢谢",
    "{h}！",
    "{h}，急",
]
HUMAN_EN = [
    "{p}talk to a human",
    "{p}speak to an agent",
    "{p}transfer me to a real person",
    "{p}connect me with customer service",
    "{p}get me a human agent",
]
HUMAN_EN_P = ["", "I want to ", "Can I ", "Please ", "I'd like to ", "Let me "]

FOLLOWUP_ZH = ["那{x}呢", "{x}呢", "那{x}的呢", "换成{x}呢", "要是{x}呢", "那如果是{x}呢", "{x}的话呢"]
FOLLOWUP_SLOTS = [
    "金卡",
    "白金卡",
    "标准卡",
    "青春卡",
    "普卡",
    "三个月",
    "半年",
    "一年",
    "两年",
    "三年",
    "五年",
    "一万",
    "五万",
    "十万",
    "二十万",
    "五十万",
    "一百万",
    "跨行",
    "同行",
    "境外",
    "柜台",
    "网银",
    "App",
    "ATM",
    "周末",
    "节假日",
    "晚上",
    "二套",
    "首套",
    "3期",
    "6期",
    "12期",
    "24期",
    "美元",
    "港币",
    "欧元",
    "日元",
    "信用卡",
    "借记卡",
    "e贷",
    "大额存单",
    "通知存款",
    "零存整取",
    "天天盈",
    "稳享",
    "外国人",
    "老人",
    "小孩",
    "U盾",
    "手机盾",
]
FOLLOWUP_EN = ["what about {x}?", "and {x}?", "how about {x}?", "what if it's {x}?", "same for {x}?"]
FOLLOWUP_EN_SLOTS = [
    "the gold card",
    "platinum",
    "the youth card",
    "5 years",
    "3 years",
    "6 months",
    "over 50k",
    "over 100k",
    "weekends",
    "holidays",
    "cross-bank",
    "abroad",
    "the counter",
    "online banking",
    "12 instalments",
    "24 months",
    "US dollars",
    "a second home",
    "credit cards",
    "debit cards",
]

OTHER_BANKS = [
    "工商银行",
    "工行",
    "建设银行",
    "建行",
    "农业银行",
    "中国银行",
    "招商银行",
    "招行",
    "交通银行",
    "邮储银行",
    "浦发银行",
    "中信银行",
    "平安银行",
    "微众银行",
    "网商银行",
]
NATIONAL_TOPICS = {"存款保险", "征信", "购汇额度", "公积金组合贷", "客服电话"}
OTHER_BANKS_EN = ["ICBC", "Bank of China", "China Merchants Bank", "CCB", "HSBC", "Citibank", "Ping An Bank"]
PLATFORM_PRODUCTS = [
    "借呗",
    "花呗",
    "微粒贷",
    "京东白条",
    "京东金条",
    "美团月付",
    "余额宝",
    "零钱通",
    "微信分付",
    "抖音月付",
]
PLATFORM_PREDS = [
    "怎么提额",
    "利息多少",
    "逾期了会怎样",
    "怎么开通",
    "怎么关闭",
    "能提前还吗",
    "额度怎么没了",
    "收益多少",
]
GOV_QUESTIONS = [
    "医保卡丢了怎么补",
    "医保卡怎么激活",
    "社保卡丢了怎么补",
    "社保卡过期了怎么换",
    "社保卡在哪里办",
    "公积金怎么提取",
    "公积金怎么查",
    "公积金贷款怎么办理",
    "身份证丢了怎么补",
    "身份证过期了怎么换",
    "护照在哪里办",
    "护照过期了怎么换",
    "驾驶证到期了怎么换",
    "居住证怎么办理",
    "个税怎么查",
    "个税年度汇算怎么办理",
    "社保缴费记录怎么查",
    "医保余额怎么查",
]

AFFIRM_CORE = ["好的", "需要", "可以", "行", "嗯", "好", "要", "是的", "对", "行吧", "可以的", "嗯嗯", "好啊"]
AFFIRM_TAIL = [
    "",
    "，转吧",
    "，麻烦了",
    "，帮我转",
    "，麻烦转一下",
    "，快点",
    "，你安排吧",
    "，就这样",
    "！",
    "。",
]
AFFIRM_EN = ["yes", "yes please", "ok", "sure", "yeah", "yep", "ok sure", "please", "go ahead", "alright"]
AFFIRM_EN_TAIL = ["", ", connect me", "!", ", please do", ", that'd help", ", go on"]

DENY_CORE = ["不用了", "不需要", "算了", "不用", "不要", "不了", "暂时不用", "先不用", "没必要", "不用转"]
DENY_TAIL = ["", "，谢谢", "，我自己看看", "，我再想想", "，就这样吧", "，回头再说", "！", "。", "，先这样"]
DENY_EN = ["no", "no thanks", "nope", "not now", "no need", "nah", "not really", "maybe later"]
DENY_EN_TAIL = ["", ", thanks", ", I'm fine", ", I'll check myself", ".", ", all good"]


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        n=rng.choice(["3867", "1024", "5520", "0912", "7731", "4406"]),
        m=rng.choice(["15", "200", "1,999", "5000", "86", "3200", "12000", "499"]),
        big=rng.choice(["3000", "5000", "8000", "两万", "五万", "12000", "六千多"]),
        c="",
        x="",
        who="",
    )


def templated(label: str, rng: random.Random) -> tuple[str, str]:
    """One (text, style) for `label` from its templates."""
    english = rng.random() < 0.3
    if label == "faq":
        if english:
            topic, qs = rng.choice(FAQ_EN)
            return rng.choice(EN_PREFIX) + rng.choice(qs).format(t=topic), "english"
        topic_zh, preds = rng.choice(FAQ_TOPICS)
        prefix, suffix, pred = rng.choice(FAQ_PREFIX), rng.choice(FAQ_SUFFIX), rng.choice(preds)
        if pred[-1] in "吗呢不" and suffix in ("呀", "啊", "呢"):
            suffix = "？"
        style = (
            "plain" if prefix in ("", "请问", "你好，", "咨询一下") and suffix in ("", "？") else "colloquial"
        )
        return prefix + topic_zh + pred + suffix, style
    if label == "out_of_scope":
        roll = rng.random()
        if english:
            topic, qs = rng.choice(
                [t for t in FAQ_EN if t[0] != "deposit insurance" and not re.search(r"\b(your|my)\b", t[0])]
            )
            return rng.choice(qs).format(t=topic).rstrip(
                "?"
            ) + f" at {rng.choice(OTHER_BANKS_EN)}?", "english"
        if roll < 0.5:
            topic_zh, preds = rng.choice([t for t in FAQ_TOPICS if t[0] not in NATIONAL_TOPICS])
            return rng.choice(OTHER_BANKS) + "的" + topic_zh + rng.choice(preds), "plain"
        if roll < 0.8:
            return rng.choice(PLATFORM_PRODUCTS) + rng.choice(PLATFORM_PREDS), "plain"
        return rng.choice(GOV_QUESTIONS), "plain"
    if label == "account":
        if english:
            return fill(rng.choice(ACCOUNT_EN), rng), "english"
        if rng.random() < 0.5:
            return fill(rng.choice(ACCOUNT_WHY), rng), "colloquial"
        text = rng.choice(ACCOUNT_ZH).replace("{x}", rng.choice(ACCOUNT_SLOTS))
        return fill(text, rng), "plain"
    if label == "urgent":
        if english:
            t = (
                rng.choice(URGENT_EN)
                .replace("{c}", rng.choice(EN_CARDS))
                .replace("{who}", rng.choice(EN_SCAMMERS))
            )
            return fill(t, rng), "english"
        if rng.random() < 0.55:
            t = rng.choice(URGENT_ZH).replace("{c}", rng.choice(URGENT_CARDS))
        else:
            t = rng.choice(URGENT_SCAM).replace("{who}", rng.choice(SCAMMERS))
        return fill(t, rng), "plain"
    if label == "human":
        if english:
            return rng.choice(HUMAN_EN).format(p=rng.choice(HUMAN_EN_P)), "english"
        return rng.choice(HUMAN_ZH_WRAP).format(h=rng.choice(HUMAN_ZH_CORE)), "colloquial"
    if label == "followup":
        if english:
            return rng.choice(FOLLOWUP_EN).format(x=rng.choice(FOLLOWUP_EN_SLOTS)), "english"
        return rng.choice(FOLLOWUP_ZH).format(x=rng.choice(FOLLOWUP_SLOTS)), "colloquial"
    if label == "affirm":
        if english:
            return rng.choice(AFFIRM_EN) + rng.choice(AFFIRM_EN_TAIL), "english"
        return rng.choice(AFFIRM_CORE) + rng.choice(AFFIRM_TAIL), "colloquial"
    if label == "deny":
        if english:
            core, tail = rng.choice(DENY_EN), rng.choice(DENY_EN_TAIL)
            return core + ("" if "thank" in core and "thank" in tail else tail), "english"
        return rng.choice(DENY_CORE) + rng.choice(DENY_TAIL), "colloquial"
    raise KeyError(label)


TEMPLATED = {"out_of_scope", "faq", "account", "urgent", "human", "followup", "affirm", "deny"}
NOISE: dict[str, Callable[[str, random.Random], str | None]] = {
    "typo": typo,
    "pinyin": pinyin,
    "voice": voice,
    "mixed": mixed,
}


def generate(written: list[Record], seed: int = 9) -> list[Record]:
    """Fill each label up to TARGET: noise variants of written Chinese lines, plus templates."""
    rng = random.Random(seed)
    seen = {norm(r["text"]) for r in written} | reserved()
    out: list[Record] = []
    for label in LABELS:
        have = sum(r["label"] == label for r in written)
        need = TARGET[label] - have
        bases = [
            r["text"]
            for r in written
            if r["label"] == label
            and r["style"] in ("plain", "colloquial", "story")
            and is_chinese(r["text"])
        ]
        attempts = 0
        while need > 0 and attempts < 20000:
            attempts += 1
            if label in TEMPLATED and rng.random() < 0.5:
                text, style = templated(label, rng)
            else:
                style = rng.choice(["typo", "pinyin", "voice", "mixed", "slang"])
                fn = slang_for(label) if style == "slang" else NOISE[style]
                made = fn(rng.choice(bases), rng)
                if made is None:
                    continue
                text = made
            key = norm(text)
            if not key or key in seen:
                continue
            seen.add(key)
            out.append({"text": text, "label": label, "style": style})
            need -= 1
    return out


def check(records: list[Record]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(records, 1):
        if set(r) != {"text", "label", "style"}:
            problems.append(f"line {i}: keys {sorted(r)}")
        if r.get("label") not in LABELS:
            problems.append(f"line {i}: label {r.get('label')!r}")
        if r.get("style") not in STYLES:
            problems.append(f"line {i}: style {r.get('style')!r}")
        text = r.get("text", "")
        if not text.strip():
            problems.append(f"line {i}: empty text")
        key = norm(text)
        if key in seen:
            problems.append(f"line {i}: duplicate (up to case/punctuation) of line {seen[key]}: {text!r}")
        seen.setdefault(key, i)
    return problems


def report(records: list[Record], written: int | None = None) -> None:
    labels = Counter(r["label"] for r in records)
    styles = Counter(r["style"] for r in records)
    print(
        f"total {len(records)}"
        + (f" (written {written}, generated {len(records) - written})" if written else "")
    )
    print("labels:", ", ".join(f"{k} {labels[k]}" for k in LABELS))
    print("styles:", ", ".join(f"{k} {styles[k]}" for k in STYLES))
    print(f"english share: {styles['english'] / max(1, len(records)):.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only validate the existing train.jsonl")
    args = parser.parse_args(argv)
    if args.check:
        records = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
        problems = check(records)
        held = reserved()
        problems += [f"in an eval set: {r['text']!r}" for r in records if norm(r["text"]) in held]
        report(records)
    else:
        written = read_written()
        problems = check(written)
        if problems:
            print("\n".join(problems))
            return 1
        records = written + generate(written)
        problems = check(records)
        OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        report(records, written=len(written))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

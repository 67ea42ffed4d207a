"""Labelled PII messages: generated with Faker (gold spans by construction) and loaded from public sets.

Generated messages are customer chat sentences written for this eval. Each `{SLOT}` in a template is
filled by a generator that returns the value and whether it is personal data (`entity`) or a non-PII
number that must not be flagged (`entity=None`, a decoy). Offsets are recorded while the text is built,
so the gold spans are exact.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from privacy.recognizers.checksums import gb11643_check_char


@dataclass(frozen=True)
class GoldSpan:
    """`entity`: one of privacy.ENTITY_TYPES, or None for a decoy; `kind`: the finer sub-type."""

    entity: str | None
    kind: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    spans: tuple[GoldSpan, ...]
    source: str
    language: str

    @property
    def gold(self) -> tuple[GoldSpan, ...]:
        return tuple(s for s in self.spans if s.entity is not None)

    @property
    def decoys(self) -> tuple[GoldSpan, ...]:
        return tuple(s for s in self.spans if s.entity is None)


Slot = Callable[[], tuple[str | None, str]]  # () -> (entity or None, value)


class _Values:
    """Value generators for every slot, drawing from one seeded Faker per locale and one Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.zh = Faker("zh_CN")
        self.zh.seed_instance(seed)
        self.en = Faker("en_US")
        self.en.seed_instance(seed + 1)

    # --- personal data -------------------------------------------------------------------------
    def id18(self) -> str:
        return str(self.zh.ssn())

    def id18_mistyped(self) -> str:
        """A real-looking ID whose check character is wrong (one digit typed wrong by the customer)."""
        good = self.id18()
        right = gb11643_check_char(good[:17])
        return good[:17] + self.rng.choice([c for c in "0123456789X" if c != right])

    def id15(self) -> str:
        """Legacy 15-digit ID (issued until 1999, so born in the 1900s): area (6) + YYMMDD + sequence (3)."""
        # zh_CN's ssn() takes ages; Faker's typed proxy only knows the en_US signature.
        good = str(self.zh.ssn(min_age=30, max_age=90))  # type: ignore[call-arg]
        return good[:6] + good[8:14] + f"{self.rng.randrange(1000):03d}"

    def card_digits(self, length: int | None = None) -> str:
        prefixes = ["622202", "622848", "621700", "622588", "621483", "625807", "628888", "436742", "524094"]
        length = length or self.rng.choice([16, 16, 19, 19, 19])
        body = self.rng.choice(prefixes) + "".join(str(self.rng.randrange(10)) for _ in range(length - 7))
        return body + _luhn_digit(body)

    def card(self) -> str:
        number = self.card_digits()
        style = self.rng.choice(["plain", "plain", "space4", "dash4", "space6"])
        if style == "space4":
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        if style == "dash4":
            return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
        if style == "space6" and len(number) == 19:
            return number[:6] + " " + number[6:]
        return number

    def mobile(self) -> str:
        n = str(self.zh.phone_number())
        style = self.rng.randrange(9)
        formats = [
            n,
            f"{n[:3]} {n[3:7]} {n[7:]}",
            f"{n[:3]}-{n[3:7]}-{n[7:]}",
            f"+86 {n}",
            f"+86-{n[:3]}-{n[3:7]}-{n[7:]}",
            f"+86{n}",
            f"0086 {n}",
            f"(+86){n}",
            f"86-{n}",
        ]
        return formats[style]

    def landline(self) -> str:
        area = self.rng.choice(["010", "021", "020", "0755", "0571", "028", "027", "0532", "0731"])
        # Eight-digit local numbers: the seven-digit ones are almost gone.
        local = str(self.rng.randrange(2, 10)) + "".join(str(self.rng.randrange(10)) for _ in range(7))
        style = self.rng.randrange(6)
        if style == 0:
            return f"{area}-{local}"
        if style == 1:
            return f"({area}){local}"
        if style == 2:
            return f"{area} {local[:4]} {local[4:]}"
        if style == 3:
            return f"+86 {area[1:]} {local[:4]} {local[4:]}"
        if style == 4:
            return f"{area}-{local}转{self.rng.randrange(100, 9999)}"
        return f"{area}-{local}"

    def email(self) -> str:
        return str(self.rng.choice([self.zh, self.en]).email())

    def passport(self) -> str:
        if self.rng.random() < 0.6:
            return "E" + "".join(str(self.rng.randrange(10)) for _ in range(8))
        letter = self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
        return "E" + letter + "".join(str(self.rng.randrange(10)) for _ in range(7))

    def name_zh(self) -> str:
        return str(self.zh.name())

    def name_en(self) -> str:
        return f"{self.en.first_name()} {self.en.last_name()}"

    def address_zh(self) -> str:
        z, r = self.zh, self.rng
        place = f"{z.province()}{z.city_name()}市{z.district()}区"
        street = f"{z.street_name()}{r.randrange(1, 999)}号"
        tail = r.choice(
            [
                "",
                f"{r.randrange(1, 30)}栋{r.randrange(1, 6)}单元{r.randrange(101, 2800)}室",
                f"{r.randrange(1, 20)}号楼{r.randrange(101, 1800)}",
                f"{z.last_name()}{r.choice(['花园', '小区', '家园'])}"
                f"{r.randrange(1, 20)}栋{r.randrange(101, 2000)}室",
            ]
        )
        return r.choice([place, f"{z.city_name()}市{z.district()}区", ""]) + street + tail

    def address_en(self) -> str:
        return str(self.en.street_address())

    # --- other written forms (issue 10: how phone keyboards and voice input give numbers) ------
    def _pick(self, forms: dict[str, Callable[[], str]]) -> tuple[str, str]:
        name = self.rng.choice(sorted(forms))
        return name, forms[name]()

    def _numerals(self, digits: str, share: float = 1.0, capital: bool = False) -> str:
        lower = {"0": "零〇", "1": "一幺", "2": "二两", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七",
                 "8": "八", "9": "九"}
        upper = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
        out = []
        for d in digits:
            if d.isdigit() and self.rng.random() < share:
                out.append(upper[d] if capital else self.rng.choice(lower[d]))
            else:
                out.append(d)
        return "".join(out)

    def mobile_form(self) -> tuple[str, str]:
        n = str(self.zh.phone_number())
        return self._pick({
            "fullwidth": lambda: _fullwidth(n),
            "dots": lambda: f"{n[:3]}.{n[3:7]}.{n[7:]}",
            "pairs": lambda: f"{n[:3]} {n[3:5]} {n[5:7]} {n[7:9]} {n[9:]}",
            "one_by_one": lambda: " ".join(n),
            "brackets": lambda: f"({n[:3]}){n[3:]}",
            "slashes": lambda: f"{n[:3]}/{n[3:7]}/{n[7:]}",
            "line_breaks": lambda: f"{n[:3]}\n{n[3:7]}\n{n[7:]}",
            "chinese_numerals": lambda: self._numerals(n),
            "mixed_numerals": lambda: self._numerals(n, share=0.3),
        })  # fmt: skip

    def id18_form(self) -> tuple[str, str]:
        n = self.id18()
        return self._pick({
            "fullwidth": lambda: _fullwidth(n),
            "groups_6_8_4": lambda: f"{n[:6]} {n[6:14]} {n[14:]}",
            "dashes_6_8_4": lambda: f"{n[:6]}-{n[6:14]}-{n[14:]}",
            "line_breaks": lambda: f"{n[:6]}\n{n[6:14]}\n{n[14:]}",
            "chinese_numerals": lambda: self._numerals(n[:17]) + n[17],
        })  # fmt: skip

    def card_form(self) -> tuple[str, str]:
        n = self.card_digits(self.rng.choice([16, 19]))
        return self._pick({
            "fullwidth": lambda: _fullwidth(n),
            "dots_4": lambda: ".".join(n[i : i + 4] for i in range(0, len(n), 4)),
            "groups_3_5_4_4": lambda: f"{n[:3]} {n[3:8]} {n[8:12]} {n[12:]}",
            "capital_numerals": lambda: self._numerals(n, capital=True),
            "line_breaks": lambda: f"{n[:8]}\n{n[8:]}",
        })  # fmt: skip

    def email_form(self) -> tuple[str, str]:
        address = str(self.zh.email())
        local, domain = address.split("@")
        name, _, tld = domain.rpartition(".")
        return self._pick({
            "fullwidth_at": lambda: f"{local}＠{domain}",
            "at_dot_words": lambda: f"{local} at {name} dot {tld}",
            "paren_at": lambda: f"{local}(at){domain}",
            "bracket_at_dot": lambda: f"{local} [at] {name} [dot] {tld}",
            "chinese_period": lambda: f"{local}@{name}。{tld}",
        })  # fmt: skip

    def landline_local(self) -> str:
        local = str(self.rng.randrange(2, 10)) + "".join(str(self.rng.randrange(10)) for _ in range(7))
        return f"{local[:4]} {local[4:]}"

    def wechat(self) -> str:
        if self.rng.random() < 0.3:
            alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
            return "wxid_" + "".join(self.rng.choice(alphabet) for _ in range(14))
        word = str(self.en.user_name()).replace(".", "_")
        word = word if word[0].isalpha() else "w" + word
        return (word + str(self.rng.randrange(10, 99)))[:20]

    def qq(self) -> str:
        return self.digits(self.rng.choice([6, 8, 9, 10]))

    def account(self) -> str:
        n = self.digits(self.rng.choice([12, 15, 17, 20, 21]))
        return n if self.rng.random() < 0.6 else " ".join(n[i : i + 4] for i in range(0, len(n), 4))

    def permit(self) -> tuple[str, str]:
        return self._pick({
            "hk_macau": lambda: "C" + self.digits(8, first_nonzero=False),
            "home_return": lambda: self.rng.choice("HM") + self.digits(8, first_nonzero=False),
            "taiwan_compatriot": lambda: self.digits(8),
            "to_taiwan": lambda: "L" + self.digits(8, first_nonzero=False),
        })  # fmt: skip

    def passport_other(self) -> str:
        return self.rng.choice(
            [self.digits(9), self.rng.choice("KPGDS") + self.digits(7), "EA" + self.digits(7)]
        )

    def plate(self) -> str:
        province = self.rng.choice("京沪粤浙苏川鄂湘")
        letter = self.rng.choice("ABCDEFGHJK")
        tail = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4))
        return f"{province}{letter}{self.rng.choice(['·', '', ' '])}{self.digits(1, False)}{tail}"

    # --- not personal data -------------------------------------------------------------------
    def digits(self, n: int, first_nonzero: bool = True) -> str:
        head = str(self.rng.randrange(1, 10)) if first_nonzero else str(self.rng.randrange(10))
        return head + "".join(str(self.rng.randrange(10)) for _ in range(n - 1))

    def order_no(self) -> str:
        return self.rng.choice(
            [
                self.digits(self.rng.choice([12, 14, 16, 20])),
                "DD" + self.digits(14),
                f"2024{self.rng.randrange(1, 13):02d}{self.rng.randrange(1, 29):02d}" + self.digits(8),
            ]
        )

    def order18(self) -> str:
        return self.digits(18)

    def luhn_fail16(self) -> str:
        body = self.digits(15)
        wrong = (int(_luhn_digit(body)) + self.rng.randrange(1, 10)) % 10
        return body + str(wrong)

    def txn_ref(self) -> str:
        return self.digits(self.rng.choice([20, 22, 24]))

    def date(self) -> str:
        y, m, d = self.rng.randrange(2019, 2026), self.rng.randrange(1, 13), self.rng.randrange(1, 29)
        return self.rng.choice(
            [f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}", f"{m}月{d}号"]
        )

    def amount(self) -> str:
        value = self.rng.choice([self.rng.randrange(50, 500_000), self.rng.randrange(1, 9999) + 0.5])
        return self.rng.choice([f"{value:,}元", f"¥{value}", f"{value}元", f"{value:.2f}"])

    def tail4(self) -> str:
        return self.digits(4, first_nonzero=False)

    def code6(self) -> str:
        return self.digits(6, first_nonzero=False)

    def hotline(self) -> str:
        return self.rng.choice(["400-860-1234", "95588", "95533", "4008601234", "800-820-8820"])


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _slots(v: _Values) -> dict[str, tuple[str | None, Callable[[], str | tuple[str, str]]]]:
    return {
        "ID18": ("CN_ID_CARD", v.id18),
        "ID18_MISTYPED": ("CN_ID_CARD", v.id18_mistyped),
        "ID15": ("CN_ID_CARD", v.id15),
        "CARD": ("BANK_CARD", v.card),
        "MOBILE": ("PHONE_NUMBER", v.mobile),
        "LANDLINE": ("PHONE_NUMBER", v.landline),
        "EMAIL": ("EMAIL_ADDRESS", v.email),
        "PASSPORT": ("PASSPORT", v.passport),
        "NAME_ZH": ("PERSON", v.name_zh),
        "NAME_EN": ("PERSON", v.name_en),
        "ADDRESS_ZH": ("ADDRESS", v.address_zh),
        "ADDRESS_EN": ("ADDRESS", v.address_en),
        "ID18_MISTYPED_NO_CONTEXT": ("CN_ID_CARD", v.id18_mistyped),
        "MOBILE_FORM": ("PHONE_NUMBER", v.mobile_form),
        "ID18_FORM": ("CN_ID_CARD", v.id18_form),
        "CARD_FORM": ("BANK_CARD", v.card_form),
        "EMAIL_FORM": ("EMAIL_ADDRESS", v.email_form),
        "LANDLINE_LOCAL": ("PHONE_NUMBER", v.landline_local),
        "WECHAT": ("WECHAT_ID", v.wechat),
        "QQ": ("QQ_NUMBER", v.qq),
        "ACCOUNT": ("BANK_ACCOUNT", v.account),
        "PERMIT": ("TRAVEL_PERMIT", v.permit),
        "PASSPORT_OTHER": ("PASSPORT", v.passport_other),
        "PLATE": ("LICENSE_PLATE", v.plate),
        "ORDER_NO": (None, v.order_no),
        "ORDER18": (None, v.order18),
        "LUHN_FAIL16": (None, v.luhn_fail16),
        "TXN_REF": (None, v.txn_ref),
        "DATE": (None, v.date),
        "AMOUNT": (None, v.amount),
        "TAIL4": (None, v.tail4),
        "CODE6": (None, v.code6),
        "HOTLINE": (None, v.hotline),
    }


# Chinese templates: every PII type in several phrasings, non-PII numbers beside and on their own.
TEMPLATES_ZH = [
    "你好，我的身份证号是{ID18}，想查一下信用卡申请进度",
    "身份证：{ID18}，姓名{NAME_ZH}，帮我看看为什么开户失败",
    "证件号码{ID18} 手机{MOBILE}",
    "我叫{NAME_ZH}，身份证号码 {ID18}，昨天在网点办的卡还没激活",
    "帮我核实一下，证件号{ID18}，交易日期{DATE}，金额{AMOUNT}",
    "身份证号{ID18_MISTYPED}，系统说校验不通过是怎么回事",
    "我的身份证是{ID18_MISTYPED}，麻烦查一下",
    "证件号：{ID18_MISTYPED}（可能输错了一位）",
    "老身份证号{ID15}还能用来办业务吗",
    "我父亲的身份证是15位的：{ID15}",
    "卡号{CARD}，{DATE}被扣了{AMOUNT}，我没消费过",
    "我的银行卡 {CARD} 丢了，请马上挂失",
    "信用卡{CARD}的账单日是哪天？",
    "借记卡号是{CARD}，开户人{NAME_ZH}",
    "请问尾号{TAIL4}的卡和{CARD}是同一张吗",
    "转账到{CARD}，收款人{NAME_ZH}，一直显示处理中",
    "我的手机号{MOBILE}，收不到验证码",
    "手机换成{MOBILE}了，怎么改预留手机号",
    "有事打我电话 {MOBILE}，谢谢",
    "联系方式：{MOBILE}，{NAME_ZH}",
    "座机{LANDLINE}，工作日白天都在",
    "公司电话{LANDLINE}，麻烦回个电",
    "邮箱是{EMAIL}，请把对账单发给我",
    "电子账单发到{EMAIL}就行",
    "我的护照号{PASSPORT}，外国人开户需要什么材料",
    "护照：{PASSPORT}，要换汇",
    "我是{NAME_ZH}，上周在{ADDRESS_ZH}附近的网点办的业务",
    "新卡寄到{ADDRESS_ZH}，收件人{NAME_ZH}，电话{MOBILE}",
    "地址改成{ADDRESS_ZH}",
    "我住在{ADDRESS_ZH}，最近的网点在哪",
    "我的英文名是{NAME_EN}，开户名写拼音还是英文？",
    "持卡人{NAME_EN}，卡号{CARD}",
    "客户经理{NAME_ZH}说可以提前还款，是真的吗",
    "帮我查下订单号{ORDER_NO}的退款",
    "订单{ORDER18}还没到账",
    "单号 {ORDER18} 的快递寄的是信用卡吗",
    "快递单号{LUHN_FAIL16}，一直没派送",
    "会员编号{LUHN_FAIL16}的积分怎么兑换",
    "流水号{TXN_REF}，转账失败但钱扣了",
    "交易参考号{TXN_REF}，麻烦查一下",
    "{DATE}转了{AMOUNT}，对方说没收到",
    "我的卡尾号{TAIL4}，今天被冻结了",
    "验证码{CODE6}是你们发的吗？",
    "客服热线{HOTLINE}打不通",
    "理财到期{DATE}，收益{AMOUNT}对吗",
    "贷款合同编号{ORDER_NO}，想提前还款",
    "工单{ORDER_NO}处理到哪一步了",
    "{DATE}那笔{AMOUNT}的消费是什么",
    "存了{AMOUNT}定期，{DATE}到期",
    # other written forms and the types added for issue 10
    "手机{MOBILE_FORM}，麻烦回个电话",
    "我的电话是{MOBILE_FORM}",
    "打这个{MOBILE_FORM}找我",
    "身份证{ID18_FORM}，帮我查下开户进度",
    "证件号码：{ID18_FORM}",
    "卡号{CARD_FORM}要挂失",
    "这张卡{CARD_FORM}被冻结了",
    "邮箱{EMAIL_FORM}，账单发这里",
    "发到我邮箱 {EMAIL_FORM} 吧",
    "姓名：{NAME_ZH}，{ID18_MISTYPED_NO_CONTEXT}，电话{MOBILE}",
    "{NAME_ZH}，{ID18_MISTYPED_NO_CONTEXT}，{MOBILE}，办信用卡",
    "座机{LANDLINE_LOCAL}，白天有人",
    "微信号：{WECHAT}，加我一下",
    "加V：{WECHAT} 发资料",
    "我QQ {QQ}，可以在上面联系",
    "对公账户{ACCOUNT}，转账一直没到",
    "存折账号 {ACCOUNT} 怎么查余额",
    "通行证号码{PERMIT}，能办境外汇款吗",
    "护照号码 {PASSPORT_OTHER}，外籍客户开户",
    "车牌{PLATE}的车贷还款日是哪天",
    "我叫{NAME_ZH}，我的车{PLATE}需要办ETC",
]

TEMPLATES_EN = [
    "Hi, my name is {NAME_EN} and I lost my card {CARD}",
    "Please call me back on {MOBILE}, thanks",
    "My email is {EMAIL}, send the statement there",
    "I live at {ADDRESS_EN}, where is the nearest branch?",
    "Card number {CARD} was charged {AMOUNT} on {DATE}, I did not make it",
    "This is {NAME_EN}, my passport number is {PASSPORT}",
    "Please mail the new card to {ADDRESS_EN}, attention {NAME_EN}",
    "My ID number is {ID18}, can you check my application?",
    "Order {ORDER_NO} was refunded? Reference {TXN_REF}",
    "Transaction ref {TXN_REF} failed on {DATE}",
    "Is the hotline {HOTLINE} open on weekends?",
    "The code {CODE6} came by SMS, is it from you?",
    "My phone is {MOBILE_FORM}, call me after six",
    "Email me at {EMAIL_FORM}",
    "My WeChat: {WECHAT}",
    "Passport number {PASSPORT_OTHER}, I want to open an account",
]

_SLOT = re.compile(r"\{([A-Z0-9_]+)\}")


def _fill(
    template: str, slots: dict[str, tuple[str | None, Callable[[], str | tuple[str, str]]]]
) -> tuple[str, list[GoldSpan]]:
    parts: list[str] = []
    spans: list[GoldSpan] = []
    length = 0
    pos = 0
    for match in _SLOT.finditer(template):
        literal = template[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        entity, make = slots[match.group(1)]
        made = make()
        kind = match.group(1).lower()
        if isinstance(made, tuple):  # (written form, value): the kind names the form
            kind, value = f"{kind}/{made[0]}", made[1]
        else:
            value = made
        spans.append(GoldSpan(entity, kind, length, length + len(value), value))
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(template[pos:])
    return "".join(parts), spans


def generate(n: int, seed: int = 20261124) -> list[LabelledMessage]:
    """n messages, about a fifth in English, cycling through the templates in a seeded order."""
    values = _Values(seed)
    slots = _slots(values)
    rng = random.Random(seed)
    messages = []
    for i in range(n):
        english = i % 5 == 4
        template = rng.choice(TEMPLATES_EN if english else TEMPLATES_ZH)
        text, spans = _fill(template, slots)
        messages.append(LabelledMessage(text, tuple(spans), "generated", "en" if english else "zh"))
    return messages


# --- public data sets -----------------------------------------------------------------------------

CLUENER_LABELS = {"name": "PERSON", "address": "ADDRESS"}
# Street level: what our address recognizers aim at (a city or county alone is not redacted on purpose).
_STREET_LEVEL = re.compile(
    r"[0-9０-９一二三四五六七八九十]+\s*(?:号|弄|栋|幢|座|单元|楼|层|室)|路|街|巷|小区|花园|大厦"
)


def load_cluener_dev(path: Path, n: int, held_out: int = 1000, seed: int = 11) -> list[LabelledMessage]:
    """A seeded sample of n CLUENER sentences from outside the eval's held-out sample (`load_cluener`
    with its defaults): what name rules may be tuned on; the held-out sample is only scored."""
    rows = load_cluener(path, None)
    held = set(random.Random(7).sample(range(len(rows)), held_out))
    rest = [i for i in range(len(rows)) if i not in held]
    return [rows[i] for i in random.Random(seed).sample(rest, min(n, len(rest)))]


def load_cluener(path: Path, n: int | None, seed: int = 7) -> list[LabelledMessage]:
    """CLUENER2020 sentences (a seeded sample of n, or all); `name` → PERSON, `address` → ADDRESS.

    CLUENER end offsets are inclusive. Address spans are split by kind: `street` (has a road or house
    number) and `place` (a region or city name only).
    """
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if n is not None and n < len(rows):
        rows = random.Random(seed).sample(rows, n)
    messages = []
    for row in rows:
        text = row["text"]
        spans = []
        for label, entity in CLUENER_LABELS.items():
            for value, positions in row.get("label", {}).get(label, {}).items():
                for start, end in positions:
                    kind = label
                    if label == "address":
                        kind = "street" if _STREET_LEVEL.search(value) else "place"
                    spans.append(GoldSpan(entity, kind, start, end + 1, text[start : end + 1]))
        messages.append(LabelledMessage(text, tuple(sorted(spans, key=lambda s: s.start)), "cluener", "zh"))
    return messages


# Presidio's labels → ours. Not targeted (ignored as gold; a prediction there counts as a false
# positive): GPE, ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, ZIP_CODE, DOMAIN_NAME, IBAN_CODE, US_SSN,
# IP_ADDRESS, US_DRIVER_LICENSE.
PRESIDIO_SYNTH_LABELS = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "ADDRESS",
    "CREDIT_CARD": "BANK_CARD",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
}


def load_presidio_synth(path: Path, n: int | None) -> list[LabelledMessage]:
    """The first n samples (or all) of presidio-research's synth_dataset_v2, mapped to our entity types."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    if n is not None:
        rows = rows[:n]
    messages = []
    for row in rows:
        text = row["full_text"]
        spans = [
            GoldSpan(
                PRESIDIO_SYNTH_LABELS[s["entity_type"]],
                s["entity_type"].lower(),
                s["start_position"],
                s["end_position"],
                text[s["start_position"] : s["end_position"]],
            )
            for s in row["spans"]
            if s["entity_type"] in PRESIDIO_SYNTH_LABELS
        ]
        messages.append(
            LabelledMessage(text, tuple(sorted(spans, key=lambda s: s.start)), "presidio_synth", "en")
        )
    return messages


# --- profile paragraphs (MultiPriv-style) -----------------------------------------------------------
# One person per paragraph, several attributes linked to them, the name mentioned more than once (the
# second time as written again, a surname with a title, or a given name): what a customer pastes when
# a form asks "describe the account holder", or a staff note. Written for this eval.

PROFILES_ZH = [
    "客户{NAME_ZH}，身份证号{ID18}，现住{ADDRESS_ZH}。{SAME_NAME_ZH}的手机是{MOBILE}，邮箱{EMAIL}，"
    "{DATE}在我行开立借记卡{CARD}，月均流水{AMOUNT}。",
    "本人{NAME_ZH}，证件号码：{ID18_FORM}，联系电话{MOBILE_FORM}。工作单位在{ADDRESS_ZH}，"
    "工资卡{CARD_FORM}，车牌{PLATE}。如需核实请联系{SAME_NAME_ZH}本人。",
    "申请人：{NAME_ZH}\n身份证：{ID18}\n手机：{MOBILE}\n微信号：{WECHAT}\n通讯地址：{ADDRESS_ZH}\n"
    "备注：{SAME_SURNAME_ZH}先生{DATE}来电，订单号{ORDER_NO}的退款未到账。",
    "我爱人叫{NAME_ZH}，她的护照号{PASSPORT}，港澳通行证{PERMIT}。{SAME_NAME_ZH}上个月转了{AMOUNT}到"
    "对公账户{ACCOUNT}，流水号{TXN_REF}，到现在没到账，她QQ {QQ}。",
    "联系人{NAME_ZH}（{SAME_NAME_ZH}的身份证{ID18_MISTYPED_NO_CONTEXT}），住址{ADDRESS_ZH}，"
    "座机{LANDLINE}，邮箱{EMAIL_FORM}。",
]

PROFILES_EN = [
    "Account holder: {NAME_EN}. {SAME_NAME_EN} lives at {ADDRESS_EN} and can be reached on {MOBILE} or "
    "{EMAIL}. Card {CARD} was opened on {DATE}; average balance {AMOUNT}.",
    "My name is {NAME_EN}, passport {PASSPORT_OTHER}. Please send the statement to {EMAIL_FORM}; "
    "{SAME_FIRST_EN} is my first name on the account. Reference {TXN_REF}.",
]


def generate_profiles(n: int, seed: int = 20261203) -> list[LabelledMessage]:
    """n profile paragraphs, about a fifth in English, cycling through the templates in a seeded order."""
    values = _Values(seed)
    slots = _slots(values)
    last: dict[str, str] = {}

    def remember(key: str, make: Callable[[], str]) -> Callable[[], str]:
        def _make() -> str:
            last[key] = make()
            return last[key]

        return _make

    slots["NAME_ZH"] = ("PERSON", remember("zh", values.name_zh))
    slots["NAME_EN"] = ("PERSON", remember("en", values.name_en))
    slots["SAME_NAME_ZH"] = ("PERSON", lambda: last["zh"])
    slots["SAME_SURNAME_ZH"] = ("PERSON", lambda: last["zh"][0])
    slots["SAME_NAME_EN"] = ("PERSON", lambda: last["en"])
    slots["SAME_FIRST_EN"] = ("PERSON", lambda: last["en"].split()[0])
    rng = random.Random(seed)
    messages = []
    for i in range(n):
        english = i % 5 == 4
        template = rng.choice(PROFILES_EN if english else PROFILES_ZH)
        text, spans = _fill(template, slots)
        messages.append(LabelledMessage(text, tuple(spans), "profiles", "en" if english else "zh"))
    return messages

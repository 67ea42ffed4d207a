"""Bank vocabulary and stopwords for keyword search, kept in one place so editors can extend them."""

from __future__ import annotations

# Words jieba must keep whole (its default dictionary splits several of them or ranks them too low).
BANK_TERMS: tuple[str, ...] = (
    "信用卡", "借记卡", "储蓄卡", "银行卡", "社保卡", "挂失", "解挂", "补卡", "换卡", "销户", "开户",
    "激活", "冻结", "解冻", "大额存单", "定期存款", "活期存款", "通知存款", "结构性存款", "存款保险",
    "手机银行", "网上银行", "网银", "云闪付", "快捷支付", "免息期", "最低还款", "最低还款额", "账单日",
    "还款日", "到期还款日", "分期", "账单分期", "现金分期", "取现", "预借现金", "溢缴款", "年费",
    "滞纳金", "违约金", "手续费", "转账", "转账限额", "跨行转账", "跨境汇款", "汇款", "限额", "额度",
    "临时额度", "提额", "理财", "理财产品", "净值", "风险评估", "风险等级", "风险承受能力", "基金定投",
    "征信", "征信报告", "逾期", "房贷", "车贷", "消费贷", "经营贷", "公积金", "提前还款", "等额本息",
    "等额本金", "贷款利率", "市场报价利率", "LPR", "存款利率", "年化利率", "动账", "短信通知", "U盾",
    "USB Key", "验证码", "动态口令", "支付密码", "交易密码", "登录密码", "密码重置", "身份证",
    "营业网点", "柜台", "人工客服", "外汇", "购汇", "结汇", "ATM",
)  # fmt: skip

# Everyday words customers use → the word the knowledge base uses; applied to queries and documents alike
# by the keyword index (after segmentation), so either spelling matches the other.
SYNONYMS: dict[str, str] = {
    "取款机": "atm",
    "自动取款机": "atm",
    "柜员机": "atm",
    "提款机": "atm",
    "储蓄卡": "借记卡",
    "工资卡": "借记卡",
    "登陆": "登录",
    "转帐": "转账",
    "汇钱": "汇款",
    "开卡": "激活",
    "提额": "提额",
    "涨额度": "提额",
    "营业厅": "网点",
    "支行": "网点",
    "app": "手机银行",
    "手机app": "手机银行",
    "掉了": "丢失",
    "丢了": "丢失",
    "弄丢": "丢失",
    "丢": "丢失",
    "吞卡": "吞",
    "吃卡": "吞",
    "上征信": "征信",
    "信用记录": "征信",
    "分期付款": "分期",
    "房屋贷款": "房贷",
    "住房贷款": "房贷",
    "按揭": "房贷",
    "放假": "节假日",
    "过年": "春节",
}

STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 哦 嗯 嘛 么 着 过 得 地 之 与 及 和 或 跟 同 而 且 并 也 都 还 又 就 才 只
    是 在 有 把 被 给 对 向 从 到 于 以 为 让 由 等 个 些 这 那 这个 那个 这些 那些 这样 那样 此 其
    我 你 您 他 她 它 我们 你们 他们 咱们 自己 本人 请 请问 一下 一个 想 想要 要 能 能否 可以 可不可以
    会 应该 需要 怎么 怎么样 怎样 如何 什么 啥 哪 哪些 哪个 为什么 为何 吗 是否 有没有 是不是
    多少 几 一 下 里 上 中 时 时候 如果 的话 但 但是 可是 所以 因为 然后 现在 已经 还是 谢谢 你好
    a an the is are was were be been to of and or in on at for with by from as it this that
    i me my we our you your he she they them do does did can could how what which who when where
    why will would should please
    """.split()
)

"""Chinese names introduced by a phrase (我叫…, 姓名：…, …先生): a fallback for what LAC misses."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

# Common single and compound surnames; a name after 我是 must start with one, which keeps
# "我是想问一下" from being read as a name.
_COMPOUND = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|司徒|夏侯|长孙|宇文|端木|西门|南宫"
_SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺"
    "顾毛郝龚邵钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂向"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
SURNAME = rf"(?:{_COMPOUND}|[{_SINGLE}])"
_SURNAME = SURNAME
# Given-name characters: any CJK character except ones that end the name in speech.
_GIVEN_CJK = (
    r"(?:(?![的想要了在是和跟与请问吗呢啊吧呀哦就也都还又先女经总老说已没他她不现给把被从对])[\u4e00-\u9fff])"
)
# The first character after a form label that cannot start a name ("姓名是什么？", "姓名要写全").
_NOT_NAME_START = r"(?![什怎哪啥多不没和与及或否的要在是为写填改])"
_NAME_END = r"(?=[\s，,。.；;、！!？?）)]|$)"
_INTRO = (
    r"(?<=我叫|我是|名字是|名字叫|英文名是?|英文名叫|name是|姓名[:：]?\s?|本人|户名[:：]?\s?"
    r"|持卡人[:：]?\s?|联系人[:：]?\s?|收件人[:：]?\s?|收款人[:：]?\s?|收货人[:：]?\s?|开户人[:：]?\s?)"
)
# After a form label the next two or three characters are a name whatever the surname (索想, 呼萍).
_FORM_LABEL = (
    r"(?<=(?:姓名|户名|持卡人|联系人|收件人|收款人|收货人|开户人|客户名称|申请人)(?:是|为)?[:：]?\s?)"
)
# Case matters for Latin names even though the recognizer matches case-insensitively.
_LATIN_NAME = r"\s?(?-i:[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2})"
_TITLE = r"(?=先生|女士|小姐|经理|老师|主任|行长|律师|医生)"
# Role words that start with a surname character: "高级经理" and "项目经理" are not names.
_NOT_A_NAME = r"(?!高级|项目|大堂|客户|理财|产品|部门|值班|业务|区域|总)"


# A speaker label at the start of a line or sentence ("张伟：我想问…", a pasted transcript): a surname,
# one or two given-name characters, then a colon. Labels such as 主持人/客服 have no surname.
_SPEAKER = rf"(?:^|(?<=[\n。！？!?]\s?)){_NOT_A_NAME}{_SURNAME}{_GIVEN_CJK}{{1,2}}(?=[:：])"

# A by-line: "（记者左艾甫）", "本报记者高健".
_BYLINE = rf"(?<=记者|通讯员)\s?{_SURNAME}{_GIVEN_CJK}{{1,2}}(?=[）)\s]|$|实习生|通讯员|报道|摄)"


class ChineseNamePatternRecognizer(ContextPatternRecognizer):
    """Scores below LAC's, so LAC's span wins where both fire; this only adds recall."""

    ENTITY = "PERSON"
    # Every pattern needs one of these words (an introduction, a form label, a title, a colon, a
    # by-line): most messages have none, and this one search costs less than the six patterns.
    PREFILTER = (
        r"我叫|我是|名字|英文名|name|姓名|本人|户名|持卡人|联系人|收件人|收款人|收货人|开户人|客户名称|申请人"
        r"|先生|女士|小姐|经理|老师|主任|行长|律师|医生|[:：]|记者|通讯员"
    )
    PATTERNS = [
        Pattern("cn_name_introduced", rf"{_INTRO}(?![和与及或])(?!是否){_SURNAME}{_GIVEN_CJK}{{1,2}}", 0.6),
        Pattern(
            "cn_name_after_label", rf"{_FORM_LABEL}{_NOT_NAME_START}[\u4e00-\u9fff]{{2,3}}{_NAME_END}", 0.55
        ),
        Pattern("cn_name_titled", rf"{_NOT_A_NAME}{_SURNAME}{_GIVEN_CJK}{{0,2}}{_TITLE}", 0.55),
        Pattern("latin_name_introduced", rf"{_INTRO}{_LATIN_NAME}", 0.6),
        Pattern("cn_name_speaker_label", _SPEAKER, 0.55),
        Pattern("cn_name_byline", _BYLINE, 0.55),
    ]

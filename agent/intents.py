"""What a customer message can be about, and the words that give each intent away.

The cue tables are the classifier's lexical layer: weighted regular expressions over normalised text
(NFKC, lower case, common traditional characters folded to simplified). Weights are evidence, not
rules: the classifier adds them to the nearest-prototype scores, so a cue may be wrong on its own.
Patterns are written for how customers really type: colloquial, sarcastic, homophone typos, English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    FAQ = "faq"
    COMPLAINT = "complaint"
    HUMAN = "human_request"
    ACCOUNT = "account"
    URGENT = "urgent_risk"
    CHITCHAT = "chitchat"
    OUT_OF_SCOPE = "out_of_scope"


# When several intents apply, the first one listed here decides the route.
PRIORITY: tuple[Intent, ...] = (
    Intent.URGENT,
    Intent.COMPLAINT,
    Intent.HUMAN,
    Intent.ACCOUNT,
    Intent.FAQ,
    Intent.CHITCHAT,
    Intent.OUT_OF_SCOPE,
)

# Intents a person on staff must see.
ESCALATING: frozenset[Intent] = frozenset({Intent.URGENT, Intent.COMPLAINT, Intent.HUMAN, Intent.ACCOUNT})


@dataclass(frozen=True)
class Cue:
    """One weighted pattern; `name` goes into `Classification.reasons` as `lexicon:<name>`."""

    intent: Intent
    weight: float
    name: str
    pattern: re.Pattern[str]


# Pieces shared by several cues, written `<name>` in the table below.
_FRAGMENTS = {
    "n": r"[一二两三四五六七八九十几半多\d]{1,6}",
    "unit": r"(个)?(多)?(天|小时|钟头|星期|礼拜|周|月)",
    "code": r"(验证码|动态码|动态密码|校验码)",
    "when": r"(这个月|上个月|本月|本期|今天|昨天|前天|上周|刚才|刚刚|刚|这边|那边)",
    "mine": r"(我|本人)(的|这|那|家)?<when>?(的)?(张|个|笔|边)?",
    "card": r"(银行卡|卡|账户|帐户|账号|户头|信用卡|借记卡|储蓄卡|工资卡|社保卡|卡里|账上|账里)",
    "money": r"(贷款|房贷|车贷|消费贷|定期|存单|存款|理财|基金|定投|积分|额度|余额|账单|流水|交易|还款|分期"
    r"|申请|工资|养老金|退休金|公积金|转账|汇款|钱|年费|利率|征信|etc|预留|扣款)",
    "staff": r"(经理|领导|主管|负责人|工作人员|客服人员|专人|同事|坐席|接线员|客户经理|行长|上级)",
    "praise": r"(好|棒|贴心|高效|专业|好用|优秀|周到|快|方便|靠谱|负责|一流|给力|人性化|热情|厉害|聪明|智能"
    r"|效率|服务)",
    "person": r"(person|human|agent|representative|rep|manager|supervisor|someone|staff|operator)",
}

# [intent], then weight, name, pattern. Rows sharing intent, weight and name are alternatives of one cue.
_TABLE = r"""
[urgent_risk]
1.0 lost             (卡|钱包|手机|身份证|u盾|存折)(也|又|好像|可能|被我|给|弄)?(丢|掉了|不见)
1.0 lost             (卡|钱包|手机|身份证|u盾|存折)(也|又|好像|可能)?(遗失|丢失|找不到|落在)
1.0 lost             (丢|遗失|丢失|掉)了?(我的|一张|张|两张)?.{0,4}(卡|钱包|手机)
1.0 lost             \b(lost|misplaced|can'?t find|left) (my|the|a) (\w+ ){0,2}(card|wallet|phone)
1.0 stolen           被(人)?(偷|盗|抢|扒|拿走|捡走|顺走)|stolen|pickpocket|robbed
1.0 fraud_spend      盗刷|偷刷|到刷|盗用|冒用|复制卡|克隆卡
1.0 fraud_spend      被(人|别人|他人)?(刷了|刷走|复制|消费了|取走|转走|盗|用了)|unauthori[sz]ed
1.0 fraud_spend      without my (permission|consent)|fraudulent
0.9 stranger         (不认识|陌生|别)的?人.{0,8}(转|取|刷|用|消费|登)|出事.{0,8}(汇|转|打)钱
0.9 stranger         (电话|微信|qq|短信|视频)(里|上|中)?.{0,12}(让|要|叫)我.{0,6}(汇|转|打|付)
0.9 stranger         有人(用|拿|盗用)(了)?我的|someone (used|is using|has used) my
1.0 not_me           不是我(本人)?(操作|刷|消费|买|转|取|登|改|办|授权)|我什么都没(做|操作|干|动)
1.0 not_me           (我|本人)(根本|从来|完全|并|都)?(没|没有|未)(有)?(操作|消费|刷|买|花|转|取)
1.0 not_me           (我|本人)(根本|从来|完全|并|都)?(没|没有|未)(有)?(授权|登录|办过|用过)
1.0 not_me           didn'?t (make|authori[sz]e|do|buy|spend)|wasn'?t me
1.0 code_asked       (告诉|提供|报给|报了|发给|给了|给他|给她|给对方|念给|读给)了?.{0,6}<code>
1.0 code_asked       (问我要|向我要|找我要|索要|索取|让我(说|报|读|念|发|提供|告诉|输入)).{0,6}<code>
1.0 code_asked       <code>.{0,8}(告诉|发给|给了|报给|给他|给她|给对方|泄露|被骗|被人)
1.0 code_asked       (ask|asked|asking|wanted|want)( me)? for (my |the )?(otp|pin|password)
1.0 code_asked       (ask|asked|asking|wanted|want)( me)? for (my |the )?(verification|security|sms) code
1.0 code_asked       (gave|shared|told)( \w+){0,3} (my |the )?(otp|code|pin|password)
1.0 safe_account     安全账户|safe account
0.9 scam_bait        (是不是|遇到|碰到|遇上|被|像)(了)?骗子|骗子(让|叫|要|说|打)|是骗子吗|中奖
0.9 scam_bait        先(交|缴|付|转).{0,4}(税|手续费|保证金|费|钱)|解冻费|返利|高回报|稳赚
0.9 scam_bait        让我(先)?(交|缴|付).{0,4}(税|手续费|保证金)|(is (this|it|that)|sounds like) a scam
0.9 impersonation    冒充|冒冲|假冒|自称|pretend(ing|ed)? to be|impersonat|claim(ed|ing)? to be
1.0 police_scam      公检法|涉嫌(洗钱|违法|犯罪)|洗钱|通缉|逮捕|资金核查|刷单|杀猪盘|投资群|导师带
0.9 phishing         钓鱼(?:网站|链接|短信|邮件|网址|app|App|软件)|phishing|陌生链接|可疑链接|不明链接
0.9 phishing         点(了|开|进)(一个)?.{0,8}(链接|网址)|假网站|假的网站
0.9 phishing         屏幕共享|共享屏幕|会议软件|远程(控制|协助)|phishing
0.9 phishing         suspicious (link|call|text|sms|email|message)|fake (website|site|link)|screen ?shar
0.9 scammed          被骗|诈骗|骗局|受骗|上当|骗了?我.{0,4}(钱|万|千|块)|scam|fraud|swindl|conned
0.9 block_now        挂失|止付|(冻结|冻洁|锁|停用)(我的|一下|掉|这张|那张)?(卡|账户|账号)
0.9 block_now        (帮我|快|马上|赶紧|立即|立刻|请)(把)?(卡|账户|账号|它)?(冻结|冻洁|停掉|停用)
0.9 block_now        (帮我|快|马上|赶紧|立即|立刻|请)(把)?(卡|账户|账号|它)?(锁了|锁住|锁一下)
0.9 block_now        \b(block|freeze|lock|stop) (my|the|this) (\w+ )?(card|account)
0.9 takeover         (密码|账号|账户|手机银行|网银)(被|让人|被人)(改|盗|登|破解)|被(人)?(登录|登上|盗号)
0.9 takeover         异地登录|陌生(手机|设备).{0,2}登录|密码(泄露|泄漏|被看到|被人看到)|hacked|compromised
0.9 takeover         someone (else )?(logged|accessed|got into)
0.6 money_gone       钱(被)?(转走|取走|没了|不见了)|(突然|无故)(少了|被扣|扣了)|emptied|drained
0.6 money_gone       money (is |has )?(gone|missing|disappeared)
0.7 odd_activity     陌生(短信|电话|号码)|半夜.{0,6}(扣款|消费|短信)|凌晨.{0,6}(扣款|消费)|读卡器
0.7 odd_activity     境外消费.{0,8}不是
0.8 identity_misuse  (用|冒用|盗用)(了)?我的(身份证|名字|身份|信息).{0,8}(办|开|贷)|identity theft

[complaint]
1.0 complain         投诉|投述|头诉|偷诉|投素|tousu|complain
1.0 report           举报|曝光|媒体|记者|电视台|报社|发(到)?(微博|抖音|小红书|网上)|上热搜
1.0 report           report (you|this|it)|(go|going) to the (media|press)
1.0 regulator        银保监|银监|保监|金融监管|监管(总局|局|部门|机构)|12378|12363|消保|消协|315|12315
1.0 regulator        人民银行.{0,4}(投诉|举报|反映)|regulator|ombudsman|cbirc|nfra
1.0 legal            起诉|告你们|告到|法院|律师|打官司|\bsue\b|lawyer|legal action|\bcourt\b
0.9 insult           (你们|银行|客服|经理).{0,4}骗子|骗子银行|坑(人|爹|钱|我)|(太|真|好|很)坑|垃圾|垃极|辣鸡
0.9 insult           拉圾|破(银行|app|服务|网银|系统|客服|网点|地方)|什么破|什么玩意|烂(银行|服务|app)|黑心
0.9 insult           吸血|抢钱|强盗|奇葩|摆设|废物|rip.?off|\bjoke\b|useless|incompetent|pathetic|scammers
0.9 insult           disgrace|shame on|shameful|appalling
0.8 bad_service      太差|很差|真差|差劲|差的|差得|恶劣|(?<!机器人)敷衍|推诿|踢皮球|推来推去|转来转去|不专业
0.8 bad_service      没用|有什么用|不靠谱|靠谱点|不负责|态度(差|恶劣|不好)|什么态度|一问三不知|terrible|awful
0.8 bad_service      horrible|worst|\brude\b|unprofessional|(poor|bad|lousy) service
0.8 bad_service      太冲|很冲|不耐烦|爱答不理|甩脸|翻白眼|一堆(bug|问题)|能不能(好好|靠谱|上点心|用点心)
0.8 anger            气死|气si|烦死|受够|忍无可忍|失望|无语|醉了|服了|离谱|过分|欺负|霸王|忽悠|恶心|心寒|太扯
0.8 anger            扯淡|unacceptable|ridiculous|outrageous|disgust|disappoint|fed up|furious|angry|annoyed
0.8 anger            frustrat|sick of|waste of (my )?time
0.8 anger            真是够了|够了吧
0.6 indignant        凭什么|凭啥|什么意思|搞什么|是不是故意|有意思吗|(这么|这样)对(我|待)|当傻子
0.6 indignant        到底(有没有|能不能|还要|怎么)|还好意思|讲不讲理|有没有搞错|怎么搞的|what the hell
0.6 indignant        how dare|seriously\?
0.9 unfair_charge    乱(扣|收)|私自(扣|收|划)|擅自|未经(我|本人)?(的)?(同意|允许|授权)
0.9 unfair_charge    不经过?(我|本人)?(的)?同意|不跟我说一声|莫名其妙.{0,4}(扣|收|费)|hidden (fee|charge)
0.9 unfair_charge    nobody told me|without (telling|notice|informing)
0.8 redress          退钱|把钱退|钱退给我|赔偿|赔钱|赔我|补偿|要求.{0,6}(赔|退|道歉|解释)
0.8 redress          给(我)?(个|一个)?说法|道歉|compensat|apolog
0.4 refund           refund
0.8 broken_promise   说好(的|了)?.{0,14}(却|结果|怎么|还是|又|居然|竟然)|承诺(的)?.{0,10}呢
0.8 broken_promise   答应(的|了|好的)?.{0,10}(呢|却|结果|还是)|不是说.{0,12}(吗|么)
0.8 broken_promise   宣传.{0,10}(不一样|不符|骗)|you (said|promised)
0.8 long_wait        <n><unit>(了)?.{0,8}(还|都|也|仍|依然)(没|不|在)|(等|拖|排队|排)了?.{0,4}<n><unit>
0.8 long_wait        (反映|打|来|跑|问|说)了?.{0,4}<n>(次|遍|趟)|白(跑|等)|been waiting|for (days|weeks|hours)
0.8 long_wait        \d+ (times|days|weeks)
0.8 threat           再不.{1,14}(就|我就|的话)|不然(我)?(就|我就)|否则(我)?(就|将)
0.8 threat           我(将|会|就)(向|去|到).{0,10}(反映|投诉|举报)|(我要|我就|立刻|马上)(去)?销户
0.8 threat           把钱(全部|都)?转走|换(一)?家银行|再也不(用|来)|never (again|use)|switch banks
0.8 threat           take (it|this) to
0.7 harass           骚扰|营销电话|推销.{0,6}(烦|别|不要|了)|不要(再)?给我(打|推销|发)
0.7 harass           催收.{0,10}(家人|朋友|同事|单位|骚扰|一天|天天|半夜|凌晨)|spam
0.6 misselling       误导|诱导|说是(存款|保本)|mis-?sold|misled
0.6 misselling       当初.{0,8}(说|承诺).{0,10}(保本|没风险|不收|免费|可以)
0.5 repeat_fail      又(扣|收|崩|闪退|打不通|出错|失败|关门|没开)|还是(办不了|没解决|不行|打不通)
0.5 repeat_fail      一直(说|在)(处理|核实|审核)|根本没(解决|处理|人管|人理)|没人(管|理|回复|接)|打不通|闪退
0.5 repeat_fail      崩了|never (fixed|answered|resolved)|nobody (has )?(fixed|answered|helped|called)
0.5 repeat_fail      又被(扣|收)
0.7 dissatisfied     (不|没|不太|不是很|不怎么|一点(都|也)不|并不|毫不|不够)(很|太|够|是很)?满意
0.7 dissatisfied     (不|没|不太|不是很|不怎么|一点(都|也)不|并不|毫不|不够)(很|太|够|是很)?好用
0.7 dissatisfied     不(太|够|是很|怎么)?(专业|靠谱|友好|合理|负责|及时|耐心)|not (happy|satisfied|helpful)
0.7 dissatisfied     unhappy|dissatisfied
1.0 sarcasm          ["'“‘「『]<praise>["'”’」』]
0.6 sarcasm          呵呵|厉害了|真行|真有你们的|佩服|服了你们|666|绝了|不愧是|真会(做|玩|赚|忽悠)|大开眼界
0.6 sarcasm          长见识|好棒哦|太棒了吧|感谢贵行|谢谢你们啊|真是谢谢|thanks for nothing|oh great
0.6 sarcasm          just great

[human_request]
1.0 ask_human        转(接)?(到)?人(工|公|功|攻)|人工(客服|服务|坐席|座席|台)
1.0 ask_human        (要|找|接|叫|换|联系|需要|呼叫|安排)(个)?人工|zhuan ?ren ?gong|ren ?gong
0.8 ask_human        人工(?!智能)
0.9 real_person      (?<!是)(真人|活人)|^human\b|\b(human|agent|person) please|找(个|一个)?人(来|跟|和|聊|说)
0.9 real_person      (换|叫|来)(个|一个)(人|懂行的人)|要人!?$|real (person|human)|someone real
0.9 real_person      live (agent|person|chat)|human (agent|being)|\b(a|to a) human\b|get me a person
0.9 staff            (叫|找|让|请|要|换|安排|联系|转接?|接|见)(一下|下)?(你们|贵行)?(的)?(值班)?<staff>
0.9 staff            (和|跟|对接)(一下|下)?(你们|贵行)?(的)?(值班)?<staff>
0.9 staff            (经理|领导|主管|负责人|行长)(来|出来|在吗|呢)|接线员|回电|回个电话
0.9 staff            (speak|talk|chat|connect|transfer|put)( me)? (to|with) (a |an |your |the )?<person>
0.9 staff            (speak|talk|chat|connect|transfer|put)( me)? (to|with) (a |an )?(real|live) <person>
0.9 staff            (anyone|someone) (from|on) (your )?staff|call me back|representative|supervisor
0.7 not_bot          (机器人|机器|自动回复|\bai\b|\bbot\b).{0,6}(听不懂|别|不要|敷衍|没用|说不清)
0.7 not_bot          (不要|别|不想|不跟|不和)(用|跟|和)?(机器人|机器|自动回复|\bbot\b)|stop the bot|not a bot
0.7 not_bot          no bots?\b

[account]
0.8 my_account       <mine><card>|<mine><money>
0.8 my_account       我(在你们(这|这里|行|银行))?(还)?有(没有)?.{0,4}(贷款|欠款|存款|账户|卡)(没|吗|么|几)
0.7 lookup_mine      (帮|给|替)我(查|看|确认|核实|改|调|开|注销|取消|打印|开具|办理|处理)
0.7 lookup_mine      (帮|给|替)我(提高|降低|设置|修改)|帮我把.{0,8}(调|改|提|降|注销|取消|开通|关闭)
0.7 lookup_mine      查(一下|下|查)?(我|本人)|请(协助|帮忙)(查|开具|办理)
0.7 this_txn         (这|那|一|两|几)笔.{0,10}(扣|钱|交易|转账|款|消费|汇款|费)|扣了我|扣我|收了我|被(扣|收)了
0.7 this_txn         为(什么|啥)扣|怎么(扣|收)了我|多扣|重复扣|charged me|was i charged|debited|deducted
0.6 status           (到|入|进)(账|帐)了?(没|吗|没有)|(到|批|寄|退|处理|审核|审批|办)(好|完|出)?了(没|吗)
0.6 status           (到|批|寄|退|处理|审核|审批|办)(下来|回来)了(没|吗)
0.6 status           (审批|审核|申请|办理|处理)(进度|结果|到哪)|到哪(一步|了)|(还剩|剩下)(多少|几期|几天)
0.6 status           还有几期|went through|status of my|has(n't| not) (arrived|come)
0.6 my_money         我<when>?(转|汇|存|取|还)(的钱|的款|的那笔|了一笔|出去|进去|过去|进来)
0.6 my_money         (对方|他|她|收款人)(还)?(没|没有)收到|(还|一直)(没|没有)(到账|入账|到)
0.8 my_en            \bmy (\w+ )?(balance|account|card|loan|mortgage|application|statement)\b
0.8 my_en            \bmy (\w+ )?(transactions?|limit|salary|transfer|payment|deposit|bill|points)\b
0.8 my_en            \bi was charged|\bcharged me\b
0.8 owned            我名下|尾号\s?\d{3,4}|(卡号|账号)(是|为)?\s?\d{4,}
0.4 records          余额|流水|交易(记录|明细)|账单明细|对账单|存款证明|\bbalance\b|\bstatement\b
0.6 change_mine      给我(提|调|升|降|开通|关闭|改)|(raise|increase|lower|change|update) (my|the) \w

[chitchat]
1.0 bot_identity     你是(不是)?(真人|机器人|ai|人工智能|谁|男|女|人)|你叫(什么|啥)|你几岁
1.0 bot_identity     are you (a |an )?(bot|robot|human|real|ai)|who are you|your name
0.3 greeting         ^(你好|您好|hi|hello|hey|哈喽|嗨|在吗|早上好|下午好|晚上好|大家好)

[out_of_scope]
0.8 off_topic        天气|下雨|下雪|气温|台风|笑话|菜谱|(红烧|糖醋|清蒸|炒|炖).{0,6}(怎么做|做法)
0.8 off_topic        (写|作)(一)?(首|篇|个|段)?.{0,6}(诗|绝句|小说|故事|作文|歌词|辞职信|情书)
0.8 off_topic        股票.{0,8}(涨|跌|推荐|买|翻倍)|(推荐|买|哪只|哪支).{0,4}股|股价|比特币|虚拟币|哪个币|彩票
0.8 off_topic        双色球|大乐透|电影|电视剧|小说|游戏|球赛|世界杯|\bnba\b|翻译|减肥|感冒|发烧|吃什么药|星座
0.8 off_topic        运势|(写|编).{0,6}(代码|程序|爬虫)|火车票|车票|电影票|酒店|维修|屏幕
0.8 off_topic        (哪里|怎么|在哪)修(?!改|订|正)
0.8 off_topic        高铁|机票|餐厅|好吃的|驾照|猫|狗|宠物|python|java|weather|poem|story|recipe|\bcook|stock
0.8 off_topic        movie|capital of|football|soccer|\bjoke|lyrics|translate|\btrip\b|vacation
0.8 off_topic        homework|essay
"""


def _expand(pattern: str) -> str:
    for _ in range(3):  # fragments may use fragments
        pattern = re.sub(r"<([a-z]+)>", lambda m: _FRAGMENTS[m.group(1)], pattern)
    return pattern


def _parse(table: str) -> tuple[Cue, ...]:
    grouped: dict[tuple[str, str, str], list[str]] = {}
    intent = ""
    for line in table.strip().splitlines():
        if line.startswith("["):
            intent = line.strip("[]")
        elif line.strip():
            weight, name, pattern = line.split(maxsplit=2)
            grouped.setdefault((intent, weight, name), []).append(pattern)
    return tuple(
        Cue(Intent(intent), float(weight), name, re.compile(_expand("|".join(patterns))))
        for (intent, weight, name), patterns in grouped.items()
    )


CUES: tuple[Cue, ...] = _parse(_TABLE)

# A message that is nothing but greetings, thanks or acknowledgements.
# No repeat inside the repeated group: nested quantifiers would backtrack exponentially.
SMALLTALK_ONLY = re.compile(
    r"^(你好|您好|hi|hello|hey|哈喽|嗨|在吗|在不在|有人吗|早上好|下午好|晚上好|早安|晚安|早"
    r"|谢谢|多谢|感谢|thanks?( you)?|thx|好的|好滴|好嘞|ok|okay|嗯|哦|噢|收到|明白|了解|知道了"
    r"|拜拜|再见|bye|辛苦了?|哈|good (morning|night)|大家好|没事了|(新年|中秋|节日|周末)快乐"
    r"|[\s,.!?~。、])+[\s!.,~。！，？?啦呀啊了哈的滴嗯哦]*$"
)

# A how-to, even about "my card", is for the knowledge base ("How do I activate my new card?").
HOWTO = re.compile(
    r"\bhow (do|can|should|would) i\b|\bhow to\b"
    r"|(怎么|如何|怎样)(才能)?(查询?|开通|激活|办理|申请|设置|修改|绑定|解绑|注销|操作|下载|登录"
    r"|提高|提升|提额|还款)"
)

QUESTION = re.compile(
    r"怎么|怎样|如何|咋|多少|什么|啥|哪些|哪里|哪儿|哪个|哪家|能不能|能否|可不可以|可以.{0,12}吗"
    r"|是否|吗|么\??$|呢|有没有|需不需要|要不要|多久|多长时间|几天|几点|几号|几时|区别|不一样"
    r"|条件|流程|步骤|材料|手续|咨询|请问|想问|想了解|求问|请教|\?"
    r"|^(how|what|can|do|does|is|are|which|when|where|why|should|any)\b|\b(how|what)\b"
)

BANKING_TOPIC = re.compile(
    r"卡|账户|帐户|开户|销户|利率|利息|存款|定期|活期|存单|贷款|房贷|车贷|转账|汇款|理财|基金|保险"
    r"|手续费|年费|费用|额度|还款|分期|网银|手机银行|app|密码|征信|逾期|网点|营业|外汇|外币|换汇"
    r"|结汇|积分|etc|公积金|lpr|挂失|激活|取现|取款|存|取|钱|欠|扣款|到账|入账|工资|开通|短信|产品"
    r"|限额|证件|材料|身份证|数字人民币|国债|大额|保管箱|支行|柜台|atm|u盾|银行|账单|预留"
    r"|account|card|loan|rate|fee|deposit|transfer|mortgage|interest|branch|password|statement"
    r"|limit|bank|savings|wire|cash"
)

URGENCY_WORDS = re.compile(
    r"急|紧急|赶紧|马上|立刻|立即|尽快|快点|救命|urgent|asap|emergency|immediately|!{2,}"
)

THREATS = frozenset({"report", "regulator", "legal", "threat"})

# Sentiment: positive words (ignored when the message also carries a grievance: that is sarcasm),
# and negative words that are not complaints by themselves (distress, worry).
POSITIVE = re.compile(
    r"谢谢|感谢|多谢|满意|好评|点赞|很好|真好|不错|挺好|太好了|方便|很快|真快|挺快|专业|贴心|棒|赞"
    r"|厉害|优秀|耐心|解决了|搞定|开心|高兴|给力|靠谱|辛苦|快乐|高效|一流|thank|great|excellent"
    r"|helpful|awesome|love|perfect|appreciate|\bgood\b|\bnice\b|happy|wonderful"
)
NEGATED_POSITIVE = re.compile(
    r"(不|没|不太|不是很|不怎么|一点(都|也)不|并不|毫不|不够)(很|太|够|是很)?"
    r"(满意|好(?!意思)|方便|专业|靠谱|快|清楚|耐心|友好|合理|及时|好用)"
    r"|\bnot (happy|satisfied|helpful|good|great)"
)
DISTRESS = re.compile(r"着急|急死|担心|害怕|慌|怎么办啊|完了|救命|崩溃|吓死|worried|scared|panic|help!")

# Common traditional characters (and one frequent typo) folded so one pattern covers them.
FOLD = str.maketrans(
    dict(
        zip(
            "銀轉帳帐賬戶錢騙盜詐爛麼麽費訴還額貸經務態這們為個號碼說話給沒嗎裡處問題請謝時間鐘員櫃掛門",
            "银转账账账户钱骗盗诈烂么么费诉还额贷经务态这们为个号码说话给没吗里处问题请谢时间钟员柜挂门",
            strict=True,
        )
    )
)

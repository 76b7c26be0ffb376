"""Emergencies: checked on every turn before anything else. Errs on the side of redirecting.

Two tiers. Words that say it outright (失火, 沒有呼吸, 拿刀) are *certain*: the caller is told
to hang up and call the number. Signs of danger in other words — someone who does not react,
smoke from a window, a man trying door handles, a friend saying goodbye, or a danger word
heard only by sound (失火 → 吃火) — are *possible*: the caller hears the number at once and is
asked whether someone is in danger now. A past event with nobody in danger now (上禮拜失火,
a fire two weeks ago), a mistaken alarm (還以為是失火) and an animal are not emergencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialog.danger_model import THRESHOLD, DangerModel, default_model
from dialog.rules.categories import best_category
from dialog.rules.intents import find_intents
from dialog.sounds import heard_as


@dataclass(frozen=True)
class Emergency:
    number: str  # 119 / 110 / 113 / 1925
    kind: str  # fire, gas, medical, crime, violence, child_abuse, suicide, …
    also: str | None = None  # a second number worth saying (violence: 113)
    certain: bool = True  # False: signs of danger; the caller is asked whether it is now


# Pills and medicines by name, as an overdose is said in English.
# ("took all my pills back to the pharmacy" carried them, not swallowed them)
_PILLS_EN = (r"(pills|tablets|meds|medications?|medicines?|capsules|painkillers|antidepressants|paracetamol|"
             r"tylenol|panadol|aspirin|insulin|sleeping (pills|tablets)|sedatives)\b"
             r"(?! (to|back|out|away|into|in|off|along|with me)\b)")
# (kind, number, pattern). Order matters: the first kind found wins.
# A driver who is drunk (or cannot keep his head up) and a car all over the road, now.
_ERRATIC_ZH = r"(蛇行|(開|騎)得?(歪七扭八|東倒西歪|搖搖晃晃|左搖右晃|亂七八糟)|(開|衝)(上|到)人行道(?![^，,。]{0,3}停))"
# (喝醉的人躺在路中間 is someone in the road, and 沒有喝酒 no drink at all)
_DRUNK_ZH = (r"(?<!沒有)(?<!不是)(?<!沒)(酒駕|喝醉(?!的人)|喝得很醉|喝很醉|喝茫|酒醉|醉醺醺(?!的人)|一身酒味|滿身酒味|"
             r"(一股|好重的|很重的)?酒味(?![^，,。]{0,4}(都沒有|沒有))|喝了(很多|一堆)?酒|醉了)")
_ERRATIC_EN = (r"\b(weaving|swerving|zigzagging|veering)\b[^.]{0,30}\b(all over|across|between|into|onto)\b|"
               r"\bdr(o|i)ve(s|n)? (up )?(onto|on to|up on) the (sidewalk|pavement|kerb|curb)\b(?!( \w+)? (to park|and parked))")
_DRUNK_EN = (r"(?<!not )\b(drunk|wasted|intoxicated|hammered|plastered|tipsy|been drinking)\b|\b(smell|smelt|smelled|reek\w*|stink\w*) (of )?"
             r"(\w+ )?(alcohol|liquor|beer|booze|wine|whisky|whiskey|spirits)\b|"
             r"\b(can|could)(n'?t| not| barely| hardly) (even )?keep (his|her|their) (head|eyes) (up|open)\b")
# A rope tied up with a loop and someone standing under it, or a head put through it.
_NOOSE_ZH = (r"(繩子?|繩索|麻繩|尼龍繩|童軍繩|電線|皮帶)[^。]{0,16}(綁|掛|吊|繞)(在|到|上)[^。]{0,12}"
             r"(樹|樹枝|橫樑|樑|梁|欄杆|門框|吊扇|鐵架|鐵窗|窗框|單槓|水管)[^。]{0,40}"
             r"(打(了)?(一)?(個)?(圈|套|活結|繩圈)|套(在|住|進)?[^，。]{0,3}(脖子|頸|頭)|"
             r"站(在|上|到)[^，。]{0,8}(椅子|凳子|板凳|座墊|坐墊|機車|桶子|箱子|車頂))|"
             r"(頭|脖子)(伸|套|鑽)(進|入)(去)?[^，,。]{0,3}(繩|圈|套)")
_NOOSE_EN = (r"\b(he|she|someone|somebody|a man|a woman|my \w+|they)\b[^.]{0,20}"
             r"(\b(rope|cord|belt|cable)\b[^.]{0,40}\b(tied|hung|looped|knotted)\b|"
             r"\b(tied|hung|looped|knotted)\b[^.]{0,20}\b(rope|cord|belt|cable)\b)[^.]{0,40}\b(branch|beam|"
             r"railing|rail|ceiling fan|door ?frame|pipe|tree)\b[^.]{0,60}\b(loop|noose|head (in|into|through)|"
             r"round (his|her) neck)\b|"
             r"\b(put|putting|puts|slipped|slipping|has) (his|her|their) (head|neck) (in|into|through) (the|a) "
             r"(loop|noose)\b")

_RULES: list[tuple[str, str, str]] = [
    ("suicide_attempt", "119", f"{_NOOSE_ZH}|{_NOOSE_EN}"),
    ("suicide_attempt", "119",
     r"(吃了|吞了).{0,6}(很多|一堆|整罐|整瓶).{0,4}(藥|安眠藥)|割腕|燒炭|(站在|爬到|在).{0,6}(頂樓|樓頂|橋上|陽台).{0,8}(跳|想死|不想活)|"
     r"\b(took|swallowed) (a lot of|many|all) .{0,10}(pills|tablets)|\bcut (my|his|her) wrists?\b|"
     # an overdose said in English: a whole bottle or pack, all of them, a handful, dozens
     r"\b(took|taken|swallowed|downed|ate|eaten|popped)\b (\w+ ){0,2}(a |an |the |my |his |her |their )?"
     rf"(whole|entire|full) (bottle|box|pack|packet|jar|strip|tub|blister pack)s? of\b[^.]{{0,30}}{_PILLS_EN}|"
     r"\b(took|taken|swallowed|downed|ate|eaten|popped) (all|a handful|handfuls|dozens|a bunch|loads|a lot|lots|"
     r"\d{2,}|twenty|thirty|forty|fifty)( of)? (my |his |her |their |the |those |these )?(\w+ ){0,3}?"
     rf"{_PILLS_EN}"),
    ("suicide", "1925",
     r"想死|不想活|自殺|輕生|結束(自己的)?生命|活不下去|活著沒意思|去死一死|跳樓|跳河|"
     # (眼睛往上吊 is a seizure's eyes, 卡在樹上吊著 a branch)
     r"(要|想|想要|說要|準備|打算|跑去|已經|正在|在)上吊(?!著)|上吊(自殺|了)|"
     # pills saved up, "and not wake again"
     r"(不用|不會|不想|不要)再醒(來|過來)|(安眠藥|藥)[^。]{0,12}(存起來|存了|攢了)[^。]{0,30}(今天|今晚|晚上|睡|醒)|"
     r"\b(kill (myself|himself|herself)|hang (myself|himself|herself)|suicid\w*|end (my|his|her) life|"
     r"don'?t want to live|"
     r"want to die|better off dead|threaten\w* to (jump|end (it|his life|her life)))\b"),
    ("fire", "119",
     r"失火|火災|著火|起火|燒起來|火燒|冒煙|濃煙|黑煙|火很大|火苗|"
     # a glow that crackles and drops ash: a fire however it is told
     r"(橘紅色|橘色|紅色|紅紅)的?光[^。]{0,40}(劈哩啪啦|劈啪|啪啦)[^。]{0,40}(灰|燙|熱)|"
     r"\b(fire(?! (alarm|drill|lane|hydrant|exit|escape|station|truck|department|door|extinguisher))|on fire|"
     r"burning|smoke(?! (alarm|detector))|smoking building|flames?)\b"),
    ("gas", "119",
     r"瓦斯味|瓦斯外洩|瓦斯漏|漏瓦斯|聞到瓦斯|瓦斯.{0,4}(臭|味道)|煤氣|瓦斯[^，。]{0,6}(在|一直|還在|還一直)漏(?!水)|"

     r"\b(gas leak|leaking gas)\b|\bsmell\w*\b.{0,25}\bgas\b|\bgas\b.{0,15}\bsmell"),
    # A child left locked in a car is heatstroke in minutes: the fire brigade, not a report.
    ("trapped", "119",
     r"(小孩|小朋友|孩子|嬰兒|寶寶|老人|阿嬤|阿公).{0,20}(被)?(關|鎖|困)在.{0,6}(車|車子|車內|車裡)|"
     r"(關|鎖|困)在(車|車子)(裡|內).{0,20}(小孩|小朋友|孩子|嬰兒|寶寶)|"
     r"(後座|車內|車裡|車上).{0,20}(小孩|小朋友|孩子|嬰兒|寶寶).{0,10}(被)?(關|鎖|困)在|"
     r"車(子)?(裡面|裡|內|上)?(被)?(關|鎖|困)著.{0,6}(小孩|小朋友|孩子|嬰兒|寶寶|幼兒)|"
     r"\b(child|kid|baby|toddler)\b.{0,30}\b(locked|left|trapped) in (a|the) (hot )?car\b"),
    ("child_abuse", "113",
     r"虐童|虐待.{0,6}(小孩|兒童|孩子|小朋友|嬰兒)|打.{0,3}(小孩|孩子|兒子|女兒|小朋友|嬰兒).{0,12}(哭|傷|流血|喊)|"
     r"(小孩|孩子|兒童|小朋友|嬰兒).{0,20}(哭喊|求饒|瘀青|傷痕|被打|被虐|被關|被餓|被性侵)|(哭喊|求饒).{0,20}(打他|打她|打小孩)|"
     r"(小孩|兒童|孩子|小朋友|嬰兒).{0,10}(被打|被虐|虐待|被關|被餓|被性侵)|"
     r"(小妹妹|小弟弟|小女孩|小男孩|小孩|孩子|小朋友)(?:(?!狗|貓|鳥|兔|動物|寵物)[^。]){0,16}關在[^，。]{0,8}(籠子|狗籠|鐵籠)|"
     r"\b(child abuse|abus\w+ (a|the|his|her|their) (child|kid|baby)|(child|kid|baby) (is being|was) (beaten|abused|hit))\b"),
    ("violence", "110",
     r"家暴|家庭暴力|(先生|老公|太太|老婆|爸爸|媽媽|男友|女友|前夫|兒子|家人|他|她|鄰居).{0,6}(在打我|打我|要殺我|拿刀|動手打)|"
     r"被打(?!開|掃|包|電話|卡|針|擾|亂|烊)|打我|打死我|殺死我|要殺|性侵|強暴|"
     r"\b(hitting me|beating me|beat me|domestic violence|wants to kill me|going to kill me|"
     r"attack(ed|ing) me|rap(e|ed)|screaming for help|(choking|strangling) (me|her|him))\b"),
    ("crime", "110",
     r"搶劫|搶匪|搶錢|有小偷|小偷.{0,4}(在|進)|闖(入|進)|破門|拿刀|持刀|砍人|有槍|開槍|綁架|打群架|鬥毆|"
     r"有人.{0,4}(打架|鬧事|偷東西|撬門)|"
     # a weapon held up, money demanded: 拿一把刀叫我把收銀機的錢拿出來
     r"拿(著|了)?(一)?(把|支|根)(刀|菜刀|水果刀|美工刀|槍|球棒|鐵棍|棍子)[^。]{0,20}(叫|逼|威脅|揮|對著|指著|衝|搶|錢|不准)|"
     r"(拿|用)(?!手)[^，。]{0,8}(頂著|抵著|架著|抵住|頂住)[^，。]{0,6}(腰|脖子|背|後腦)|"
     r"逼(我|我們|他|她|阿伯|阿嬤|阿公|老人|店員)[^，。]{0,8}(領錢|提款|按密碼)|"
     r"(一定要|硬要)帶我走|要把我帶走|(拍門|敲門|撞門|踹門)[^。]{0,12}叫我的名字|"
     r"(逼|命令|威脅)(我|我們|店員|他|她)把[^，。]{0,8}(錢|收銀機|皮包|包包|手機)[^，。]{0,8}(拿出來|交出來|全部給)|"
     r"\b(robbery|robbing|burglar|break(ing)? in(to)?|broke in(to)?|knife|gun|shooting|kidnap\w*|stabb\w*|"
     r"fight(ing)? (outside|now)|thief|thieves|smash\w*|steal(ing)?|grabbing|mugg\w*)\b|"
     r"\b(telling|told|ordering|ordered|forcing|forced|making|made|demanding|shouting at|yelling at|screaming at)\b"
     r"[^.]{0,30}\b(to )?(empty|open|hand over)\b[^.]{0,10}\b(till|register|cash drawer|safe)\b|"
     r"砸(車|窗|玻璃)|偷車|撬開|在偷|正在偷|(正在|在)撬|被(人)?(刺|砍|捅)(傷|了|到|中)"),
    ("medical", "119",
     r"(人|伯|阿姨|阿嬤|阿公|小孩|老人|先生|太太|媽媽|爸爸|爸|媽|哥|姊|姐|弟|妹|兒子|女兒|老公|老婆|爺爺|奶奶|"
     r"外公|外婆|同學|朋友|同事|鄰居|騎士|路人|他|她).{0,10}"
     r"(受傷|流血|昏倒|昏迷|沒有呼吸|沒呼吸|沒意識|倒在地上|倒地|不省人事|骨折|抽搐|心臟病|中風|喘不過氣|被車撞|撞傷)|"
     r"(滿頭|滿臉|滿身|一身)(都是)?血|"
     # fumes that make people cough and burn their eyes or take their voice
     r"(嗆|刺鼻)[^。]{0,30}(同事|人|大家|他們|員工|工人|小孩|學生)[^。]{0,12}(一直咳|咳到|咳不停)[^。]{0,30}"
     r"(眼睛|講不出話|喘)|"
     # cleaners mixed, and people coughing with burning eyes
     r"(漂白水|氯|清潔劑|藥劑|鹽酸|硫酸|強酸)[^。]{0,20}(混在一起|倒在一起|混到|混了)[^。]{0,40}"
     r"(嗆|咳|眼睛[^，。]{0,4}(紅|腫|痛|睜不開)|喘|頭暈)|"
     # a bite or a sting, and the body answering (swelling, dizziness, vomiting)
     r"(我|他|她|爸|媽|阿公|阿嬤|伯|小孩|孩子|先生|太太|老公|老婆|兒子|女兒|人)(?<!主人)(?:(?!上個月|上禮拜|去年|小時候|以前)[^。狗貓羊牛豬雞鴨鵝]){0,20}(蛇|毒蛇|龜殼花|百步蛇|雨傘節|青竹絲|眼鏡蛇|虎頭蜂|蜂|蜈蚣)[^，。]{0,6}(咬|叮|螫)(?![^，。]{0,2}會)[^。]{0,30}(腫|暈|吐|喘|紫|麻|抽|(幾十|好幾十|十幾|滿身)[^，。]{0,3}包)|"
     r"(虎頭蜂|蜂)[^。]{0,16}(叮|螫)(了|到)?[^，。]{0,4}(好)?(幾十|十幾|一百|[2-9]\d)(個|下|針)?(包)?|"
     r"\b(swarmed|stung|attacked) by (a swarm of |a nest of )?(hornets|wasps|bees)\b[^.]{0,60}\b(dozens|swelling|"
     r"swollen|can'?t breathe|dizzy|vomit\w*|collapsed)\b|\bdozens of (hornet |wasp |bee )?stings\b|"
     r"(受傷|流血|流很多血|昏倒|昏迷|沒有呼吸|沒呼吸|沒意識|倒地不起|不省人事|骨折|抽搐|心臟病發|中風|叫不醒|沒反應|吐白沫|爬不起來|躺在地上|倒在地上|暈倒)|"
     r"車禍.{0,8}(受傷|流血|有人)|"
     r"(爬|下|掉|跳|跌|進)(下去|去|進去|進)?[^，。]{0,6}(人孔|下水道|化糞池|水塔|儲水槽|槽車|水井|井裡|地窖)[^。]{0,24}"
     r"(沒(有)?(聲音|反應|動靜)|倒在|倒下|昏|叫不醒)|"
     r"(他|她|工人|師傅|另一個|兩個人|同事|人)[^，。]{0,6}(倒|躺)在(底下|下面|裡面)[^，。]{0,4}不動|"
     r"\b(went|gone|climbed|fell) (down into|down|into) (a|the) (manhole|sewer|well|water tank|septic tank|pit)\b"
     r"[^.]{0,40}"
     r"\b(isn'?t|is not|not|stopped|hasn'?t been) (answering|responding|moving|breathing)\b|"
     r"\b(injured|bleeding|unconscious|not breathing|collapsed|heart attack|stroke|seizure|"
     r"hit by a car|badly hurt|is hurt|lying on the (ground|floor|road)|passed out|fainted|"
     r"can'?t get up|not moving|not responding|unresponsive|choking(?! (me|her|him))|overdos(e|ed|ing))\b"),
    # (last: a rider hurt by a drunk driver is the ambulance's first)
    ("drunk_driver", "110",
     rf"{_ERRATIC_ZH}[^。]{{0,24}}{_DRUNK_ZH}|{_DRUNK_ZH}[^。]{{0,24}}{_ERRATIC_ZH}|"
     rf"({_ERRATIC_EN})[^.]{{0,120}}({_DRUNK_EN})|({_DRUNK_EN})[^.]{{0,120}}({_ERRATIC_EN})"),
]
_COMPILED = [(kind, number, re.compile(p, re.IGNORECASE)) for kind, number, p in _RULES]

# Someone: signs that say a person, not a thing, is in trouble (a bench does not move either).
_WHO = (r"((?<!有)(?<!被)(?<!沒)(?<!無)人(?!行道|孔|家|潮|穿越道|號誌|專用)|他|她|阿伯|阿姨|阿嬤|阿公|阿婆|老人|老先生|老太太|小孩|"
        r"小朋友|孩子|嬰兒|寶寶|先生|太太|老公|老婆|媽|爸|爺爺|奶奶|哥|姊|姐|弟|妹|朋友|同事|鄰居|"
        r"騎士|路人|駕駛|司機|工人|師傅|男的|女的|男生|女生|騎.{0,3}的)")
# "Everyone will be better off", "look after my wife from now on": a farewell, when said with
# a debt, a bridge or a river, or on a call made to say it (alone, too often a figure of speech).
_RELIEVED = (r"(大家|你們|家人|家裡|全家)(就|都|也)?(會)?(比較|可以)?(輕鬆|解脫|好過|不用再煩)|"
             r"不(會|要)?再(拖累|連累|麻煩)(大家|你們|家人)|(以後|之後)(要|就)?(好好|幫我|替我)照顧")
_LAST_PLACE = (r"(在|到|去).{0,6}(橋上|橋邊|河邊|溪邊|海邊|堤防|鐵軌)|欠.{0,4}(錢|債)|負債|債務|"
               r"(打|傳)(電話|訊息|簡訊|line|LINE)給我")
# Screams or crying, and household things smashed or walls hit: a fight heard through a wall.
_CRYING = r"(尖叫|哭喊|慘叫|哭叫|哀嚎|呼救)"
# A person named in English ("my neighbour", "the rider", "she"): the subject of a collapse.
_PERSON_NP = (r"(he|she|someone|somebody|one of them|grandma|grandpa|granny|gran|nan|nana|mum|mom|mama|"
              r"dad|papa|daddy|mommy|mummy|(my|our|her|his|the|a|an|this|that) (\w+ )?"
              r"(neighbou?r|friend|man|woman|guy|lady|boy|girl|kid|child|baby|dad|father|mum|mom|"
              r"mother|grandpa|grandma|grandfather|grandmother|husband|wife|son|daughter|brother|"
              r"sister|rider|cyclist|driver|pedestrian|worker|person|uncle|aunt|colleague|roommate|"
              r"student|toddler|teenager|motorcyclist))")
_INDOORS = (r"(家裡|我家|我們家|屋內|屋裡|房間|廚房|浴室|廁所|瓦斯爐|爐子|熱水器|車裡|車內|密閉|教室|辦公室|"
            r"公司裡|工廠裡|工廠內|店裡|餐廳裡|地下室|宿舍)")
_SMASHING = r"((砸|摔)(東西|碎|破|爛|椅子|碗|盤|杯)|東西被(砸|摔|丟)|(撞|踹|捶)(牆|門))"
# A pet left in someone's care from now on, and the one who left it gone quiet.
_ENTRUSTED = (r"(貓|狗|寵物|鳥|魚|兔子)[^，。]{0,6}(以後|之後|從今以後)[^，。]{0,3}(就)?(拜託|麻煩|交給|託給|託)"
              r"(你|妳|我|我們)[^，。]{0,3}(養|照顧|顧)")
_GONE_QUIET = r"不接|沒接|不回|沒回|關機|反鎖|鎖起來|再見|對不起|最後"
# Means made ready, letters left for the family; and weariness or a farewell said with them.
_READY = (r"(藥|安眠藥|藥丸|繩子|木炭|炭|農藥|刀片)[^，。,.]{0,4}(都|已經|也)?(準備|買|存|弄)好|"
          r"(寫|留)(了|好)?(一)?(封|張|些)?(信|紙條|字條)(要)?給.{0,2}(孩子|小孩|家人|爸媽|老婆|老公|先生|太太|"
          r"女兒|兒子|媽媽|爸爸)(?!的)")
_WEARY = (r"好累|很累|累了|撐不|不想(活|再)|沒意思|麻煩|拖累|結束|最後|解脫|今晚|今天晚上|頂樓|樓頂|屋頂|橋上|"
          r"時間到了|再見|對不起")
_READY_EN = (r"\b(wrote|written|writing|left|leaving) (\w+ ){0,2}(letters?|notes?) (to|for) (my|his|her|our) "
             r"(kids|children|family|wife|husband|parents|mum|mom|dad|son|daughter|sister|brother)\b(?!['’])|"
             r"\b(pills|tablets|rope|charcoal)\b.{0,20}\b(ready|prepared|lined up|saved up)\b")
_WEARY_EN = (r"\b(roof|rooftop|bridge|ledge|it'?s time|goodbye|tonight|sorry|so tired|burden|end it|"
             r"no point|can'?t go on)\b")
# A young child, and the signs that a parked car has become an oven (windows shut, no adult).
_CHILD = r"(小孩|小朋友|孩子|嬰兒|寶寶|幼兒|小男生|小女生|小男孩|小女孩)"
# A person shut in (a cage may be a dog's: the person is named, so it is no animal's matter).
_CAGED_ZH = (r"(老人|老先生|老太太|阿公|阿嬤|阿伯|老爸爸|老媽媽|爸爸|媽媽|失智|小孩|孩子|小朋友|男童|女童|兒子|女兒|"
             r"(?<![狗貓鳥雞])[他她])[^。]{0,12}被?(關|鎖)在")
_CAGED_EN = (r"\b(keep|keeps|kept|keeping|lock|locks|locked|locking|shut|shuts|put|puts)\b (a |the |their |his |"
             r"her |my )?(little |young |old )?(boy|girl|child|kid|son|daughter|grandma|grandpa|granny|mother|"
             r"father|man|woman)\b")
_HEAT = (r"(車窗.{0,6}(關|緊閉|沒開|沒有開)|(沒有?|不見|找不到)大人|大人.{0,8}(不在|不見|不知道|跑去|沒回來)|"
         r"滿身.{0,2}汗|流汗|很熱|好熱|悶熱|熄火|引擎.{0,4}沒)")
_CHILD_EN = r"\b(child|kid|baby|toddler|infant|little (boy|girl))\b"
_PERSON_EN = (r"\b(boy|girl|child|kid|man|woman|person|someone|somebody|he|she|son|daughter|grandpa|grandma|"
              r"father|mother|dad|mum|mom|friend|people|guy|lady|swimmer|fisherman|student)s?\b")
_HEAT_EN = (r"\b(windows? (are |is )?(all )?(up|closed|shut|rolled up)|no (adult|parent|one|driver)s?|alone|"
            r"by (him|her)self|sweating|red in the face|engine (is )?off|baking|boiling)\b")
# A small child (by word or by age) and what it must not swallow: a button battery burns
# through the gullet in hours, magnets join through the gut, grown-ups' pills, cleaning fluids.
_SMALL = (r"(小孩|小朋友|孩子|嬰兒|寶寶|幼兒|兒子|女兒|孫子|孫女|小男生|小女生|小男孩|小女孩|"
          r"[一二兩三四五\d](個)?(多)?(歲|月)(半)?(大)?)")
_SWALLOWABLE = (r"(鈕扣電池|水銀電池|電池|硬幣|銅板|磁鐵|磁珠|洗衣球|洗衣膠囊|清潔劑|漂白水|樟腦丸|螺絲|別針|"
                r"迴紋針|彈珠|安眠藥|降血壓藥|(大人|阿嬤|阿公|奶奶|爺爺|爸爸|媽媽|我)的(藥|藥丸)|整(罐|瓶|盒|排)(的)?藥)")
_SMALL_EN = (r"\b(child|kid|baby|toddler|infant|little (one|boy|girl|kid)|small (boy|girl|child|kid)|son|"
             r"daughter|grandson|granddaughter|(\d+|one|two|three|four|five)[- ](year|month)s?[- ]old)\b(?!['’])")
_SWALLOWABLE_EN = (r"(button |coin |watch |lithium |small )?(batter(y|ies)|coins?|magnets?|pills|tablets|"
                   r"medicine|bleach|detergent|laundry (pod|capsule)s?|dishwasher (tablet|pod)s?|drain cleaner|"
                   r"rat poison|mothballs?|screws?|safety pins?|marbles?)\b")
# A young child at the water's edge with no adult, or going into the water.
_WATERSIDE = (r"(水邊|溪邊|河邊|池邊|湖邊|海邊|岸邊|堤防|河堤|溪裡|河裡|水裡|大排|圳溝|水圳|魚池|池塘|埤塘|"
              r"游泳池|泳池|消波塊|沙灘|漁港|碼頭)(?!步道|公園|路|自行車道|腳踏車道|旁的路)")
_UNWATCHED = (r"(自己一個人?|獨自|沒有?大人|找不到大人|不見大人|沒看到大人|沒有?人(在)?(顧|看)|"
              r"大人[^，。]{0,6}(不在|不見|沒在看)|往水裡[^，。]{0,2}(走|爬|跑|衝)|(走|爬|跑)(進|到|下)水裡)")
_WATER_EN = (r"\b(river|stream|creek|canal|pond|lake|sea|beach|riverbank|water'?s edge|water|pool|"
             r"reservoir|harbou?r|pier)\b")
_UNWATCHED_EN = (r"\b(alone|by (him|her|them)sel(f|ves)|on (his|her|their) own|no (adult|parent|grown-?up)s?|"
                 r"unattended|nobody (is )?watching)\b")
# Someone on foot on a freeway, and the confusion that puts an elder there.
_WALKER = (r"((?<!有)(?<!被)(?<!工)人(?!行道|孔|家|潮)|他|她|阿伯|阿姨|阿嬤|阿公|阿婆|老人|老先生|老太太|老伯|"
           r"伯伯|婆婆|爺爺|奶奶|小孩|小朋友|孩子|男的|女的|男生|女生|婦人)")
_FREEWAY = r"(快速道路|快速公路|高速公路|國道(?!客運|巴士|公車)|匝道|交流道|快車道|內側車道|外側車道|中線車道|路肩)"
_CONFUSED = r"(迷迷糊糊|恍恍惚惚|神智不清|失智|搞不清楚方向)"
_FREEWAY_EN = (r"\b(freeway|highway|expressway|motorway|interchange|off-?ramp|on-?ramp|fast lane|inner lane|"
               r"hard shoulder)\b")
# Ten or more (pills): 二十, 三十幾, 幾十, 15.
_DOZENS = r"(\d{2,}|[二兩三四五六七八九]?十|幾十|好幾十|一百)"
# A vehicle (not a scooter, often left standing in a flooded street), and water rising:
# a car caught in a flood, water up to someone's chest or a car's windows.
_VEHICLE = r"(車子|汽車|轎車|計程車|貨車|休旅車|廂型車|公車|客運|遊覽車|(?<![機腳單火])車)"
_RISEN = r"水[^，。]{0,8}(淹|漲|滿|高|升)(到|過|至)[^，。]{0,6}(胸|脖子|頸|下巴|肩膀|車窗|車頂)"
_RISEN_EN = (r"\bwater\b[^.]{0,40}\b(up to|reached|reaching|over|above|past) (my |his |her |their |our |the )?"
             r"(\w+'s )?(\w+ )?(chest|neck|chin|shoulders|windows|windscreen|windshield|roof)\b")
# Every time it rains: a flooded spot described as it always is, not a person in it now.
_HABITUAL = re.compile(r"每次|每逢|每當|每年|常常|經常|老是|一下(大)?雨(就|都)|下雨(的時候|天)?(就|都)|"
                       r"\b(every time|whenever|each time|always|usually)\b", re.IGNORECASE)
# A cloud or gas let out just now, and what it does to the people breathing it.
_RELEASED = (r"(轟|砰|碰)(的)?(一聲|好大聲)|爆炸|炸開|外洩|洩漏|漏出來|(一團|一大片|一大團)[^，。]{0,3}"
             r"(黃黃|綠綠|黃色|綠色|黃綠色|橘色|褐色)的?(氣|霧|氣體)|毒氣")
_BREATHED = (r"眼睛[^，。]{0,3}(刺|痛|辣|睜不開|一直流眼淚)|(一直|都在|咳個|咳到)咳|咳(不停|個不停)|"
             r"喉嚨[^，。]{0,3}(刺|痛|辣|燒)|(呼吸|喘)[^，。]{0,3}(困難|不過來)")
# Signs of danger said in other words: (kind, number, pattern), the first found wins.
_CUES: list[tuple[str, str, str]] = [
    ("suicide_attempt", "119",
     r"(整罐|整瓶|整盒|整排|一大把|一堆|很多|好多).{0,6}(藥|安眠藥|藥丸).{0,6}(吞|吃|喝)|"
     r"炭[^。]{0,20}(膠帶|封起來|貼起來|密封|封死)|(膠帶|封起來|貼起來|密封)[^。]{0,20}炭|"
     r"(拿|帶)(了|著)?(一)?(整罐|整瓶|整盒|一大包)[^，。]{0,3}(安眠藥|藥丸)[^，。]{0,3}(進|躲進)(房間|房裡|廁所|浴室)|"
     r"(藥|安眠藥|藥丸|止痛藥).{0,8}(整罐|整瓶|整盒|整排|全部|一大把|一堆|很多|好多).{0,4}(吞|吃|喝)|"
     r"(喝|吞)(了|下).{0,4}(農藥|漂白水|清潔劑)|(喝|吞)(了|下)[^，。]{0,4}(除草|殺蟲|除蟲|老鼠)[^，。]{0,2}(的)?藥|(吞|吃)(了|下|掉)[^，。]{0,3}(一整把|一大把|整把)[^，。]{0,4}(藥|藥丸)|"
     # pills counted by the dozen: 吞了三十幾顆安眠藥, 止痛藥一次吃了二十顆
     rf"(吞|吃)(了|下|掉)[^，。]{{0,3}}{_DOZENS}[^，。]{{0,3}}(顆|粒)[^，。]{{0,4}}(藥|藥丸|膠囊)|"
     rf"(藥|藥丸|膠囊)[^。]{{0,12}}(吞|吃)(了|下|掉)[^，。]{{0,3}}{_DOZENS}[^，。]{{0,2}}(顆|粒)"),
    ("fall", "119",
     r"(小朋友|小孩|孩子|小男生|小女生|嬰兒|幼兒|寶寶).{0,10}(爬|站|坐|跨|掛)(到|在|出).{0,8}"
     r"((欄杆|屋頂|頂樓|樓頂|鐵窗|冷氣|窗台|外牆|雨遮|遮雨棚|屋簷|女兒牆).{0,6}(外|邊|上)|"
     r"(窗|陽台).{0,6}(外|邊緣|欄杆))|"
     r"\b(child|kid|toddler|boy|girl)\b.{0,25}\b(outside|over|on(to)?|out on) the (railing|balcony|"
     r"(window )?ledge|window ?sill|air ?con\w*( unit)?|ac unit|awning|roof edge)\b"),
    ("suicide", "1925",
     r"永遠消失|不想(再)?(醒來|醒過來)|活著(好|很|真的?)?(累|沒意思|沒意義|沒有意義)|"
     r"(東西|衣服|寵物|貓|狗|錢|存款|手機|電腦).{0,10}(都)?送(人|給)|交代.{0,4}後事|遺書|"
     r"(最後|告別|道別).{0,4}(訊息|電話|留言|的話)|"
     r"(爬|站|坐|跨)(到|在|出).{0,8}((欄杆|橋|頂樓|樓頂|屋頂).{0,6}(外|邊|上)|"
     r"(陽台|窗).{0,6}(外|邊緣|欄杆))|"
     r"(太太|先生|老婆|老公|媽媽|爸爸|兒子|女兒|老伴|另一半)[^，。]{0,3}(走了|過世|不在了|往生)[^。]{0,40}"
     r"(今晚|今天晚上|今天|明天|現在|等一下)[^，。]{0,16}(去找|去陪|去見)(她|他)(?!們)|"
     r"我(一個人|活著)[^，。]{0,4}(也)?(沒什麼|沒)意思|往下一跳(就|，|,)|(想|要)(找(個|一個)?人)?(講|說)最後一次話|"
     r"什麼都不用再(煩|想|痛)|"
     r"腳懸空|(是|成為).{0,4}(大家的|家人的|別人的)?負擔|最後一次.{0,6}(聽到|打給|跟你)|"
     r"(給|留給).{0,6}(家人|爸媽|媽媽|爸爸|孩子|大家)的(信|話).{0,6}(寫好|留好|寫完)|"
     r"(今天|今晚|明天).{0,4}(就)?(結束|了結|解脫)(了|一切)?|用不到了.{0,20}(信|結束|最後)|"
     r"最後一(晚|天|次見)|謝謝(大家|你們|你)[^，。]{0,8}(照顧|陪伴)|謝謝(我|我們)(這些年|這幾年|這麼多年|多年來|一直以來)[^，。]{0,4}(的)?(照顧|陪伴)|"
     rf"({_ENTRUSTED})[^。]{{0,40}}({_GONE_QUIET})|({_GONE_QUIET})[^。]{{0,40}}({_ENTRUSTED})|"
     # locked in, and telling the caller not to come
     r"(她|他)[^，。]{0,6}(把)?(自己|門|房門)[^，。]{0,3}(反鎖|鎖起來)[^。]{0,20}(叫|要)(我|我們|大家)(不要|不用|別)(再)?(去|來)?找(她|他)|"
     r"撐不下去|做傻事|遺言|"
     r"(明天|今晚|以後|很快)(他|她|我)(就)?(會|要)?不在了|(他|她|我)(明天|今晚|以後)?(就)?(會|要)?不在了|"
     r"(群組|訊息|貼文|LINE|限時動態|留言|臉書|IG)[^。]{0,20}(叫大家(要)?保重|(跟|向)大家(說)?(再見|道別|告別)|永別)|"
     r"不想再拖累|想結束一切|活著好痛苦|想從這裡跳下去|永別了|"
     r"\b(going to|gonna|want to) (jump off|end it all)\b|\bwant (it all|everything) to end\b|\bend it all\b|"
     # the means made ready (藥都準備好了) or letters left for the family, said with weariness
     # or a farewell; no more burden to anyone after tonight
     rf"({_READY}).{{0,40}}({_WEARY})|({_WEARY}).{{0,40}}({_READY})|"
     r"(過了|過完|今天|今晚|明天)[^。]{0,10}不(會|用)(再)?(麻煩|拖累|連累|打擾)(到)?(任何人|大家|家人|別人)|"
     rf"({_RELIEVED}).{{0,60}}({_LAST_PLACE})|({_LAST_PLACE}).{{0,60}}({_RELIEVED})|"
     r"(橋上|橋邊|河邊|溪邊|海邊|堤防|鐵軌|頂樓|樓頂)(?![^。]{0,30}(釣魚|掃墓|拍|看|吃|玩|散步|運動|曬|約))"
     r"[^。]{0,30}(不用|不要|別)(再)?勸我|(不用|不要|別)(再)?勸我(?![^。]{0,30}(釣魚|掃墓|拍|看|吃|玩|散步|運動|曬|約))"
     r"[^。]{0,30}(橋上|橋邊|河邊|溪邊|海邊|堤防|鐵軌|頂樓|樓頂)|"
     r"(去|到)(一個)?(比較好|更好)的地方|(以後)?(不用|不要)(再)?找(我|她|他|我們|她們|他們)|"
     r"\b(this is (my )?goodbye|sorry for everything|won'?t see (me|him|her) again|"
     r"locked (him|her|them)sel(f|ves) in)\b|"
     r"\b(goodbye (message|letter|note)|won'?t be (around|here) (tomorrow|anymore)|"
     r"(give|gave|giving) away (all )?(her|his|my|their) (things|stuff|belongings)|"
     r"keep (her|his|my) (laptop|things|stuff|cat|dog)|(look after|take care of|have) (her|his) (cat|dog|pets?) (from now on|for good|after (she'?s|he'?s) gone)\b[^.]{0,60}\b(phone('s| is) off|not answering|won'?t answer|isn'?t answering|locked)|edge of the (roof|bridge)|"
     r"(a )?burden to (everyone|everybody|my family|them)|last time you('ll| will)? hear)\b|"
     r"\bbetter off without (me|her|him)\b|"
     r"\b(on the outside of|outside) the (railing|barrier|fence|parapet|guard ?rail)\b|"
     r"\b(legs|feet) (are |were )?(hanging|dangling) over\b|"
     r"\b(roof|rooftop|bridge|building|balcony|cliff|tower|car park)\b[^.]{0,60}\b(standing|stood|perched) "
     r"(on|at) the (very )?(edge|ledge)\b|\b(standing|stood|sitting|sat|perched) (on|at) the (very )?"
     r"(edge|ledge) of (the|a|her|his|their|our) (\w+ ){0,2}(roof|rooftop|building|bridge|balcony|cliff|tower)\b|"
     rf"({_READY_EN}).{{0,100}}({_WEARY_EN})|({_WEARY_EN}).{{0,100}}({_READY_EN})|"
     r"\bwon'?t (be (a )?)?(bother|burden|troubl)\w*( to)? (anyone|anybody|everyone|everybody)"
     r"( \w+){0,2} (anymore|again|after (tonight|today))\b"),
    # A wire down on the ground: anyone who touches it is electrocuted (sparks: see fire).
    ("electric", "119",
     r"(電箱|變電箱|配電箱|電表箱)[^。]{0,30}(小孩|小男生|小女生|孩子|工人|人|他|她)[^。]{0,20}(啪|彈出來|彈開|被電|麻掉|手掌黑|手黑)|"
     r"電(線|纜)(?!桿)[^，。、]{0,6}(斷|掉|垂|落|倒|掛)(掉|下來|下|落|在|到)?[^，。、]{0,8}(地上|路上|馬路|地面|人行道|草地|水裡|積水|路中間|下來)|"
     r"\b(power|electric(al)?|live|high[- ]voltage) (line|wire|cable)s?\b.{0,30}\b(down|fell|fallen|"
     r"on the (ground|road|street|pavement)|snapped|hanging|dangling)\b|"
     r"\bdowned (power )?(line|wire|cable)s?\b"),
    # an animal biting or mauling a person now (狗咬了我兒子; a pit bull won't let go of her arm)
    ("medical", "119",
     r"(狗|犬|猴|豬|牛)(?:(?!會|常|想|愛|怕|要|都)[^，。]){0,4}(咬|撲|攻擊)(了|到|住|傷)?(我|他|她)?(的)?(兒子|女兒|孫子|孫女|小孩|孩子|"
     r"小朋友|阿公|阿嬤|阿伯|阿姨|爸|媽|先生|太太|老公|老婆|弟弟|妹妹|哥哥|姊姊|老人|路人|人)"
     r"(?![^。]{0,20}(上個月|上禮拜|去年|以前|之前|疫苗|檢舉|罰))|"
     r"\b(dogs?|pit ?bulls?|monkeys?|boars?)\b[^.]{0,12}\b(is |are |has |have |just )?(biting|attacking|"
     r"mauling|bit|attacked|mauled|savaged)\b (my|a|the|his|her|our|some|an?) (\w+ )?(son|daughter|kid|"
     r"child|boy|girl|baby|man|woman|grandma|grandpa|neighbou?r|wife|husband|mother|father|mum|mom|dad|"
     r"person|rider|jogger|toddler)\b(?![^.]{0,30}\b(last|ago|vaccin\w*|report|fine)\b)"),
    # stung by hornets or bees and swelling or short of breath: anaphylaxis (not a beating)
    ("medical", "119",
     # food eaten, then the lips or eyes swelling with hives; no air, a hand at the throat
     r"(吃了|吃到|吃完|吃下去|過敏)[^。]{0,24}(嘴唇|眼睛|臉|舌頭)[^，。]{0,6}腫[^。]{0,24}(一塊一塊|疹子|蕁麻疹|全身|喘|聲音|喉嚨)|"
     r"(?<!擠到)(?<!悶到)(說|一直|快|完全|都|他|她)吸不到(氣|空氣)|"
     r"(一直|自己|猛)抓(著)?(脖子|喉嚨)[^。]{0,12}(喘|吸不|說不出話|講不出話|沒辦法(吸|呼|講|說))|"
     r"\b(he|she|they|my \w+) (can'?t|cannot) get (any )?air\b|\b(she|he)('s| is| keeps) clutching (her|his) (own )?throat\b|"
     r"\b(ate|eaten|eating|had)\b[^.]{0,40}\b(face|lips|eyes|tongue|throat)\b[^.]{0,20}\b(swollen|swelling|puffed up)\b"
     r"[^.]{0,40}\b(hives|rash|breath|wheez\w*|can'?t (breathe|swallow|talk))|"
     r"(蜂|蜂群|蜂窩)[^。]{0,20}(叮|螫|蟄|咬)[^。]{0,30}((臉|嘴唇|嘴巴|眼睛|全身|喉嚨)[^，。]{0,4}腫|喘|呼吸|昏|暈|發紫|起不來)|"
     r"(叮|螫|蟄)(到|了|得)[^。]{0,20}(喘不過氣|呼吸|昏|暈倒|嘴唇|全身腫)|"
     # food or a sting, then the face or throat swelling: anaphylaxis
     r"(吃到|吃了|過敏|叮到|被叮)[^。]{0,20}(臉|嘴唇|嘴巴|眼睛|舌頭)[^，。]{0,4}腫[^。]{0,20}(喉嚨|呼吸|喘|講話|說話|聲音)|"
     r"(吃到|吃了|過敏|叮|螫|蝦|花生|海鮮)[^。]{0,30}喉嚨[^，。]{0,2}(很|好|變得?|一直)?(緊|腫起來|腫腫|卡住|快關起來)|"
     r"喉嚨[^，。]{0,2}(很|好|變得?|一直)?(緊|腫起來|腫腫|快關起來)[^。]{0,12}(喘|呼吸|講話|說話|聲音)|喘不過來|"
     r"\b(stung|stings)\b[^.]{0,60}\b(face|lips|throat|tongue|eyes|whole body)\b[^.]{0,20}\b(swell\w*|swollen)\b|"
     r"\b(stung|stings)\b[^.]{0,60}\b(can'?t breathe|struggling to breathe|wheez\w*|faint\w*|collaps\w*)\b|"
     r"\b(ate|eaten|eating|allerg\w*|peanuts?|shrimp|shellfish|stung|sting)\b[^.]{0,60}\bthroat (is |'s )?"
     r"(closing|swelling|tight\w*)\b|\b(face|lips|tongue) (is |are |'s )?(swelling|swollen|puffing)\b"
     r"[^.]{0,40}\b(throat|breath\w*|talk|speak|wheez\w*)\b|"
     r"\b(face|lips|tongue|eyes)( and (her |his |their )?(face|lips|tongue|eyes|throat))? (is |are |'s |have |has )?"
     r"(swelling|swollen|puffing|puffed)( up)?\b.{0,60}\b(wheez\w*|can('?t| hardly| barely) (talk|speak|breathe|swallow))"),
    ("fire", "119",
     r"(?<!每天)(?<!每晚)(屋頂|窗戶|工廠|倉庫|廠房|屋裡)[^，。]{0,6}(衝出|冒出|竄出|噴出)[^，。]{0,8}(一團|一大團|一片)?[^，。]{0,3}"
     r"(黑黑|黑色|灰黑|濃濃)(?![^，。]{0,3}(的)?(貓|狗|鳥|水|油))|"
     r"(塑膠|橡膠|電線)[^，。]{0,2}(融掉|融化|熔化|燒焦)的?(臭)?味|"
     # a pan or fryer throwing light into an awning that blackens and spreads
     r"(油鍋|炸鍋|鍋子|鍋裡|爐子|爐台)[^。]{0,8}(竄|冒|噴|衝)(出|上)[^，。]{0,6}(橘紅|橘色|紅光|火光|亮光|紅紅的光|一片光)|"
     r"(帆布|棚子|遮雨棚|遮陽棚|窗簾|布幔)(?:(?!霉|黴)[^，。]){0,6}(黑掉|燒黑|焦黑|捲起來|熔掉|融掉)(?:(?!霉|黴)[^。]){0,20}"
     r"(延過去|延燒|燒過去|往隔壁|蔓延到隔壁)|"
     r"(油鍋|鍋|爐)[^。]{0,12}(潑水|拿水去潑|用水潑)[^。]{0,10}(轟|更大|變大)|"
     r"冒.{0,6}(煙|火花|火光)|(煙|火花).{0,6}(越來越|一直|不停|很)(多|大|冒|噴)|燒焦.{0,3}(味|的味)|"
     r"焦味|焦(掉|了)?的[^，。]{0,2}(臭)?味|電線.{0,6}(走火|燒|冒|火花)|火花|火光|"
     r"(黑黑|黑色|灰黑|黑灰|灰灰|灰色|濃濃)的?(一團|一大團|一片|東西|霧|氣)?[^，。水蟻蟲味油臭廢排]{0,3}(從|由)[^，。]{0,8}(窗|門縫|屋|房間|陽台|樓梯|地下室)[^，。]{0,4}((冒|竄|湧|飄|噴|跑)出|往上(衝|竄|冒))|"
     r"(?<![車盜])警報器?[^。]{0,8}(響|叫)[^。]{0,20}(樓梯|走廊|整層|整間|前面|出口)[^，。]{0,3}(都)?(看不到|看不見|看不清楚)|"
     r"(窗|窗戶)(裡|內|裡面)[^，。]{0,4}(紅紅亮亮|紅通通|一片紅|火紅)[^。]{0,30}(熱|燙|劈|啪|爆|黑)|"
     r"(熱|燙|劈|啪|爆)[^。]{0,30}(窗|窗戶)(裡|內|裡面)[^，。]{0,4}(紅紅亮亮|紅通通|一片紅|火紅)|"
     r"(裡面|屋裡|工廠|倉庫|房間|樓上|隔壁)[^。冷機擎達]{0,10}(劈哩啪啦|霹靂啪啦|劈里啪啦)[^。]{0,30}(紅紅|紅通通|熱氣|很燙|火紅)|"
     r"((窗|窗戶)(裡|內|裡面)|屋裡|屋內|房間(裡|內))[^，。燈]{0,10}(閃|亮|透出|映出)[^，。燈]{0,4}(橘紅|橘色|橙|紅紅|火紅)[^，。]{0,3}的?(光|亮光)|"
     r"(延長線|插座|插頭|電線|電器|開關|電箱|配電盤|充電器|電池)[^。]{0,12}(噴|冒|爆)[^，。]{0,6}(亮點|火星|火花|電光|藍藍的(亮點|光點|火))|"
     r"(延長線|插座|插頭|電線|充電器)[^，。]{0,4}(的)?(皮|外皮|塑膠)?[^，。]{0,3}(都)?(融|熔|燒)(掉|化|焦)|"
     r"\b(orange|red) glow\b[^.]{0,40}\b(window|flat|apartment|room|house|inside)s?\b|"
     r"\bglowing (orange|red) (inside|in|behind|through) (the|a|an|their|his|her|my|our) (\w+ ){0,2}"
     r"(window|flat|apartment|room|house)s?\b|"
     r"\b(black|grey|gray|dark|thick) (stuff|clouds?|haze|billows?)\b[^.]{0,20}\b(pouring|coming|billowing|rolling) "
     r"out (of|from) (the|a|an|their|his|her|my|our|that) (\w+ ){0,2}(window|door|flat|apartment|house|room|balcony)s?\b|"
     r"\b(socket|plug|extension (lead|cord)|power strip|charger|wires?|cable)\b[^.]{0,30}\b(melt\w*|spitting sparks|"
     r"arcing)\b|"
     r"(窗|門縫|門底下|門下|屋裡|屋內|房間|家裡|裡面).{0,8}(飄|冒|竄|湧|跑)出.{0,6}((?<!油)煙|霧|黑黑|灰灰|黑色|灰色)|"
     r"(燒|融化)(塑膠|橡膠|電線)的?(味|臭)|聞(起來)?.{0,3}像.{0,3}(在)?燒|"
     r"(住警器|偵煙器|煙霧警報器|火災警報器).{0,8}(響|叫|嗶)|"
     r"\b(smoke (is )?(coming|pouring|rising)|burning (smell|plastic)|smell\w* (of|like) burning|"
     r"sparks?|sparking|(smoke|fire) alarm\w* .{0,20}(beeping|going off|ringing|sounding))\b|"
     r"\b(haze|fumes|smoke)\b.{0,20}\b(coming|pouring|seeping|leaking|billowing|drifting) (out of|"
     r"out from|from under|under)\b.{0,25}\b(door|window|flat|apartment|room|house|unit)s?\b"),
    ("gas", "119",
     r"臭雞蛋.{0,2}味|(瓦斯|煤氣|怪)味.{0,10}(頭暈|頭痛|想吐|很重|很濃)|"
     r"(瓦斯|煤氣|一氧化碳)(警報器|偵測器)[^。]{0,8}(響|叫|嗶)|"
     r"\b(gas|carbon monoxide|co) (alarm|detector)s?\b[^.]{0,20}\b(beep\w*|going off|goes off|ringing|sounding)\b|"
     rf"({_RELEASED})[^。]{{0,30}}({_BREATHED})|({_BREATHED})[^。]{{0,30}}({_RELEASED})|"
     r"\b(explosion|blast|bang|leak\w*|burst|(yellow|green|orange|brown|yellowish|greenish) (cloud|gas|fumes|mist))\b"
     r"[^.]{0,80}\b(eyes (are |were )?(stinging|burning|streaming|watering)|(everyone|people|we|they|kids|children)"
     r"( are| were|'re)? (all )?(coughing|choking|retching)|can'?t stop coughing)\b|"
     # a strange smell at home, and people there dizzy with it
     rf"{_INDOORS}[^。]{{0,20}}(怪|奇怪的?|刺鼻的?)(味道?|氣味)[^。]{{0,30}}(頭暈|頭很暈|頭好暈|頭昏|暈眩)|"
     r"\b(rotten eggs?|smell\w* of gas)\b"),
    ("co", "119",
     r"(全家|大家|家人|一家人|我們家?|好幾個人|兩個人|三個人|家裡的人)(都|全部)?(人)?.{0,4}(頭暈|頭很暈|頭好暈|頭昏|暈眩)|"
     rf"{_INDOORS}[^。]{{0,30}}(跟|和)[^，。]{{0,8}}(都|也都)(說|覺得)?[^，。]{{0,2}}(頭暈|頭很暈|頭好暈|頭昏|暈眩)|"
     r"引擎[^。]{0,10}(一直|還)?(開著|沒關|發動著|在轉)[^。]{0,30}(鐵門|車庫|地下室|窗戶|車窗)[^。]{0,10}(拉下|關|緊閉)|"
     r"排氣管的?(味道|廢氣)[^。]{0,20}(頭暈|頭有點暈|不醒|叫不)|"
     r"\bengine (is |was )?(still )?running\b[^.]{0,60}\b(windows? (all )?(closed|shut|up)|garage|shut in)\b|"
     r"熱水器.{0,30}(頭暈|頭好暈|頭痛|想吐|昏|叫不)|(頭暈|頭好暈|頭痛|想吐|昏昏沉沉|昏倒).{0,30}熱水器|"
     r"一氧化碳.{0,4}中毒|\b(carbon monoxide poisoning|(whole family|all of us|we'?re all|everyone "
     r"(here|at home)) .{0,15}(dizzy|nauseous|light-?headed))\b"),
    ("trapped", "119",
     rf"{_WHO}.{{0,8}}((卡|困|夾|壓)在.{{0,6}}(裡面|車內|車裡|底下|下面|中間)|出不來|被困|受困)|"
     r"(被|人)(困|壓|夾)住|(被|整個人).{0,4}(蓋|埋|壓)在.{0,4}(下面|底下|裡面)|"
     r"(有人|有個人)[^，。]{0,3}(被)?(困|卡|關)在[^，。]{0,6}(電梯|車|裡)|(電梯.{0,12}(卡|停)|(車|屋|房子|土|牆).{0,12}(卡|垮|塌|崩|倒)).{0,20}(裡面有|壓到|埋到).{0,4}人|"
     r"(掉|滑|跌|摔|被沖)(進|到|下|入|落)[^，。]{0,3}(水|溪|河|海|池|湖|井|水溝|大排|圳|渠)|溺水|沉下去|被(水|浪)?沖走|"
     r"(有人|人)落水|"
     r"載浮載沉|浮浮沉沉|一浮一沉|(溪|河|水)(裡|中)[^。]{0,10}(抱著|抓著|攀著)[^，。]{0,6}(石頭|樹|欄杆|樹枝)|快(抓|撐)不住了|"
     rf"(?<![公運覽火])(車|車子|休旅車|轎車|汽車|廂型車|貨車)(裡面|裡|內|後座|上)[^。]{{0,15}}{_CHILD}[^。]{{0,50}}{_HEAT}|"
     rf"{_CHILD}[^。]{{0,10}}(在|坐在|留在|被留在|關在)[^。]{{0,8}}(車|車子|休旅車|轎車|汽車)(裡|內|上)[^。]{{0,50}}{_HEAT}|"
     r"(溪|河|海|水)裡.{0,8}(揮手|掙扎|喊|浮)|電梯.{0,8}(困|卡住|關在)|"
     r"(手|腳|手指|頭髮|衣服|袖子)[^，。]{0,2}(被)?(捲|絞|夾|吸)進去|(捲|絞|夾)進去[^。]{0,8}(拔|拉|抽)不出來|"
     r"(人|他|她|同事|員工|小孩|孩子|工讀生|朋友|我)(一直|還|也)?(被)?(關|鎖|困)在[^，。]{0,8}"
     r"(冷凍庫|冰庫|冷藏庫|冷凍櫃|貨櫃|儲藏室|地窖)|"
     r"(埋|壓|倒|塌|垮)[^。]{0,12}裡面(還)?有人[^，。]{0,4}(在)?(喊|叫|哭|敲|呼)|"
     r"(土石流|山崩|坍方|山[^，。]{0,4}(滑|崩|坍|垮)下來)[^。]{0,30}(房子|屋|車|人)[^，。]{0,6}(埋|壓|蓋)|"
     r"(沉|潛)(下去|到水裡)[^。]{0,10}(一直|都|還)?沒有?(再)?(浮|冒)(上來|起來|出來)|"
     r"(一直|都|還)沒有?(再)?浮上來|(頭|人)[^，。]{0,4}冒出來[^，。]{0,4}(一下)?(又)?(不見|沉下去)|"
     r"(有人|有個人|一個人|他|她|小孩|孩子|朋友)[^，。]{0,8}跳(進|下|入)[^，。]{0,6}(溪|河|海|水裡|潭|湖|大排)"
     r"(?![^。]{0,10}(玩|游泳|戲水))|(從|在)[^，。]{0,4}橋上跳下(去|來)|"
     r"(人|他|她|朋友|同伴|爸|媽|車)[^，。]{0,8}(掉|滑|摔|跌)(下去|下|進|到)[^，。]{0,4}(山谷|山溝|溪谷|懸崖|邊坡|坡下)|"
     r"\b(went|gone|slipped|sank) under (the )?(water|surface|waves)\b[^.]{0,40}\b(hasn'?t|didn'?t|has not|did not|not) "
     r"(come|came|resurfaced|surfaced)|\b(dived|dove|jumped|swimming|swam|fell) (in|into|off)\b[^.]{0,40}"
     r"\bhasn'?t (come|came) (back )?up\b|\bjumped off (the|a) bridge\b|"
     r"(車|車子|汽車|機車|轎車|貨車|人)[^，。]{0,8}(衝|翻|掉|摔|跌|落|滑)(進|到|入|落|下)[^，。]{0,8}"
     r"(水溝|排水溝|大排|溪|河|圳|池|湖|海|魚塭|水裡|水中)|"
     r"裡面.{0,4}有人.{0,6}(拍|敲|捶|搥)(打)?(窗|門|玻璃)|"
     # someone in a car banging to get out; a car caught in water; water risen high; someone
     # who cannot be carried or pulled out
     r"(裡面|車裡|車內|車上)[^，。]{0,3}(有人|的人|的駕駛|的司機|的乘客)[^，。]{0,6}(拍|敲|捶|搥)(打)?(車窗|窗|車門|門|玻璃)|"
     r"(司機|駕駛|乘客|有人)[^，。]{0,3}(在)?(車裡|車內)[^，。]{0,6}(拍|敲|捶|搥)(打)?(車窗|窗|車門|門|玻璃)|"
     rf"{_VEHICLE}[^，。]{{0,6}}(被)?(困|卡|陷|受困)在[^，。]{{0,8}}(水(?!溝|管|泥|塔|表|費|龍頭|箱)|溪|河|洪水)|"
     rf"{_RISEN}|({_WHO}[^。]{{0,30}}(水|淹)|(水|淹)[^。]{{0,30}}{_WHO})[^。]{{0,20}}(抬|抱|背|扶|救|拉)不(出來|上來|出去|動)|"
     r"\b(car|van|truck|vehicle|scooter)\b.{0,20}\b(went|drove|plunged|crashed|rolled|fell|slid|"
     r"veered) into (the|a) (river|canal|water|ditch|pond|lake|sea|drain)\b|"
     r"\b(banging|pounding|knocking) on the (window|door|glass) from (inside|within)\b|"
     r"\b(car|van|truck|taxi|bus|vehicle|suv|lorry)s?\b[^.]{0,25}\b(stuck|trapped|stranded|stalled|caught|sinking)\b"
     rf"[^.]{{0,15}}\b(flood ?waters?|floods?|water|river|stream|torrent)\b|{_RISEN_EN}|"
     r"\b(can'?t|cannot|couldn'?t|unable to) (get|lift|pull|carry|move) (her|him|them|grandma|grandpa|granny|"
     r"my (mother|mum|mom|father|dad|grand\w+|wife|husband|son|daughter|baby|kid|child|brother|sister|"
     r"neighbou?r|friend)) out\b|"
     r"\b(trapped|stuck (inside|in (the|a) (car|lift|elevator))|drowning|"
     r"fell into (the|a) (river|water|sea|canal|pool)|pinned (under|beneath))\b|"
     rf"{_PERSON_EN}.{{0,30}}\b((slipped|fell|fallen|tumbled|swept|washed|jumped) (in|into|off into) (the|a|an) "
     r"(\w+ ){0,2}(river|water|stream|creek|canal|channel|ditch|pond|lake|sea|reservoir|pool)|"
     r"(swept|washed|carried) (away|downstream))\b|"
     # slipped off a bank into the water; the current carrying someone off
     rf"{_PERSON_EN}(?!['’])[^.]{{0,30}}\b(slipped|fell|fallen|tumbled|slid) (off|from) (the|a) (\w+ ){{0,2}}(bank|edge|jetty|pier|path|rocks?|ledge|boat|dam|bridge) (into|in) (the|a) (\w+ ){{0,2}}(river|water|stream|creek|canal|channel|pond|lake|sea|reservoir)\b|"
     r"\b(current|water|river|flood|waves?|tide)s? (is |are |was |were |keeps? )?(carrying|sweeping|dragging|pulling|taking) (him|her|the (\w+ )?(boy|girl|child|kid|man|woman|person)) (away|under|downstream|out|off)\b|\b(head|arms?) (is |are |keeps? )?(bobbing|going under)\b|"
     rf"{_CHILD_EN}.{{0,40}}\b(in|inside) (a|an|the|this|that) (\w+ ){{0,2}}(car|suv|van)\b.{{0,80}}{_HEAT_EN}|"
     rf"\b(car|suv|van)\b.{{0,30}}{_CHILD_EN}.{{0,60}}{_HEAT_EN}"),
    # A young child alone at the water's edge or wading in: one slip from drowning.
    ("water_edge", "119",
     rf"{_CHILD}[^。]{{0,30}}{_WATERSIDE}[^。]{{0,40}}{_UNWATCHED}|"
     rf"{_CHILD}[^。]{{0,30}}{_UNWATCHED}[^。]{{0,40}}{_WATERSIDE}|"
     rf"{_WATERSIDE}[^。]{{0,20}}{_CHILD}[^。]{{0,40}}{_UNWATCHED}|"
     rf"{_SMALL_EN}[^.]{{0,60}}{_UNWATCHED_EN}[^.]{{0,60}}{_WATER_EN}|"
     rf"{_SMALL_EN}[^.]{{0,60}}{_WATER_EN}[^.]{{0,60}}{_UNWATCHED_EN}|"
     rf"{_SMALL_EN}[^.]{{0,40}}\b(wading|walking|heading|toddling|crawling|wandering) (out )?(into|toward|towards) "
     rf"the (\w+ )?{_WATER_EN}"),
    ("violence", "110",
     # a car rammed into others again and again now, its driver drunk
     r"(一直|故意|還在|又)[^，。]{0,4}(去)?(撞|衝撞)[^，。]{0,8}(車|人|店|門)[^。]{0,40}(喝醉|喝得很醉|喝很醉|醉醺醺|酒駕)|"
     r"(喝醉|喝得很醉|醉醺醺|酒駕)[^。]{0,30}(開車|開著|駕駛|車子|那台車)[^。]{0,20}(一直|故意|還在|又)[^，。]{0,4}(撞|衝撞)|"
     r"\bdrunk\b[^.]{0,40}\b(ramming|smashing into|crashing into|hitting) (parked )?(cars|people|vehicles)\b|"
     r"(拿|用|揮|舉|抓).{0,4}(椅子|棍子|球棒|鐵棍|刀|酒瓶|磚頭|榔頭|鐵鎚|東西|石頭).{0,6}(砸|打|揮|追|丟|敲)|"
     r"(砸|丟|踹)(我|人|他|她)|(臉|頭|身上|手|眼睛).{0,4}(腫|瘀青|都是傷)|不要(再)?打(了|我)|"
     r"(尖叫|哭喊|慘叫|大叫).{0,20}(打|救|不要)|要(給|讓)(我|你|他|她|妳|你們)好看|說要(殺|砍|弄死|打死|燒)|"
     rf"{_CRYING}[^。]{{0,30}}{_SMASHING}|{_SMASHING}[^。]{{0,30}}{_CRYING}|"
     r"(前夫|前妻|前男友|前女友|前任)[^。]{0,15}(門口|樓下|家門|外面|堵我|守在|找上門)|"
     r"(手上|手裡)拿著.{0,6}(刀|棍|槍|球棒)|刀.{0,4}(揮|亂)|(踹|撞|砸)(門|窗)|"
     r"(拿|用).{0,4}(棒球棍|球棒|棍子|鐵棍|鐵管|安全帽).{0,8}(砸|打|敲)|砸.{0,4}(車|玻璃|窗戶)|"
     r"(用|拿)[^，。]{0,3}(衣架|皮帶|藤條|棍子)[^，。]{0,3}(打|抽)|(打|抽)(他|她|小孩|孩子)[^，。]{0,4}(皮帶|衣架)|"
     r"掐[^，。]{0,3}(脖子|喉嚨)|推下樓梯|(抓|揪|扯)(著|住)[^，。]{0,6}(頭|頭髮)[^，。]{0,8}(甩|撞|摔|砸|往[^，。]{0,4}(撞|甩))|"
     r"\b(hitting|beating|whipping) (my|his|her|their|the) (\w+ )?(kids?|children|son|daughter|brother|sister|wife|"
     r"mum|mom)\b|\b(choking|strangling) (me|her|him)\b|\bpushed (me|her|him) down the stairs\b|"
     r"(打|甩)巴掌|(一直|用力)(捏|踢|揍|掐|推)|(一直|用力)打(?!(到|在)?(我們?家?的?)?(窗|門|玻璃|牆|屋頂|鐵皮)|(你們的?)?(電話|手機)|噴嚏|嗝|瞌睡|呵欠|蚊子|給|來)|(掐|勒)(住|脖子)|"
     r"\b(swinging|waving) (a |an |the |his |her )?(hammer|crowbar|axe|pipe|wrench|cleaver)\b[^.]{0,20}\b(at|toward|"
     r"towards|around) (me|him|her|them|us|people|someone|everyone|the (staff|cashier|clerk|counter|driver|kids?|"
     r"children|customers?))\b|"
     r"\b((swinging|waving) (a |an )?(metal |iron |steel |wooden |long |big )?(knife|bat|bar|machete|pipe|crowbar)|threw .{0,15} at (me|her|him)|smashing|"
     r"screaming .{0,25}(stop|don'?t|help)|threaten\w* to (kill|hurt|burn))\b|"
     r"\b(he|she|they)('ll| will|'s going to| is going to|'s gonna| is gonna)( \w+){0,2} (break (it|the door|in)|"
     r"(kill|hurt) (me|her|him|us|you|them)|make (me|her|him|us) pay)\b|"
     r"\b(my|her|his) ex(-(husband|wife|boyfriend|girlfriend))?\b.{0,60}\b(door|outside|downstairs|window|gate)\b|"
     r"\b(screaming|crying|shrieking)\b.{0,40}\b(smash\w*|shatter\w*|breaking)\b|"
     r"\bgoing at each other\b|\b(broken bottle|knife|machete|cleaver|hammer|bat)\b[^.]{0,30}\b(at each other|"
     r"fighting|attack\w*|swing\w*|stab\w*|lunging)\b|\b(still )?(kicking|stamping on|punching|beating) "
     r"(him|her|them|a man|a woman|someone)\b|\blocked (me|her|us|my \w+) (in|inside|up)\b|"
     r"\bfinish what (he|she) started\b"),
    ("child_danger", "110",
     rf"{_CAGED_ZH}[^，。]{{0,8}}(籠|鐵籠|狗籠)|"
     rf"{_CAGED_EN}[^.]{{0,20}}\b(in|inside|into) (a|the) (\w+ )?(crate|cage|kennel)\b|"
     r"(綁|捆)(在|住|起來)|被(人)?(綁|捆)|手腳.{0,4}(綁|捆)|嘴巴.{0,4}(貼|塞)|"
     r"(關|鎖)在.{0,8}(車|房間|籠|廁所|陽台|裡面)|"
     r"(小孩|小朋友|孩子|嬰兒|小女生|小男生|女童|男童|女孩|男孩).{0,15}(硬拉|拉上|拖上|抱走|帶走|抓走|拖走|被拉)|"
     r"(硬拉|拉上|拖上|抱走|抓走|拖走).{0,10}(小孩|小朋友|孩子|小女生|小男生|女孩|男孩)|"
     r"(嬰兒|小孩|小朋友|寶寶).{0,15}(冰冰|冰冷|沒有?大人|沒人顧|被丟)|棄嬰|"
     r"(抓住|拉住|扯住)(她|他|小孩|女生|學生)的?(手|手臂|頭髮)|(往|拉進|拉上|拖進|推進)(車|車子|廂型車)|"
     r"跟(著|在).{0,12}(女生|女孩|小孩|學生|小朋友).{0,20}(抓|拉|拖)|"
     r"\b(tied (up|to)|locked (in|inside) (a|the) (car|room|cage)|grabbed (a|the) (child|girl|boy|kid)|"
     r"(pulled|dragged|forced) (a|the) (child|girl|boy|kid))\b|"
     # a child seized, or pushed into a vehicle, by someone: an abduction under way
     r"(?<!我)(?<!我們)(把|將)(她|他|小孩|小朋友|孩子|女生|男生|小女孩|小男孩|小女生|小男生|學生|女兒|兒子|女童|男童)[^，。]{0,4}"
     r"(塞|推|拉|拖|扛|押|架|硬拉|強拉)(進|上|到|入)[^，。]{0,8}(車|車子|廂型車|麵包車|箱型車|休旅車|轎車|貨車)|"
     r"擄走|強行帶走|硬抱走|抱了就跑|"
     r"(喊|哭喊|尖叫|大叫|哭叫)[^，。]{0,4}(說)?(她|他|我)?不認識(那個|這個)?(男的|女的|人|他|她)|"
     r"(喊|哭喊|尖叫|大叫)[^，。]{0,8}放(她|他|我)下(來|車)|"
     r"\b(screaming|shouting|yelling|crying)\b[^.]{0,20}\b(she|he) (doesn'?t|does not|don'?t) know (him|her|them|the)\b|"
     r"(?<!\bI )(?<!\bwe )\b(shoving|pushing|pulling|dragging|forcing|bundling|shoved|pushed|pulled|dragged|forced) "
     r"(a |the )?(woman|girl|lady|man|person|teenager|boy|child|kid)( \w+){0,2} (in|into|inside) "
     r"(a|the|his|their|an) (\w+ ){0,2}(van|car|truck|vehicle|suv|minivan)\b|"
     r"(小孩|小朋友|孩子|小女孩|小男孩|小女生|小男生|女童|男童|學生)[^，。]{0,4}被[^，。]{0,10}"
     r"(塞進|推進|拖進|押上|擄走|架走|拉上|拖上)|"
     r"\b(grabbed|snatched|seized|abducted) (a|the|my|our|this|that|his|her|some) (little |young |small )?"
     r"(child|girl|boy|kid|toddler|son|daughter|student|schoolgirl|schoolboy)\b(?!['’])|"
     r"(?<!\bI )(?<!\bwe )\b(shoved|pushed|pulled|dragged|forced|bundled|threw|stuffed|hauled) (a |the )?(him|her|them|little (girl|boy)|"
     r"child|kid|girl|boy) (in|into|inside) (a|the|his|their|an) (\w+ ){0,2}(van|car|truck|vehicle|suv|minivan)\b"),
    ("medical", "119",
     rf"(叫|喊|搖|拍|敲門).{{0,8}}(都)?(沒有?|不)(反應|回應|醒|聲音|人應)|叫不太?醒|意識(不清|模糊)|"
     # called and no answer (叫他都沒有回答; not 叫司機等一下，他都不回答: told, not called)
     r"(叫|喊)(了)?(好幾聲|好幾次|很多聲|很多次|半天|很久)?[^，。]{0,3}(都|也|還是)(沒有?|不)(回答|回話|出聲|應聲|吭聲)|"
     # fallen in a bathroom or on the stairs; a pool of blood
     rf"{_WHO}.{{0,10}}(倒|趴|癱|昏)在(浴室|廁所|浴缸|樓梯)|(一|一大)(灘|攤|片)(的)?(鮮)?血(?!跡)|"
     rf"{_WHO}[^。]{{0,30}}(一|一大)(灘|攤)(的)?紅紅的(?![^，。]{{0,6}}檳榔)|"
     rf"{_WHO}.{{0,16}}((不會|沒在|沒有在)動|動也不動|不動了|沒有?(任何)?(反應|回應)|"
     rf"(倒|躺|趴|癱)(在)?(地上|地板|路上|馬路|路中間|那邊|那裡|床上))|"
     r"(突然|整個人).{0,4}(倒下|倒地|軟掉|癱|跌下|軟下去|倒下去|癱下去|垮下去)|"
     r"(叫|喊|搖|拍)[^，。]{0,4}(他|她)(都|也)(不動|沒動)|(叫|喊)[^，。]{0,4}(他|她)(都|也)?(沒有?|不)應(?!該|用|徵)|"
     r"吐(出來)?的?(是)?[^，。]{0,3}(咖啡色|黑色|黑黑)|臉(色)?白得?(跟|像)紙|站起來[^，。]{0,4}(腳)?(就)?軟(掉)?|"
     r"(碰到|摸到|觸到|電到)[^，。]{0,4}(電線|電箱|高壓)?[^。]{0,20}(黏在|一直抖|抖個不停|倒下|不動)|身體[^，。]{0,2}(硬硬|僵硬|冰冰)|人(都|整個)?軟掉了|"
     r"(突然|軟|倒|暈|發燙|怪怪|不對勁|呆呆)[^。]{0,30}(跟|和|問)(他|她)[^，。]{0,6}(亂回|亂答|答非所問|牛頭不對馬嘴|回不出來)|"
     r"(身體|全身|皮膚|額頭)[^，。]{0,3}(燙|發燙)[^。]{0,20}汗[^，。]{0,3}(不流|沒在流|流不出來|停了)|"
     r"(抱|撈|拉|扶)(起來|出來|上來)[^，。]{0,4}(整個|全身)?(軟軟|癱軟|軟趴趴|軟綿綿)|"
     r"(趴|臉朝下|面朝下)(在)?[^，。]{0,6}(水裡|水中|水面)|"
     rf"({_PERSON_EN}|{_SMALL_EN})[^.]{{0,30}}\b(face ?down|floating) in (the|a) (bath|bathtub|tub|pool|pond|water)\b|"
     rf"\b{_PERSON_NP}\b( \w+){{0,2}} (went|is|was|'s|has gone) (all |completely )?(limp|floppy)\b|"
     r"\b(stopped sweating|isn'?t sweating|burning hot)\b[^.]{0,40}"
     r"\b(confused|talking nonsense|makes? no sense|slurr\w*|collaps\w*|dizzy)\b|"
     r"\b(confused|talking nonsense|makes? no sense)\b[^.]{0,40}\b(stopped sweating|burning hot)\b|"
     r"(突然|整個人).{0,4}(倒下|倒地|軟掉|癱|跌下)|(?<!我)整個人[^，。]{0,3}(倒|趴|癱|軟)在|"
     r"(?<!我)(?<!累到)(?<!累得)(?<!到)(軟|癱)(倒)?在(沙發|地上|地板|床上|椅子|座位|田裡|田埂)|"
     r"(突然|忽然|怎麼叫都|叫(他|她)都)[^，。]{0,4}(在)?(亂講話|胡言亂語|語無倫次)|"
     r"呼吸.{0,6}(奇怪|困難|急促|微弱|怪怪|不順|停|很喘)|"
     r"喘不過氣|(嘴唇|嘴巴|全身).{0,4}(發紫|發黑|發白|發青|變紫|腫起來)|臉色?(發紫|發黑|發青|變紫)|"
     r"全身(冰冷|冰冰|發冷)|抽筋|吐白沫|沒有?(氣息|心跳)|"
     r"(嘴唇|嘴巴|眼睛|臉).{0,4}腫(得|起來)|喉嚨.{0,8}(卡住|腫|緊|不能呼吸)|呼吸.{0,6}(咻咻|聲音)|"
     r"((頭|腦袋|後腦)[^，。]{0,3}(撞|摔|敲|叩)到|(撞|摔|敲|叩)到(頭|後腦|腦袋))[^。]{0,40}(一直吐|吐了|在吐|想睡|"
     r"昏(?!暗|黃)|叫不)|叫(他|她)?(都)?叫不(太)?(起來|醒)|(嘴巴|嘴角|臉)[^，。]{0,2}歪(歪|掉|了|一邊)|"
     r"\bhit (his|her|their|my) head\b[^.]{0,40}\b(throwing up|vomit\w*|sleepy|drowsy|won'?t wake)|"
     r"\bchest (pain|pressure|tightness)\b[^.]{0,40}\b(sweat\w*|clammy|pale|can'?t|short of)|"
     # a cleaner or a poison drunk (a small child, or anyone): poisoning
     r"(漂白水|清潔劑|農藥|殺蟲劑|除草劑|洗碗精|通樂|鹽酸|去漬油|礦物油|酒精)[^。]{0,12}(在喝|喝了|喝下|喝到|吞了|吃了|吃到)|"
     r"\b(drinking|drank|drunk|swallowed|swallowing|ate|eaten) (from |some )?(the |a |her |his )?(bleach|detergent|"
     r"cleaner|pesticide|weed ?killer|drain cleaner|antifreeze|paint thinner|rat poison)\b|"
     # called, knocked, shaken: no answer (敲車窗他都不醒, 叫他都沒在回)
     r"(叫|喊|搖|拍|敲)[^，。]{0,6}(他|她)?(都)?(沒有?|不)(反應|回應|醒|理(?!我|人|你|會|睬我))|(搖|拍)[^，。]{0,6}(他|她)?(都)?(沒有?|不)理|"
     r"(叫|喊)[^，。]{0,3}(他|她)(都)?(沒在|沒有在|不)(回|應|理)|臉色[^，。]{0,3}(很|好|變得?|越來越)?(蒼白|慘白|發白|白)(?!天)|"
     r"(頭|手|腳|身體)[^，。]{0,2}(卡|夾)在[^，。]{0,10}(欄杆|鐵窗|縫|洞|中間|裡面)[^。]{0,10}(拔|拉|拿|抽)不出來|"
     r"壓(到|住|在)[^，。]{0,4}(人|師傅|工人|他|她|我們(的)?(一個)?|一個)|壓在(腳|腿|身|胸)上[^，。]{0,4}(拉|拔|抽|搬)不(出來|動|開)|"
     rf"\b{_PERSON_NP}\b( \w+){{0,2}} (is |was |'s )?(slumped|collapsed|keeled) (over|at|against|on)\b|"
     rf"\b{_PERSON_NP}\b( \w+){{0,3}} (does|did)(n'?t| not) (react|respond|move|wake)\b|"
     rf"\b(he|she|(my|his|her|our) (\w+ )?(dad|father|mum|mom|mother|grandpa|grandma|husband|wife|son|daughter|"
     r"brother|sister|baby|friend|neighbou?r))\b( \w+){0,3} won'?t (answer|respond)( to)? (me|us|the door)\b|"
     r"\b(slipped|fell|collapsed) (in|into) the (shower|bath|bathtub|tub|bathroom)\b|"
     r"\b(on the ground|on the floor) and (is )?not getting up\b|"
     r"\b(face|mouth) (is |'s )?droop\w*|\bone side of (his|her|my|their) face\b|\bcan'?t (lift|raise|move) "
     r"(his|her|my|their) (right |left )?(arm|leg)\b|\b(words|speech) (are |is )?(coming out )?(all )?"
     r"(wrong|slurred|garbled|jumbled)\b|"
     r"(嘴唇|嘴巴|臉|臉色)(?!都曬)[^，。曬]{0,4}(灰灰|紫紫|青青|發灰|變灰|紫了|灰了)|"
     r"(軟軟|癱軟|整個軟)[^。]{0,8}(沒有?反應|不動)|"
     r"(?<![扶踏機推])(腳|腿|下半身|手)(?![扶機踏])[^，。]{0,3}(不能動|動不了|沒有感覺|沒感覺)(?![^，。]{0,6}(拍照|照片))|"
     r"冒冷汗|認不出(人|我|來)|講話.{0,4}(含糊|含含糊糊|不清楚|顛三倒四|口齒不清)|"
     r"(手|腳|半邊).{0,4}(舉不起來|沒力氣?|抬不起來)|嘴(角)?.{0,3}歪(掉|了)|胸口.{0,4}(悶|痛|壓)|"
     r"(叫|喊).{0,6}只會|眼睛(都)?睜不開|咬(住|傷).{0,12}(腳|手|腿|人|小孩|小朋友|臉)|咬得?很深|"
     r"卡在喉嚨|噎(到|住)|吞(下去|了).{0,10}(硬幣|錢|電池|磁鐵|東西|玩具)|講不出話|說不出話|"
     r"羊水破|快(要)?生了|要生了|陣痛|"
     rf"(躺|趴|倒|癱)著(一個|個)?{_WHO}|{_WHO}.{{0,10}}(躺|趴|倒)在.{{0,8}}(車道|匝道|快速道路|高速公路|馬路|路中間)|"
     r"\b(call(ed|ing)? (out|(his|her) name|to (him|her))|shout(ed|ing)?|yell(ed|ing)?|knock(ed|ing)?)\b[^.]{0,40}"
     r"\b(no answer|(does|did|will|is)(n'?t| not) (answer|respond|repl|react)\w*)|"
     r"\b(does|did|will|is)(n'?t| not) (answer|respond|repl|react)\w* when (i|we) (call|shout|knock)|"
     r"\b(pool|puddle) of blood\b|"
     r"\b(not (answering|responding|moving|breathing|waking)|won'?t wake|can'?t wake|"
     r"(dropped|fell|collapsed|slumped) (down )?(to|on(to)?) the (ground|floor|road)|gasping|"
     r"breathing (sounds |is )?(strange|weird|funny|hard|odd)|turned blue|lips? .{0,10}(blue|swell\w*))\b|"
     r"\bbreath\w* (sounds |is )?like (loud |heavy )?snor\w*|"
     rf"\b{_PERSON_NP}\b( \w+){{0,4}} (is|was|are|were)(n'?t| not) (moving|responding|waking)\b"
     r"(?! (his|her|their|the|a|my|it|its)\b)|\b(is|was|are|were)(n'?t| not) breathing\b|"
     rf"\b{_PERSON_NP}\b( \w+){{0,2}} won'?t (wake|come round|respond)\b(?! to (my|our|the|your|emails?|calls?))|"
     rf"\b{_PERSON_NP}\b( just)?( got| was| has been| been| gets) (knocked (off|down|over)|run over|"
     r"thrown off)\b|"
     rf"\b{_PERSON_NP}('s| is| was| are|'re)? (still )?(lying|lay|sprawled|slumped|collapsed) (on|in) "
     r"(the|her|his|their|our|my) (\w+ )?(floor|ground|road|street|pavement|sidewalk|carriageway|"
     r"middle of the road)\b|"
     # a small child who swallowed a battery, a magnet, a coin, grown-ups' pills or a cleaner
     rf"{_SMALL}[^。]{{0,20}}{_SWALLOWABLE}[^，。沒不差怕免會要]{{0,6}}(吞|吃|喝|嚥)(下去|進去|下肚|掉|了)|"
     rf"{_SMALL}[^，。]{{0,12}}(吞|吃|喝|嚥|誤食|誤吞)(了|下|進|到)?(去)?[^，。]{{0,8}}{_SWALLOWABLE}|誤(食|吞|喝)|"
     rf"{_SMALL_EN}[^.]{{0,40}}\b(swallowed|swallowing|ate|eaten|drank|drunk|chewed|got into) (\w+ ){{0,3}}"
     rf"{_SWALLOWABLE_EN}|{_SMALL_EN}.{{0,60}}\b(batter(y|ies)|coins?|magnets?|pills|tablets)\b[^.]{{0,40}}"
     r"\b(swallowed|ate|eaten) (it|them|one|some)\b|"
     # heavy bleeding: blood spurting or not stopping, cloths soaked through, a part cut off,
     # a power tool or a machine that cut or caught someone
     r"血[^，。]{0,4}(一直|狂|不停|用)?(噴|湧|冒)(出來|出|個不停)?|血[^，。]{0,2}(止不住|止不了|停不下來|流個?不停)|"
     r"(止不住|止不了|停不了)[^，。]{0,2}血|(毛巾|衣服|紗布|布|繃帶)[^，。]{0,6}(都)?(染紅|全紅|紅透|吸滿血|被血)(?!色)|"
     r"(紗布|繃帶)[^，。]{0,4}(都)?濕透|"
     r"(手指|指頭|手掌|手臂|手腕|腳趾|腳掌|小腿|大腿)[^，。]{0,6}(被)?(切斷|截斷|削掉|切掉|壓斷|鋸斷|捲進去|絞進去)|"
     r"(被|讓)(電鋸|圓鋸|鏈鋸|鋸子|砂輪機|切割機|割草機|絞肉機|機器|機台|電鑽)[^，。]{0,6}(割|切|鋸|捲|削|劃|絞)(到|傷|斷|進)|"
     r"\bblood (is |was |keeps? )?(spraying|spurting|pouring|gushing|squirting|pumping|pooling|everywhere|all over)|"
     r"\b(towels?|bandages?|gauze|cloth|shirt|rags?|dressing)\b[^.]{0,30}\b(soak\w*|drench\w*|bled|bleeding) "
     r"(right |straight )?through\b|\b(bled|bleeding|blood) (right |straight )?through\b|"
     r"\b(soaked|drenched) (in|with) blood\b|"
     r"\bwon'?t stop bleeding|can'?t stop the blood|\b(cut|sliced|chopped|sawed|sawn|torn|severed) off (his|her|my|their|a) "
     r"(finger|thumb|hand|toe|foot)|\bdeep (cut|gash|wound|laceration) (on|in|to) (his|her|my|the) (\w+ )?"
     r"(arm|forearm|leg|hand|head|neck|thigh|finger|wrist)|\blost (a lot of|so much) blood\b"),
    ("followed", "110",
     r"(男的|女的|男子|男人|女人|陌生人|人|傢伙|怪人|機車|車子|車)[^，。]{0,10}(一路|一直)(跟|尾隨)(著|在|到)"
     r"(我|她|他|我們|她們|小孩|我女兒|我兒子|[^，。]{0,10}(女生|女孩|學生|小孩|小朋友|女童|男童))|"
     r"(?<!我)(?<!我們)(一路|一直)(跟|尾隨)(著|在|到)[^，。]{0,10}(女生|女孩|學生|小孩|小朋友|女童|男童)|"
     # led into an alley or a stairwell; exposing himself
     r"(跟|拖|帶|拉)進[^，。]{0,10}(巷子|暗巷|小巷|廁所|樓梯間|車裡|空屋|工寮)|(拉|脫|解開)(自己的)?褲子|露出下體|"
     r"我(轉彎|過馬路|停下來|走快|走到哪)[^，。]{0,3}(他|她|對方|那個人)(就|也)(轉彎|跟|停|走快)|"
     r"\b(someone|a man|a guy|a car|a stranger|he)\b.{0,20}\b(has been |is |keeps? |kept )?"
     r"follow(ing|ed) (me|us|her|him)\b"),
    ("pedestrian", "110",
     rf"{_WHO}.{{0,12}}(快速道路|快速公路|高速公路|國道|匝道|快車道|車道|路中間).{{0,8}}"
     r"(走來走去|亂走|遊蕩|徘徊|晃來晃去|走路|逆向走|站著|坐著|蹲著)|"
     r"(他|她|阿公|阿嬤|老人|老先生|老太太|伯伯|阿伯|阿婆)(好像)?(都)?不知道自己在哪(裡)?(?!一?區)|"
     r"\b(walking|wandering|standing) (on|in|along|down) the (highway|expressway|motorway|freeway|"
     r"carriageway|middle of the road)\b|"
     # on foot on a freeway, the verb said first (走在內側車道), the freeway first, or an elder
     # who seems confused there
     rf"{_WALKER}[^，。]{{0,12}}(走|站|坐|蹲|晃|徘徊|遊蕩|穿越|橫越)(在|到|進|上|過)?[^，。]{{0,6}}{_FREEWAY}|"
     rf"{_FREEWAY}[^。]{{0,30}}有(一)?(個|位)?(老)?{_WALKER}[^，。]{{0,12}}(在)?(走|亂走|遊蕩|徘徊|晃|站|穿越|橫越)|"
     rf"{_CONFUSED}[^。]{{0,30}}{_FREEWAY}|{_FREEWAY}[^。]{{0,40}}{_CONFUSED}|"
     rf"{_PERSON_EN}[^.]{{0,40}}\b(walking|wandering|shuffling|strolling|standing|on foot)\b[^.]{{0,40}}{_FREEWAY_EN}|"
     rf"{_FREEWAY_EN}[^.]{{0,60}}{_PERSON_EN}[^.]{{0,30}}\b(walking|wandering|shuffling|on foot|standing)\b"),
    ("intruder", "110",
     r"(轉|扭|拉|試|開).{0,4}門把|撬.{0,8}(門|鎖|窗)|(剪|鋸|切)(斷|開).{0,4}(鐵窗|門鎖|鎖頭|鐵門)|(爬|翻)(進|過|上).{0,4}(窗|牆|陽台)|"
     r"一間一間.{0,8}(門|開|看)|不敢開門|躲(在)?(家裡|房間|廁所|浴室|衣櫃).{0,8}(不敢|怕)|"
     r"(門|鎖|窗|門鎖|鐵門|窗戶|大門|後門|鐵窗)[^，。]{0,3}被(撬|破壞|打破|砸破|剪斷|剪開|弄壞|撞開|踹開|拆)|(門鎖|鎖頭|大鎖)[^，。]{0,2}被打開|"
     r"(出國|不在家|沒人在家|沒有人在|沒人住|空屋)[^。]{0,40}(?<!拿)(?<!帶)(手電筒|手機的燈)[^，。]{0,8}(晃|照|閃)|"
     r"(?<!拿)(?<!帶)手電筒[^，。]{0,8}(晃|照|閃)[^。]{0,40}(出國|不在家|沒人在家|沒人住)|"
     r"撬[^，。]{0,12}(門|鎖|窗|車)|(剪|破壞|弄斷)[^，。]{0,8}(大鎖|鎖頭|車鎖|機車鎖|大門鎖)|"
     r"(裡面|屋裡|家裡|屋內|房間|樓上)[^，。]{0,6}有(人)?[^，。]{0,3}(翻東西|翻箱倒櫃)|(翻東西|翻箱倒櫃)的聲音|"
     r"我(們)?[^，。躲]{0,4}躲(?!雨|太陽)[^，。]{0,10}不敢|"
     r"(跟蹤|尾隨)|"
     r"\b(trying (the )?(door|handles|doors)|someone is (in|inside) my (house|flat|apartment)|"
     r"following (me|her|him)|hiding (in|from))\b|"
     r"\b(lock|door|window|gate)s? (has been|have been|was|were|is|are) ((forced|smashed|jimmied|pried|kicked)"
     r"( open| in)?|broken (open|into))\b|\b(pounding|banging|kicking|hammering) (on|at) (my|our) (front )?(door|window)s?\b|"
     r"\b(prying|cutting|breaking|forcing|jimmying) (open |off )?(the |a |my |our )?(\w+ ){0,2}(locks?|chains?|padlocks?)\b|"
     # a window or door forced now, or someone climbing in by it
     r"\b(prying|prising|forcing|jimmying|levering|wrenching|crowbarring|tampering with|trying to (force|pry|prise|"
     r"jimmy|lever|break open|get in through|climb in through)) (at |on |open )?(the |a |an |my |our |his |her |"
     r"their |someone'?s |\w+'s )?(\w+ ){0,2}(windows?|doors?|gates?|shutters?|frames?|latch(es)?|screens?)\b|"
     r"\b(someone|somebody|a man|a guy|a stranger|people|they|he|she) (is|are|was|'s|keeps?|has been) (still )?"
     r"trying to (get|climb) (in|into|inside) (my|our|the|his|her|their) (house|home|flat|apartment|room|"
     r"bedroom|place|unit)\b|"
     r"(有人|有個人|陌生人|男的|那個人|小偷)[^，。]{0,8}(扳|撬|硬拉|硬推|弄開)[^，。]{0,8}(窗|門)|"
     r"(有人|有個人|陌生人|男的|那個人|小偷|他們?)[^，。]{0,6}從[^，。]{0,6}(窗|陽台|後門|氣窗|屋頂)[^，。]{0,4}"
     r"(爬|鑽|翻|闖)(進|入)|"
     r"(不認識的|陌生的?|奇怪的)(人|男人|女人|男的|女的|男生)[^。]{0,12}(爬|翻|攀|鑽)[^，。]{0,4}"
     r"(我家|我們家|家裡|家的)[^，。]{0,4}(陽台|窗|鐵窗|圍牆|屋頂|門)|"
     r"(爬|翻|攀)(過|上)?[^，。]{0,6}(陽台|窗|欄杆|鐵窗|圍牆)[^。]{0,12}(要|想|準備)(進來|進去|闖進)|"
     r"\b(climbing|climbed|clambering|scrambling) (up )?(onto|into|over|on to|in through|through|up) "
     r"(my|our) (\w+ )?(balcony|window|wall|fence|roof)s?\b|"
     r"\b(someone|somebody|a man|a guy|a stranger|people) (i|we) (don'?t|do not) know\b[^.]{0,60}"
     r"\b(climb\w*|trying to (open|get in(to)?|force) (my|our|the) (\w+ )?(door|window|gate)|break\w* in)\b"),
    # something sharp held to someone's side, cash forced out (en)
    ("crime", "110",
     r"\b(holding|pressing|pointing|jabbing) (something sharp|something pointed|a (blade|knife|screwdriver|shard))"
     r"( \w+)? (to|at|against|into) (his|her|their|my|the (\w+ )?(lady|man|woman|\w+)'s) (side|back|neck|throat|ribs)\b|"
     r"\bsomething (sharp |pointed )?(pressed|held|jammed) (to|against|into) (his|her|the (\w+ )?\w+'s) "
     r"(side|back|ribs|neck)\b|"
     r"\b(at|by) the (atm|cash machine)\b[^.]{0,80}\bmaking (him|her|them) (take out|withdraw|hand over|empty)\b|"
     r"\bmaking (him|her|them) (take out|withdraw|hand over|empty)\b[^.]{0,60}\b(atm|cash machine)\b"),
    # a child beaten with a belt now; a small child shut out in the cold, or threatened with a fall
    ("child_abuse", "113",
     r"\b(hitting|beating|whipping|thwacking|lashing) (his|her|their|the|a) (little )?(boy|girl|child|kid|son|"
     r"daughter)\b[^.]{0,30}\b(belt|stick|cane|hanger|coat hanger)\b|"
     r"\b(belt|cane|hanger)\b[^.]{0,30}\b(crack\w*|whip\w*|thwack\w*)\b[^.]{0,60}\b(boy|girl|child|kid|son|daughter)\b"
     r"[^.]{0,30}\b(scream\w*|cry\w*|sorry|begging)\b|"
     r"(小孩|小男生|小女生|孩子|男孩|女孩|小朋友)(?:(?!的)[^，。]){0,6}(關|鎖|趕|罰站)(在|到|出)(外面|陽台|門外|走廊|門)"
     r"[^。]{0,40}(發抖|哭|冷)|"
     r"(小孩|小男生|小女生|孩子|男孩|女孩|小朋友)[^。]{0,60}(說|要|吼|威脅)[^，。]{0,8}(從陽台|從樓上|從窗戶)(丟下去|丟下樓|摔下去)"),
    # a scam's courier come to collect the money now (a "prosecutor" froze the account)
    ("crime", "110",
     r"(檢察官|地檢署|法官|警察|監管帳戶|帳戶[^，。]{0,3}(凍結|盜用)|洗錢)[^。]{0,90}"
     r"(等一下|現在|已經|正要|馬上|樓下|門口|巷口|派)[^。]{0,12}(來收|要收|收(現金|錢)|來拿|要拿|拿錢|取款|面交|車手|"
     r"拿下去給|拿去給)|"
     r"\b(prosecutor\w*|frozen|money laundering|investigators?)\b[^.]{0,120}\b(coming|on (his|her|their) way|"
     r"outside|downstairs|waiting|at the door)\b[^.]{0,30}\b(collect|pick up|take|get)\b[^.]{0,20}"
     r"\b(money|cash|savings|gold|bank ?books?|cards?)\b"),
    # someone dragged or carried off into a toilet, a car or a room against their will
    ("child_danger", "110",
     r"\b(dragged|dragging|pulled|pulling|forced|forcing|pushed|pushing|carried|carrying|hauled|hauling)\b "
     r"((a|the|this|that|an|some|my|our) (\w+ ){0,3}(woman|girl|lady|child|kid|boy|teen\w*|person|daughter|son)|her|him)"
     r"\b[^.]{0,60}\b(into|in to|inside)\b[^.]{0,40}\b(toilets?|restrooms?|bathrooms?|cars?|vans?|rooms?|alley|bushes)"
     r"\b[\s\S]{0,80}\b(saying no|screaming|struggling|kicking|crying|shouting|doesn'?t know him)\b|"
     r"(拖|拉|扛|押|架)(進|到)[^，。]{0,8}(廁所|車裡|車上|房間|巷子|暗巷|草叢)[^。]{0,20}(不要|掙扎|求救|喊救命|尖叫|哭喊|一直在?叫)"),
    # a car driving against the traffic on a fast road: the traffic police
    ("wrong_way", "110",
     r"逆向(開|行駛|駛|衝|過來)[^。]{0,24}(國道|高速公路|快速道路|內線|外線|內側)|"
     r"(國道|高速公路|快速道路|快速公路|內線|內側車道|交流道)[^。]{0,30}(逆向(開|行駛|駛|衝|過來|車(?!道))|在逆向|開錯方向)|"
     r"(逆向車(?!道)|開錯方向)[^。]{0,20}(閃|衝|過來|快要)|"
     r"\b(driving|going|heading|coming) (\w+ )?(the wrong way|against (the )?traffic)\b[^.]{0,40}\b(freeway|highway|"
     r"expressway|motorway)s?\b|\bwrong[- ]way (driver|car)\b"),
    ("unseen", "119",
     r"(好幾天|幾天|很久|三四天|兩三天|一個禮拜|一個星期).{0,8}沒(有)?(看到|出門|出來|見到|應門|接電話)"
     r"(?![^，。]{0,2}(主人|飼主))|"
     r"(敲門|按電鈴|按門鈴|叫門).{0,8}(都)?沒(有)?(人)?(應|開|回應)|(飄|傳)出.{0,6}(臭|怪)味|"
     r"\b(haven'?t seen (him|her|them) (for|in) (days|a week)|nobody answers the door)\b"),
]
_VICTIM = re.compile(_WHO)
_CUES_COMPILED = [(kind, number, re.compile(p, re.IGNORECASE)) for kind, number, p in _CUES]

# Danger words matched by sound as well: Whisper heard 失火 as 吃火.
_BY_SOUND = [
    ("fire", "119", "失火"), ("fire", "119", "火災"), ("fire", "119", "著火"),
    ("fire", "119", "起火"), ("gas", "119", "瓦斯"), ("medical", "119", "流血"),
    ("medical", "119", "昏倒"), ("medical", "119", "沒呼吸"), ("crime", "110", "搶劫"),
    ("crime", "110", "小偷"), ("violence", "110", "打人"), ("violence", "110", "殺人"),
    ("suicide", "1925", "自殺"),
]
_SOUND_THRESHOLD = 0.13
# Common words that sound like a danger word and are none (吃火鍋, 小頭, 打認).
_SOUND_NOT = re.compile(r"火(鍋|車|腿|柴|龍|星|紅|熱|力)|^瓦斯(費|爐|桶|行|公司|表)")
# A cry for help says how urgent, the words after it say which service.
_CRY = re.compile(r"救命|快來|help|\b(please )?hurry\b|\bcome quick(ly)?\b", re.IGNORECASE)
# 救命喔, 救命耶: said with these particles, an exclamation of exasperation (救命啊 is a cry).
# Frustration with the bot itself: 聽不懂, 講不出來, 你這個機器.
_AT_THE_MACHINE = re.compile(r"聽不懂|講不出來|講不清楚|說不清楚|說不出來|機器|電腦|語音")
_EXASPERATED = re.compile(r"(喔|哦|噢|耶|欸|唷|喲|咧)")

# A past event (上禮拜失火, a fire two weeks ago) is no emergency unless it is still going on.
_PAST = re.compile(r"上(個)?(禮拜|星期|週|月)|去年|小時候|前(幾|兩|三|一)?天|昨天|昨晚|之前|以前|那時候|上次|"
                   r"\b(last (week|month|year|night)|yesterday|ago|earlier this)\b", re.IGNORECASE)
_FINE_NOW = re.compile(r"(現在|今天)[^，。]{0,4}(已經)?(好了|沒事|沒有事|康復|出院|平安)")
_NOW = re.compile(r"現在|正在|還在(燒|冒|打|流|倒|躺)|剛剛|剛才|快(來|點)|馬上|今天|今早|今晚|到現在|"
                  r"\b(right now|still (burning|on fire|there|lying|bleeding)|just now|is happening)\b|"
                  r"\b(a (minute|moment|second)|(a few|a couple of|two|three|\d+) (minutes|seconds)) ago\b",
                  re.IGNORECASE)
# What sounded like danger and was not: 還以為是失火, 原來是在燒金紙; fire lanes and drills.
_MISTAKEN = re.compile(r"(以為|誤會)(是)?", re.IGNORECASE)
# "I thought something was on fire": what the caller took it for, before the words say it.
_MISTAKEN_EN = re.compile(r"\b(i|we) (first )?(thought|assumed|figured)\b(?![^.,;]*\bbut\b)[^.,;]{0,30}$",
                          re.IGNORECASE)
_REALLY = re.compile(r"真的|不是(在)?演|\b(real|really|for real|not (acting|a film|a movie))\b", re.IGNORECASE)
_SERVICE_NAMED = re.compile(r"\s*(prevention|hotline|helpline|hot line|detectors?|alarms?|sensors?|防治|專線|"
                            r"防制|警報器|偵測器|檢測器|探測器)"
                            # (a detector that is sounding is a sign, not a purchase)
                            r"(?![^.。，,]{0,20}(beep|go(es|ing)? off|ring|sound|響|叫|嗶))", re.IGNORECASE)
_AFTER_THAT = re.compile(r"(了)?(以後|之後|過後)")
_COULD_HURT = re.compile(r"(會|可能會?|容易|恐怕|怕|小心|以免)(受傷|撞傷|摔|跌|骨折|被車撞)")
_BY_CALLER = re.compile(r"(我|我們)(自己)?(就|只好|趕快|用力)?(把|將)[^，。]{0,4}$")
_LIKE_BEFORE = re.compile(r"(好像|像是?|彷彿|跟)[^，。]{0,4}$")
_LIKE_AFTER = re.compile(r"[^，。]{0,3}(一樣|似的)")
# What made the bang or the glow, named: firecrackers, thunder, a show (not 輪胎: a tyre shop
# is where people get crushed).
_SOUND_SOURCES = r"鞭炮|沖天炮|煙火|放炮|炮竹|打雷|電視|遊戲|電動|直播|拍戲|拍電影|(趕|驅)鳥|瓦斯炮|禮炮|鳴炮|空包彈"
_SOURCE_NAMED = re.compile(_SOUND_SOURCES + r"|\b(fireworks?|firecrackers?|thunder)\b", re.IGNORECASE)
# What a bang said as a likeness was (像輪胎爆掉, 跟氣球破掉一樣): the sources, a tyre or a balloon.
_WHAT_IT_WAS = re.compile(_SOUND_SOURCES + r"|輪胎|氣球")
# …unless it set something alight or struck someone (鞭炮把窗簾燒起來了, 招牌砸到人).
_HARM = re.compile(r"燒|火|煙|砸|壓|卡在|血|倒在|跌|摔|\b(burn\w*|flames?|smoke|hit (a|an|the|some)\w*|"
                   r"fell|crush\w*|bleed\w*)\b", re.IGNORECASE)
# A lit sign or lamp, named as what glows red: light at night, not a fire.
_LIT_SIGN = re.compile(r"招牌|霓虹|燈箱|廣告燈|跑馬燈|\b(neon|billboards?|(led|shop|store|lit) signs?)\b", re.IGNORECASE)
# "I nearly had a heart attack": the caller's fright, not an illness.
_FRIGHT_EN = re.compile(r"\b((i|we) (nearly|almost) had|(nearly|almost) gave (me|us))( a| an)? $",
                        re.IGNORECASE)
# A show being made or played, said before the shots and screams it explains: 在拍電影，有槍戰的戲.
_STAGED = re.compile(r"在拍(電影|戲)|拍戲|演戲|拍(偶像劇|連續劇|電視劇|短劇|微電影|MV|廣告|劇)|拍(影片|片|短片)[^。]{0,12}假裝|(槍戰|打鬥|爆破|追殺)的?(戲|場面)|"
                     r"\b(shooting a (film|movie|scene)|film shoot|(film|movie) (crew|set)\b[^.]{0,30}\b(shooting|filming|"
                     r"scene))\b", re.IGNORECASE)
# A rope tied up for something else: laundry, a lantern or banner, a swing, a dog, a tent.
_ROPE_FOR_SOMETHING = re.compile(r"(用來|要|拿來|準備)?(曬|晾)(衣|棉被|被子|東西)|掛(燈|旗|布條|招牌|帆布)|當(作|成)?(鞦韆|曬衣)|盪鞦韆|"
                                 r"練習?(繩結|打結)|繩結|接線|綁狗|吊床|帳篷|"
                                 r"\bto hang (up )?(the |some )?(\w+ )?(washing|laundry|lights|lanterns?|banner|flag|sign)|"
                                 r"\bas a swing\b|\brope swing\b|\bpractis\w* (his |her |their )?knots\b|\b(dog|puppy) is tied\b|"
                                 r"\b(swings?|laundry|washing|lantern|"
                                 r"banner|hammock|flag|dogs?|tent|tarp|clothes ?line)\b", re.IGNORECASE)
# The one who fell on a film set got up again and went on (an actor).
_UP_AGAIN = re.compile(r"(演員|臨演)[^。]{0,10}(就|又|馬上)?(爬|站)起來(了)?[^，,。]{0,6}(揮手|笑|繼續(拍|演))|"
                       r"\b(actor|actress|extra)\b[^.]{0,20}\b(got|gets|stood|jumped) (back )?up\b", re.IGNORECASE)
# 我以為我要跳下去了: the caller's own wish, never set aside
_PERSON_IS_CALLER = re.compile(r"以為(我|自己)|\bI thought I\b", re.IGNORECASE)
_EXAGGERATED = re.compile(r"(?<!不是)(?<!沒有)(?<!不是在)(?<!沒)(?<!不)(誇張|比喻|形容一下)|講講而已|說說而已|\b(exaggerating|just a figure of speech)\b",
                          re.IGNORECASE)
# Words that set a match aside in _set_aside: pollution reported (no fire now), a machine that
# pounds, a thing tied up, a smell traced to a drain, a fine or a habit of driving the wrong way,
# someone sent for to help (派人來救牠們: no person in danger).
_REPORTED_POLLUTION = re.compile("每天|每晚|天天|檢舉|空污|空氣污染")
_MACHINE = re.compile("沖床|機器|機台|工廠|打樁|鐵工|施工|工地")
_THING_TIED = re.compile("布條|喇叭|招牌|旗子|看板|廣告|帆布|網子|水管|竹竿")
# 把繩子綁在樹上: the thing tied said just before, whoever tied it; "a rope tied to a branch"
# …unless someone, or a body, is what it is tied to (綁住小孩的手, tied to his wrists, their son)
_BODY_AFTER = re.compile(r"手|腳|腰|身上|脖子|頭|嘴|小孩|孩子|孫|兒子|女兒|女生|男生|老人|阿公|阿嬤|人|\b(hands?|wrists?|"
                         r"ankles?|legs?|feet|neck|waist|him|her|them|he'?s|she'?s|son|daughter|child|kid|boy|girl|baby|"
                         r"bed|chair)\b", re.IGNORECASE)
_THING_TIED_HERE = re.compile(r"把(這|那)?(一)?(條|根|個|塊|片|捆)?(尼龍|童軍|麻|曬衣|塑膠)?(布條|喇叭|招牌|旗子|看板|廣告|帆布|網子|繩|"
                              r"水管|竹竿)[^，,。]{0,2}$|"
                              r"\b(rope|cord|string|banner|sign|flag|tarp|hammock|bikes?|bicycles?|scooters?|"
                              r"boats?|balloons?)\b( \w+)?\s+(is |was |are |were )?$", re.IGNORECASE)
_FROM_DRAIN = re.compile(r"(從|是)[^，。]{0,6}(水溝|排水溝|溝渠|下水道|化糞池)")
_HABIT_OR_FINE = re.compile(r"罰|請問|常常|取締|每天|老是|\b(fine|always|often|keep|which exit|i think i)\b",
                            re.IGNORECASE)
# The police have the drunk driver already: no car bearing down now
_STOPPED = re.compile(r"被警察(攔|抓|帶)|警察(已經)?(來了|到了|攔|抓)|\bpolice (have |had |already )*(stopped|caught|pulled)",
                      re.IGNORECASE)
# …nor where a habit is reported (常有人蛇行, every Friday night) or more patrols asked for
_DRIVES_SO_OFTEN = re.compile(r"常常|常有|經常|取締|每天|老是|每次|每到|巡邏|很多年輕人|"
                              r"\b(\w+s|they|people) keep \w+ing|\b(fine|always|often|every "
                              r"(\w+ )?(day|night|morning|evening|weekend|week)s?|usually|patrols?)\b", re.IGNORECASE)
_SENT_TO_HELP = re.compile(r"(派|請|叫|找)(個)?人來(救|處理|看|抓|幫)")
# A show being filmed (en): quiets only the model, for the rules name what happened on a set
_FILMING = re.compile(r"\bfilming (a |an |the )?(\w+ )?(drama|film|movie|scene|series|show|commercial|music video)\b",
                      re.IGNORECASE)
# Swelling with no blow (food, a sting, a vaccine) and a carer or the police leading someone
_NO_BLOW = re.compile(r"(?<!沒)吃(了|到|完|下去|太)|過敏|叮|被[^，。]{0,3}咬|疫苗|針眼|蚊子|海鮮|花生|太鹹|"
                      r"喘|沙啞|咻咻|喉嚨")
_BLOW = re.compile(r"打|揍|踢|動手|推|甩|摔|踹|巴掌|撞|捏|掐|虐|瘀青|瘀傷|烏青")
_CARER = re.compile(r"警察|員警|媽媽|爸爸|老公|老婆|\b(police|officers?|my (husband|wife|mum|mom|dad)|"
                    r"mum|mom|dad|parents?)\b", re.IGNORECASE)
# "…it's just the TV, but now she is screaming for real", 我覺得怪怪的, "I'm not so sure": the
# explanation doubted or taken back after it is given
_DOUBTED = re.compile(r"(可是|但是?|不過|\bbut\b)[^。.]{0,40}(真的(有人|在|被|砍|打|流)|(聽到|有人)[^，,。]{0,8}(哭|喊|尖叫|打)|"
                      r"血|受傷|看到[^，,。]{0,8}(被|打|推|拖|抓)|沒(有)?看到[^，,。]{0,6}(攝影機|劇組|鏡頭)|"
                      r"\b(for real|blood|bleeding|hurt|injured|saw (him|her|them)|still (screaming|crying|"
                      r"hear\w*|yelling)|no cameras?)\b)|"
                      r"(覺得|感覺)[^，,。]{0,3}(怪怪|不對勁|不太對)|不太相信|不相信|擔心|不放心|這次|這一次|"
                      r"\b(not so sure|not sure (it|that)|don'?t believe|doubt|won'?t let (me|us) in|worried|"
                      r"this time|but now|and now)\b", re.IGNORECASE)
# "his dad told me it's just the TV": the excuse of whoever may be doing it, not what was found
_REPORTED = re.compile(r"\b(says?|said|saying|told (me|us)|swore|claims?|claimed|insists?|insisted|explained)\b"
                       r"[^.]{0,30}$|(他|她|那個男的|那個女的|那個人|老公|老婆|先生|太太|爸爸|媽媽|家長|鄰居)"
                       r"[^，,。]{0,4}(跟我|跟我們)?(說|講|表示)[^，,。]{0,2}$", re.IGNORECASE)
_FOUND_BY_WHOM = re.compile(r"police|officers?|guards?|firefighters?|警察|管理員|警衛|消防|上去看|過去看|去看了|去敲門|"
                            r"我老公|我先生|我太太|我老婆|我媽|我爸|\bwent (up|over|to look)|\bchecked|\bknocked|"
                            r"\bmy (husband|wife|mum|mom|dad|son|daughter|brother|sister)\b", re.IGNORECASE)
_CONTRAST = re.compile(r"可是|但是|但|不過|結果|沒想到|才發現|竟然|\bbut\b", re.IGNORECASE)
# Shouts and screams explained, later in the same turn, as a show, a game or a rehearsal.
_EXPLAINED = re.compile(r"(才知道|才發現|原來|後來發現|結果(是|只是)|走近一看|仔細一看)(?!不是|並不是|並非|沒有)(是|只是)?"
                        # (nothing denied on the way: 才發現那把刀不是道具 is no explanation)
                        r"(?:(?!不是|並不是|並非|沒有)[^，。]){0,10}((電視|電影)[^，。]{0,4}(在)?(演|播|放|開|的?聲音)|"
                        r"連續劇|電視劇|偶像劇|八點檔|演戲|拍片|拍戲|拍電影|開玩笑|玩笑|假的|演習|演練|彩排|排練|鬼屋|音效|"
                        r"(在)?練(習)?[^，。]{0,5}(刀|劍|拳|功|武|舞|陣頭)|表演(?!完)|(?<!以為)虛驚一場(?![？?，,\s]*(不是|才怪|並不是)))|"
                        # 結果他們是在練吼叫功: a group found practising (not 結果他們是假的警察)
                        r"結果(他們|那些人|那群人)(是|只是)(?:(?!不是|沒有)[^，,。]){0,4}((在)?練(習)?[^，,。]{0,5}(刀|劍|拳|功|武|舞|陣頭)|"
                        r"排練|演練|彩排|拍戲|拍片|拍電影|演戲)(?!完)|"
                        r"(才發現|原來|走近一看|仔細一看)[^，。]{0,3}(只)?是[^，。]{0,6}(垃圾袋|塑膠袋|布袋|棉被|假人|模特兒|"
                        r"人形立牌|布偶|稻草人|紙箱)(?![^，。]{0,4}(纏|捲|壓|卡|店|機))|"
                        r"(才發現|原來|走近一看|仔細一看)(?![^，。]{0,2}不是)[^，。]{0,3}(只)?是(一群|幾隻|兩隻|一隻)?(流浪)?"
                        r"(貓|狗|野貓|野狗|猴子|鳥)"
                        r"[^，。]{0,8}(在)?(叫|打架|吵|哭|叫春|發情)(?![^。]{0,30}(可是|但是?|不過|現在|又))|"
                        r"\b(turned out|it was (just|only))"
                        r" (to be )?(the |a )?(tv|television|movie|film|game|joke|prank|rehearsal|drill|pyrotechnics|"
                        r"fireworks|special effects)|"
                        # "it's just the old man upstairs watching crime dramas with the TV up loud"
                        r"\b(it'?s|it is|it was) (just|only) [^.]{0,30}\b(watching|playing)\b[^.]{0,20}"
                        r"\b(tv|television|dramas?|movies?|films?|shows?|video games?)\b",
                        re.IGNORECASE)
_MISTAKEN_AFTER = re.compile(r"以為|才知道|原來是|結果是|不是瓦斯(?![^，。]{0,3}(爐|桶|管|表|的問題))|"
                             r"(瓦斯公司|瓦斯行|師傅|技師|消防隊?)[^。]{0,16}(測|檢查|看)過[^。]{0,12}(沒問題|正常|沒事)"
                             r"(?![^。]{0,12}(可是|但是?|還是|越來越))|(不過|但是?|可是).{0,20}(正常|沒事|不用擔心|處理好)|"
                             r"說(只是|沒事|沒有危險|是正常)|只是.{0,8}(蒸氣|水氣|霧氣|水霧|灰塵)|"
                             r"消防(隊|局|員).{0,10}(看|檢查|處理|確認)過|電池沒電|"
                             r"\b(low battery|batter(y|ies) (is |are )?(low|dead|flat|running out))\b|"
                             r"\b(turned out|thought it was|they said it'?s (normal|fine)|but it was (just|only))\b|"

                             # a burning smell of the caller's own cooking, already aired out
                             r"是(我|我們|我媽|我爸|家人|家裡|自己)[^，。]{0,6}(煮|烤|炒|燉|煎|燒開水|熱)|"
                             r"(煮|烤|炒|燉|煎|熱)[^，。]{0,6}(燒乾|燒焦|煮焦|烤焦|煎焦|乾掉)|"
                             r"(已經|都)(散掉|散了|散去|退了|沒味道)|(打開|開窗)[^，。]{0,6}(散|通風)|沒事(了|啦)|"
                             r"\b(aired (it )?out|it'?s (all )?(gone|fine|okay|ok) now|all (fine|good|clear) now|"
                             r"i (burn(t|ed)|scorched|overcooked) (the|my|some|our)|"
                             r"was (just )?(my|our) (cooking|toast|dinner|rice|soup|pan|pot))\b",
                             re.IGNORECASE)
# "…but nobody is answering": what follows a reassurance and takes it back.
_BUT_DANGER = re.compile(r"\bbut\b[^.]{0,40}\b(nobody|no one|not|hot|scream\w*|can'?t|inside|trapped|flames?|"
                         r"fire|spreading)\b", re.IGNORECASE)
# "It's only incense", said a sentence after the smoke.
_ONLY_HARMLESS_EN = re.compile(r"\b(it'?s|it is) (only|just) (\w+ )?(incense|steam|a barbecue|bbq|cooking|mist|fog|"
                               r"dust|a drill|a test|joss)\b", re.IGNORECASE)
_AGAIN = re.compile(r"(現在|又|再)(開始)?(又)?(冒|燒|起火|有煙|有火|聞到)|(火|煙)[^，。]{0,3}越來越(大|旺|濃)|越燒越|蔓延|延燒|"
                    r"\b(smok\w*|burn\w*|flames?)\b.{0,30}\b(again|still)\b|"
                    r"\b(again|still)\b.{0,20}\b(smok\w*|burn\w*)", re.IGNORECASE)
# Something of a home alight (鞭炮把窗簾燒起來了): a fire, whatever lit it.
_THING_ALIGHT = re.compile(r"(窗簾|沙發|床|屋頂|陽台|客廳|廚房|房間|房子|家裡|鐵皮屋|衣服|頭髮)[^，。]{0,6}"
                           r"(燒起來|著火|起火)|燒到(窗簾|屋頂|房子|陽台|人|二樓|樓上)")
_NOT_FIRE = re.compile(r"消防(通道|車道|栓|局|隊|演習|演練|設備|安檢)|演習|演練|煙火|鞭炮|金紙|紙錢|"
                       r"烤肉|拜拜|燒香|香爐|放炮|沖天炮|炮竹|\bfire (lane|hydrant|drill|station|exit|escape|alarm test|"
                       r"department|truck|door|safety)|\bfire(works|crackers)\b|\b(scheduled |evacuation |"
                       r"routine )?drill\b|\balarm test\b|\btesting the alarms?\b", re.IGNORECASE)
# Rubbish burnt in the open smells of burning plastic too: an environment case, unless the
# words say a fire (失火, 燒起來).
_OPEN_BURNING = re.compile(r"燒(垃圾|稻草|雜草|廢棄物|落葉|廢料|廢輪胎)|露天燃燒|\bburning (rubbish|garbage|trash|"
                           r"leaves|waste)\b", re.IGNORECASE)
_SAYS_FIRE = re.compile(r"失火|火災|著火|起火|燒起來|火燒|火很大|\b(fire|flames?)\b", re.IGNORECASE)
_NOBODY_HURT = re.compile(r"沒(有)?(人|任何人)(受傷|怎樣|出事|被撞到)|(人|大家)(都)?(沒事|平安|沒受傷)|"
                          r"\b(no one|nobody) (was |is |got )?(hurt|injured)\b", re.IGNORECASE)
# Things dropped into water or a drain (not people): 手機, 落葉, keys.
_THING = re.compile(r"手機|鑰匙|錢包|皮夾|東西|垃圾|樹葉|落葉|葉子|球|帽子|輪胎|安全帽|包包|"
                    r"\b(phone|keys?|wallet|purse|ball|bag|rubbish|trash|leaves|hat|helmet)\b", re.IGNORECASE)
_ANGER_SMOKE = re.compile(r"(氣到|氣得|火大)[^，。]{0,4}(頭頂|頭|腦袋|耳朵|七竅)[^，。]{0,3}冒煙")
_JOKE = re.compile(r"(?<!不是在)(?<!不是)(?<!沒在)(?<!沒有在)開玩笑|哈哈(?!大笑|笑)|說笑的|講好玩的|"
                   r"\b(ha|haha|just kidding|lol)\b|(?<!not )(?<!n't )\bjoking\b", re.IGNORECASE)
_FIGURATIVE = re.compile(r"(臭|吵|煩|氣|熱|敲|裝潢)(到|得)")
_AS_ILLNESS = re.compile(r"(氣|煩|累|嚇|吵|熱|笑|忙|餓|冷)(到|得)(我)?(快|要|都|快要)?(要)?$")
# What fell over when the words do not say who (整段倒在地上 is a railing): no patient.
_FALLEN_THING = re.compile(r"(整段|整排|整棵|整支|整根|整片|整面|樹|樹枝|欄杆|護欄|招牌|看板|電線桿|燈桿|"
                           r"路燈|號誌|紅綠燈|圍籬|圍牆|鐵架|鷹架|機車|腳踏車|盆栽|冷氣|垃圾|牌子)"
                           r"(整段|整排|整棵|整支|整個|都|也|就|又|被[^，。]{0,6}|掉下來|掉了下來|斷掉|斷了|"
                           r"吹斷|吹倒|倒了|倒|一整排|[，,]|平)*$")
# A button or a machine that does not answer (按鈕按了都沒反應): nobody unconscious.
_DEAD_THING = re.compile(r"按鈕|開關|機器|機台|螢幕|面板|感應|刷卡|遙控|號誌|紅綠燈|(售票|提款|販賣|投幣|繳費|自助)機|"
                         r"按(零|0|\d|[一二三四五六七八九]|井字|米字)(?!下|按)(號|鍵)?|按鍵|"
                         r"\b(button|switch|screen|machine|card reader|reader|vending|signal)s?\b", re.IGNORECASE)
# Smashed glass or bottles left lying about ("beer bottles and smashed glass"): litter.
_SMASHED_LITTER = re.compile(r"smashed (beer |wine )?(glass|bottles?)\b", re.IGNORECASE)
# A person shut in a cage, the person named in the words matched (the cage may be a dog's).
_CAGED = re.compile(f"{_CAGED_ZH}|{_CAGED_EN}", re.IGNORECASE)
_ATTACK_EN = re.compile(r"\b(attack\w*|fight\w*|hit\w*|threat\w*|holding|wrist|die|kill\w*|cut\w*|"
                        r"smashing|breaking|throw\w*|chas\w*|swing\w*|wav\w*|stab\w*)\b", re.IGNORECASE)
_LITTER_BEFORE = re.compile(r"\b(and|with|of|leaving|left|the|some|all|full of)\s+$", re.IGNORECASE)
# A smell from a drain or rubbish (臭雞蛋味 of a blocked ditch): an environment case.
_DRAIN_SMELL = re.compile(r"水溝|排水溝|溝渠|下水道|化糞池|垃圾|廚餘|豬舍|雞舍|\b(drain|sewer|garbage|"
                          r"rubbish|bins?)\b", re.IGNORECASE)
# An animal attacking someone (a bite is the person's emergency).
_ATTACKING = re.compile(r"咬|追|攻擊|衝(進|過|向)|撲|(?<!\ba )(?<!little )\bbit\b|\b(bites?|biting|attack\w*|"
                        r"chas\w*|maul\w*)\b",
                        re.IGNORECASE)
# Someone sent for, not someone in danger: 派人來, 找人來處理.
_SENT_FOR = re.compile(r"(派|找|叫|請)(個)?人")
_CLAUSE = re.compile(r"[，,。.！!？?；;]")
_FIRE_KINDS = {"fire", "gas"}
# Dangers known by what was heard (screams, shouts, threats): a game or a stream explains them.
_HEARD_KINDS = {"violence", "crime", "child_danger", "child_abuse", "intruder"}
_GAME = re.compile(r"(才知道|原來|後來發現|結果(是|只是))(是|只是)?[^，。]{0,10}(打電動|玩遊戲|打遊戲|電玩|直播|開實況)"
                   r"(?![^，。]{0,8}(打|推|踢|揍|罵|摔))|"
                   r"\b(turned out|it was (just|only))\b[^.]{0,20}\b(video ?game|gaming|live ?stream\w*|streaming)",
                   re.IGNORECASE)
# Said of the person in the turn: out, safe, on their feet (the driver already walked out).
# A pet given to someone to keep: a farewell, not an animal case.
_HANDED_OVER = re.compile(r"(交給|託給|拜託|帶來給|送給|留給)(我|我們)|\b(gave|left|handed) (me|us)\b|"
                          r"\b(look after|take care of)\b|\bkeep (it|him|her|them)\b", re.IGNORECASE)
_STILL = re.compile(r"還有人|還在(裡面|水裡|車裡|車上|底下|上面)|(可是|但是?|不過)[^，。]{0,10}(孩子|小孩|裡面|人)|"
                    r"\bstill (inside|in|trapped|stuck|under|missing)\b", re.IGNORECASE)
_SAFE_NOW = re.compile(r"(已經|都)(自己)?(走|爬|逃|跑|游)(出來|上來|出去)|已經(被)?救(出來|上來)|"
                       r"只是(受到)?(驚嚇|嚇到)(了|而已)?[啦喔。!！\s]*$|虛驚一場(?![？?，,\s]*(不是|才怪|並不是))|"
                       r"\b(got|climbed|walked) out (safely|by (him|her)self|on (his|her) own)|\b(is|are) (safe|fine|okay|ok) now\b|"
                       r"\bwe got (him|her|them) out\b|\b(he|she|they)('s| is| are) (totally |completely |perfectly )?(fine|okay|ok|unhurt)\b|"
                       r"\bjust (scared|shaken|a (bit )?shaken)\b",
                       re.IGNORECASE)
_HAZARD_KINDS = _FIRE_KINDS | {"co", "electric", "medical", "trapped", "fall", "water_edge",
                               "pedestrian"}

# Said just before the match, these turn it around: 沒有人受傷, no one is hurt, 不是火災.
_NEGATION_ZH = re.compile(r"(沒有人|沒人|沒有|沒|不是|無|未|不會|並沒有|不要|以免|怕會|預防|避免|差點|差一點|險些)[^，,。！？!?]{0,3}$")
# Named as what might happen one day (萬一哪天火災, if there's ever a fire): no danger now.
_HYPOTHETICAL_ZH = re.compile(r"(萬一|假如|假設|要是|一旦|哪天|如果(哪天|有一天|發生|真的))[^，,。！？!?]{0,4}$")
_HYPOTHETICAL_EN = re.compile(r"\b(if|in case( of)?|what if|god forbid|in the event of|should there (ever )?be)\b"
                              r"[\w' ]{0,20}$", re.IGNORECASE)
_NEGATION_EN = re.compile(r"\b(no one|nobody|nothing|no|not|isn'?t|wasn'?t|without|never)\b(\s+\w+){0,3}\s*$",
                          re.IGNORECASE)
# Animals hurt are a case for the animal protection office, not an ambulance.
_ANIMAL = re.compile(r"狗|貓|犬|動物|(?<!趕)(?<!驅)鳥|牠|鸚鵡|八哥|鷺|鷥|鷹(?!架)|雀|浪浪|鴿|麻雀|松鼠|烏龜|蛇|猴|鴨(?!肉|賞|蛋|血)|雞(?!蛋|排|肉)|牛(?!奶|肉|排)|羊(?!水)|豬(?!肉)|(?<!沙)鹿|"
                     r"\b(dog|cat|animal|bird|puppy|kitten|pigeon|squirrel|turtle|snake|monkey|owl|egret|heron)s?\b",
                     re.IGNORECASE)
_PERSON = re.compile(r"(?<!有)(?<!被)(?<!沒)(?<!無)人(?!家|行道|穿越道|號誌|專用)|伯|阿姨|阿嬤|阿公|小孩|老人|騎士|路人|失智|\b(person|man|woman|child|people|someone|"
                     r"somebody|rider|driver|he|she|my (mother|father|wife|husband|son|daughter))\b",
                     re.IGNORECASE)


# What sounded like danger, taken back with a reason (測過了沒問題, 原來是, 我不是要報那個).
_TAKEN_BACK = re.compile(r"不是要(報|講|說)(那個|這個)|我(要)?(報|講|說)的不是|"
                        r"(測|檢查|看)過[^。]{0,12}(沒問題|正常|沒事)|都沒問題|原來是|結果(是|只是)|"
                        r"才知道(是|只是)|開玩笑|假裝|假的|\b(just kidding|joking|it turned out|"
                        r"false alarm|not (an|the) emergency)\b",
                        re.IGNORECASE)
# …unless more follows it: 原來是熱水器在漏，可是味道一直很重
_STILL_DANGER = re.compile(r"可是|但是?|不過|還是|還在|\bbut\b|\bstill\b", re.IGNORECASE)


def taken_back(text: str) -> bool:
    """The caller takes back what sounded like danger, with a reason, says nothing after it
    that keeps it (可是味道一直很重), and has a report to make (score 3 or more)."""
    said = _TAKEN_BACK.search(text)
    return bool(said and not _STILL_DANGER.search(text, said.end()) and best_category(text)[2] >= 3)


def detect(text: str) -> Emergency | None:
    """The emergency in ``text`` and the number to call, certain or possible; or None. Where
    the rules find none, the danger model may still hear a possible one: both numbers are
    given (it does not say which service) and the caller is asked."""
    found = detect_by_rules(text)
    if found is None and possible_danger(text):
        return Emergency("119", "possible", "110", certain=False)
    return found


def possible_danger(text: str, model: DangerModel | None = None,
                    threshold: float = THRESHOLD) -> bool:
    """The danger model hears danger; the rules do not read the turn as a plain report (頂樓
    加蓋鐵皮屋: score 3 or more, unless the model is twice as sure); it is not about an animal;
    and the caller does not say it is over, was nothing or a show (unless more follows)."""
    if _cried_at_the_machine(text):
        return False  # 救命喔，我講不出來，幫我轉一個人: exasperation, and a person asked for
    odds = (model or default_model()).odds(text)
    if odds <= threshold or (best_category(text)[2] >= 3 and odds <= 2 * threshold):
        return False
    if _ANIMAL.search(text) and not (_ATTACKING.search(text) or _HANDED_OVER.search(text)):
        return False  # an animal hurt or stuck: animal protection's, as the rules say too
    # out already, or nothing now, or a show: unless something else follows (可是裡面還有人)
    for guard in (_SAFE_NOW, _FINE_NOW, _NOBODY_HURT, _EXPLAINED, _GAME, _STAGED, _FILMING, _JOKE):
        said = guard.search(text)
        if said and not _STILL.search(text[said.end():]) and not _CONTRAST.search(text[said.end():]) \
                and not _doubted(text, said.end()) and not (
                    guard in (_EXPLAINED, _GAME) and _reported(text, said.start())):
            return False
    # what glowed or banged named (a lit sign, firecrackers), and nothing burnt or hit
    named = _SOURCE_NAMED.search(text) or _LIT_SIGN.search(text)
    return not named or bool(_HARM.search(text))


def detect_by_rules(text: str) -> Emergency | None:
    """What the rules alone find in ``text``."""
    certain = _find(text, _COMPILED, certain=True)
    if certain is not None:
        return certain
    cue = _find(text, _CUES_COMPILED, certain=False)
    heard = _by_sound(text)
    if _CRY.search(text):  # 救命啊，我家吃火了: a cry for help, and the words say which service
        if re.search("救命", text) and _animal_only(text):
            return None  # 鸚鵡每天大叫「救命啊」, a cat hit by a car: nobody in danger
        specific = cue or heard
        if specific is not None:
            return Emergency(specific.number, specific.kind, specific.also, certain=True)
        cry = re.search("救命", text)
        if (cry and _EXASPERATED.match(text, cry.end()) and best_category(text)[2] >= 3) or \
                _cried_at_the_machine(text):
            return None  # 救命喔，這條路坑坑洞洞的 / 轉一個人來聽: exasperation, not a cry
        if cry and _animal_only(text):
            return None  # 救命啊，有一隻貓被車撞到: animal protection's, nobody in danger
        if cry and not _set_aside(text, "violence", cry.start(), cry.end()):
            return Emergency("110", "violence", "113", certain=True)
    return cue or heard


def _cried_at_the_machine(text: str) -> bool:
    """救命喔 said at the bot itself (聽不懂, 講不出來) while asking for a person: exasperation."""
    cry = re.search("救命", text)
    return bool(cry and _EXASPERATED.match(text, cry.end()) and _AT_THE_MACHINE.search(text)
                and find_intents(text).human)


def _animal_only(text: str) -> bool:
    """The call is about an animal: none attacks anyone, and no person is named."""
    rest = _SENT_FOR.sub("", text).replace("八哥", "鳥")  # (a myna, not a brother)
    return bool(_animal_named(text) or "牠" in text) and not (
        _ATTACKING.search(text) or _names_person(rest) or re.search(r"我|\b(me|us|I)\b", text))


# 原來不是貓 / it wasn't a cat: the animal is ruled out, and the cry is a person's.
_NOT_THE_ANIMAL = re.compile(r"(不是|並不是|哪是|才不是)(一隻|隻|一群|什麼)?$|\bnot (a |an |the |some )?$",
                             re.IGNORECASE)


def _animal_named(text: str) -> bool:
    """An animal is named, and not to say it was not one."""
    return any(not _NOT_THE_ANIMAL.search(text[max(0, m.start() - 6):m.start()])
               for m in _ANIMAL.finditer(text))


def _names_person(span: str) -> bool:
    return bool(_PERSON.search(span) or _VICTIM.search(span))


def _find(text: str, rules: list[tuple[str, str, re.Pattern[str]]],
          certain: bool) -> Emergency | None:
    for kind, number, rx in rules:
        for m in rx.finditer(text):
            if _set_aside(text, kind, m.start(), m.end()):
                continue
            also = "113" if kind in ("violence", "child_danger") else None
            if kind == "unseen":
                also = "110"
            return Emergency(number, kind, also, certain=certain)
    return None


def _set_aside(text: str, kind: str, start: int, end: int) -> bool:
    """A match that says no danger: denied, mistaken, past, a fire drill, an animal."""
    before = text[max(0, start - 12):start]
    if _NEGATION_ZH.search(before) or _NEGATION_EN.search(before):
        return True
    if kind == "suicide_attempt" and not re.search(r"繩|\b(rope|cord|belt)\b", text[start:end], re.IGNORECASE):
        # my dog ate a whole bottle of my pills: the vet's, not 119
        clause_start = max((m.end() for m in _CLAUSE.finditer(text[:start])), default=0)
        who = text[clause_start:start]
        if _ANIMAL.search(who) and not _PERSON.search(who):
            return True
    # the suicide prevention line asked about; a gas or smoke detector wanted
    if _SERVICE_NAMED.match(text, end):
        return True
    if kind == "suicide_attempt" and re.search(r"繩|皮帶|電線|\b(rope|cord|belt|cable)\b", text[start:end],
                                               re.IGNORECASE) and not re.search(
            r"脖子|頸|頭|\b(noose|head|neck)\b", text[start:end + 20], re.IGNORECASE) and \
            _ROPE_FOR_SOMETHING.search(text[max(0, start - 30):end + 40]):
        return True  # 繩子綁在樹上打個圈，用來曬棉被 / a rope swing: a rope for something else
    if kind.startswith("suicide"):
        # 我還以為有人跳樓，結果是在拍戲: someone else, mistaken, and what it was said after
        clause_start = max((m.end() for m in _CLAUSE.finditer(text[:start])), default=0)
        after = text[end:end + 40]
        return bool(_MISTAKEN.search(text[clause_start:start]) and not _PERSON_IS_CALLER.search(
            text[clause_start:start]) and (_STAGED.search(after) or _EXPLAINED.search(after) or
                                           _MISTAKEN_AFTER.search(after))
                    and not _REALLY.search(after))
    # 萬一哪天火災: a hazard one day, not now (a threat said with 要是 stays a threat)
    if kind in _HAZARD_KINDS and (_HYPOTHETICAL_ZH.search(before) or (
            kind in _FIRE_KINDS and _HYPOTHETICAL_EN.search(text[max(0, start - 30):start]))):
        return True
    sentence_start = max((m.end() for m in re.finditer(r"[。.！!？?]", text[:start])), default=0)
    sentence_end = next((m.start() + end for m in re.finditer(r"[。！!？?]|\.(\s|$)", text[end:])),
                        len(text))
    clause_end = next((m.start() + end for m in _CLAUSE.finditer(text[end:])), len(text))
    clause_start = max((m.end() for m in _CLAUSE.finditer(text[:start])), default=0)
    thought = list(_MISTAKEN.finditer(text[clause_start:start]))
    if (thought and not _CONTRAST.search(text[clause_start + thought[-1].end():start])) or \
            _MISTAKEN_EN.search(text[sentence_start:start]):
        return True
    if kind == "medical" and _FRIGHT_EN.search(text[max(0, start - 20):start]):
        return True
    # 每天晚上從屋頂噴出黑煙，要檢舉空污: pollution reported, no fire now
    if kind == "fire" and _REPORTED_POLLUTION.search(text[sentence_start:sentence_end]) and \
            not _AGAIN.search(text[sentence_start:sentence_end]):
        return True
    # 沖床一直打到暗時: a machine pounding, not a beating; 布條綁在電線桿: a thing tied up
    if kind == "violence" and re.match("(一直|用力)打", text[start:end]) and _MACHINE.search(
            text[clause_start:start]):
        return True
    if kind in ("violence", "child_danger") and re.search("綁|捆|tied", text[start:end]) and (
            (_THING_TIED_HERE.search(text[max(0, start - 24):start])
             and not re.search(_PERSON_EN, text[clause_start:start], re.IGNORECASE)
             and not _BODY_AFTER.search(text[end:next((m.start() + end for m in re.finditer(
                 r"[。.！!？?]", text[end:])), len(text))])) or (
                _THING_TIED.search(text[clause_start:start]) and not _names_person(
                    text[clause_start:end]))):
        return True
    # 像瓦斯的臭味 from a blocked drain: a smell like gas, and where it comes from said
    likeness = text[max(0, start - 2):start]
    if kind == "gas" and likeness.endswith("像") and likeness != "好像" and _FROM_DRAIN.search(text):
        return True
    # 快要中風了啦——好啦我是誇張一下: an illness said as a figure, and said to be one
    if kind == "medical" and _EXAGGERATED.search(text[end:end + 30]):
        return True
    # 中風以後行動不方便: the illness is the past, what is asked about is its aftermath
    if _AFTER_THAT.match(text, end) and not _NOW.search(text[end:clause_end]):
        return True
    # 小孩子玩會受傷: a hurt that could happen, not one that did
    if kind in ("medical", "trapped") and _COULD_HURT.search(text[max(0, start - 4):end]):
        return True
    # 我把門撬開: the caller forcing a way in to help, not a burglar
    if kind in ("crime", "intruder") and _BY_CALLER.search(text[clause_start:start]) and \
            re.match(r"(撬|破|踹|砸|撞)", text[start:end]):
        return True
    # 放沖天炮，砰砰砰好像在開槍一樣: a likeness, and the sentence says what it was
    was = _WHAT_IT_WAS.search(text[sentence_start:sentence_end])
    if _LIKE_BEFORE.search(text[clause_start:start]) and _LIKE_AFTER.match(text, end) and was and \
            not re.search(r"不是[^，。]{0,2}$", text[sentence_start:sentence_start + was.start()]) and \
            not _REALLY.search(text[sentence_start:sentence_end]):
        return True
    # 我們巷子在拍電影，有槍戰的戲: the shots and screams of a show, said as such before
    staged = _STAGED.search(text[sentence_start:end])
    if kind in ("crime", "violence", "child_danger", "medical") and staged and not _CONTRAST.search(
            text[sentence_start + staged.end():start]) and not _REALLY.search(
            text[clause_start:clause_end]):
        return True
    # …or a fall on a film set said after it, and the one who fell up again: 結果是在拍電影，
    # 那個演員等一下就爬起來跟大家揮手了 (an actor taken ill there stays a patient)
    staged = _STAGED.search(text, end, end + 120)
    if kind == "medical" and staged and not re.search(r"(不是|沒有|沒|以為)[^，,。]{0,3}$",
                                                      text[max(0, staged.start() - 6):staged.start()]) \
            and (up := _UP_AGAIN.search(text, staged.end())) and not _DOUBTED.search(text, end) \
            and not re.search(r"沒反應|叫不醒|沒醒|昏|又倒|倒下|\b(unresponsive|not breathing|collapsed)\b",
                              text[up.end():], re.IGNORECASE):
        return True
    # 吃了海鮮眼睛腫起來: a swelling with no blow; 媽媽把小孩拉到車上: a carer, not an abductor
    if kind == "violence" and re.search("腫|瘀青", text[start:end]) and \
            _NO_BLOW.search(text[sentence_start:sentence_end]) and not _BLOW.search(
                text[sentence_start:sentence_end]):
        return True
    if kind == "child_danger" and _CARER.search(text[clause_start:start]) and re.match(
            r"(拖|拉|扛|押|架|dragg|pull|forc|push|carr|haul)", text[start:end], re.IGNORECASE):
        return True
    if (kind == "wrong_way" and _HABIT_OR_FINE.search(text)) or (
            kind == "drunk_driver" and _DRIVES_SO_OFTEN.search(text[clause_start:clause_end])
            and not _NOW.search(text[clause_start:clause_end])) or (
            kind == "drunk_driver" and (_STOPPED.search(text[max(0, start - 30):end + 30]) or re.search(
                r"閃|坑|不平|\b(bumps?|bumpy|potholes?|uneven)\b", text[sentence_start:sentence_end],
                re.IGNORECASE))):
        return True  # a fine asked about, a habit, or a lost driver: no car bearing down now
    # 消防隊來看過了，可是現在又冒煙了: whatever was explained before, it is happening now
    # (for a fire, anything later in the turn: 原來是貓踩到電暖器，現在燒到窗簾)
    again = bool(_AGAIN.search(text[clause_start:clause_end]) or (
        kind in _FIRE_KINDS and _AGAIN.search(text[end:])))
    harmless = _ONLY_HARMLESS_EN.search(text[end:end + 90])
    if kind in _FIRE_KINDS and (_MISTAKEN_AFTER.search(text[end:end + 40]) or (
            harmless and not _BUT_DANGER.search(text[end + harmless.end():end + 140]))) and not again:
        return True  # 聞到燒焦味還以為是失火，才知道是在燒金紙
    # (the explanation in the same sentence, or for a fire the next one: "…flames shooting up.
    # I was about to call the fire department, but it turned out to be pyrotechnics")
    reach = 120 if kind in _FIRE_KINDS else 80
    if kind in _FIRE_KINDS:
        reach = max(reach, min(200, _next_sentence_end(text, sentence_end) - end))
    told = _explained(text, end, end + reach)
    game = _GAME.search(text, end, end + 50) if kind in _HEARD_KINDS else None
    if game and (_doubted(text, game.end()) or _reported(text, game.start())):
        game = None
    if (told or game) and not again:
        return True  # 喊救命、喊說要殺人…後來才知道是電視在演連續劇 (…可是現在真的: not)
    # (screams heard, and a later sentence says what they were: "…I went up and knocked, and
    # it's just the old man watching crime dramas", with nothing after it to the contrary)
    if kind in _HEARD_KINDS:
        told = _explained(text, end, end + 240)
        if told and not _CONTRAST.search(text[told.end():]) and not _REALLY.search(text[told.end():]):
            return True
    # (symptoms that go on: 昨天跌倒撞到頭，今天早上開始一直吐 is now)
    now_scope = text[clause_start:sentence_end if kind == "medical" else clause_end]
    if _PAST.search(text[sentence_start:clause_end]) and not (
            _NOW.search(now_scope) and not _FINE_NOW.search(now_scope)):
        return True
    if kind in _FIRE_KINDS and _NOT_FIRE.search(text[sentence_start:sentence_end]) and not again \
            and not _THING_ALIGHT.search(text):
        return True
    if kind == "fire" and _OPEN_BURNING.search(text) and not _SAYS_FIRE.search(text[start:end]):
        return True
    # A dog beaten with a stick: the clause names an animal and no person (animal protection).
    said = text[start:next((m.start() + start for m in _CLAUSE.finditer(text[start:])), len(text))]
    caged = kind == "child_danger" and bool(_CAGED.match(text[start:end]))
    if kind in ("violence", "child_danger") and _ANIMAL.search(said) and not _VICTIM.search(said) \
            and not caged:
        return True
    # 臭到我們全家都頭暈: a figure of speech for a stench or a din, not poisoning.
    if kind == "co" and _FIGURATIVE.search(text[sentence_start:end]):
        return True
    # 氣到頭頂都冒煙: anger said as smoke
    if kind == "fire" and _ANGER_SMOKE.search(text[max(0, start - 12):end]):
        return True
    # 她就要殺了我，哈哈，開玩笑的啦: a joke said with the threat
    if kind in _HEARD_KINDS and _JOKE.search(text[end:end + 40]):
        return True
    # 氣到快中風, 累到快昏倒: anger or tiredness said as an illness
    if kind == "medical" and _AS_ILLNESS.search(text[max(0, start - 6):start]):
        return True
    # An animal in the call and no person named near: a case for animal protection.
    if kind in ("medical", "trapped", "child_danger") and _ANIMAL.search(text) and not \
            _PERSON.search(_SENT_TO_HELP.sub("", text[max(0, start - 12):end])) \
            and not _ATTACKING.search(text) and not caged:
        return True  # (a dog that bit someone is their emergency: 我媽被狗咬傷)
    # 每次下雨水都淹到車窗: a flooded spot as it always is, nobody in the water now
    if (kind == "trapped" or (kind == "medical" and re.search("叮|螫|咬", text[start:end]))) and \
            _HABITUAL.search(text[sentence_start:start]) and not _NOW.search(
            text[sentence_start:clause_end]):
        return True
    # 手機掉進水溝裡, my keys fell into the canal: a thing in the water, nobody in it.
    if kind == "trapped" and _THING.search(text[clause_start:end]) and not _names_person(
            text[clause_start:end]):
        return True
    # 欄杆…整段倒在地上: a thing is what fell (the words just before say it), nobody named
    before = text[clause_start:start] if len(text[clause_start:start]) > 2 else text[max(0, start - 20):start]
    if kind == "medical" and _FALLEN_THING.search(before) and not _names_person(
            text[clause_start:end]):
        return True
    # 按鈕壞了，按了都沒反應: a thing does not answer, nobody is named
    if kind == "medical" and re.match(r"沒反應|not responding|unresponsive", text[start:end],
                                      re.IGNORECASE) and _DEAD_THING.search(
            text[sentence_start:start]) and not _names_person(text[sentence_start:end]):
        return True
    # flames, sparks or water "shooting up": no shots fired
    if kind == "crime" and re.match(r"shooting", text[start:end], re.IGNORECASE) and re.search(
            r"\b(flames?|sparks?|fireworks?|water|jets?|fountains?)\s+((is|are|was|were|keeps?|kept) )?$",
            text[max(0, start - 20):start], re.IGNORECASE) and re.match(
            r"\s+(up|out|into|from|over|high|across|everywhere)\b", text[end:], re.IGNORECASE):
        return True
    # "a broken sofa and a pile of smashed tiles": rubbish dumped
    if kind == "crime" and re.match(r"smash", text[start:end], re.IGNORECASE) and re.match(
            r"\s*(\w+ ){0,2}(tiles?|pumpkins?|bricks?|pots?|plates?|eggs?|concrete|pavers?|paving|furniture|"
            r"sofas?|chairs?|mirrors?|tvs?|junk|rubbish|crates?|boxes)\b", text[end:], re.IGNORECASE) and \
            re.search(r"\b(pile|heap|bunch|load|lot|lots) of\s+$|\b(and|with|some)\s+$", text[max(0, start - 12):start],
                      re.IGNORECASE):
        return True
    # "leaving beer bottles and smashed glass all over the path": litter
    if kind == "crime" and _SMASHED_LITTER.match(text, start) and _LITTER_BEFORE.search(
            text[max(0, start - 12):start]) and not _ATTACK_EN.search(text[sentence_start:sentence_end]):
        return True
    # 排水溝一直有臭雞蛋的味道: a drain or rubbish smells, no gas named
    if kind == "gas" and _DRAIN_SMELL.search(text[sentence_start:clause_end]) and not re.search(
            r"瓦斯|煤氣|頭暈|頭痛|頭好暈|\b(gas|dizzy|headache)\b", text[sentence_start:sentence_end],
            re.IGNORECASE):
        return True
    # Stray cats climbing onto the balcony: an animal, nobody breaking in
    if kind == "intruder" and _ANIMAL.search(text[clause_start:clause_end]) and not (
            _names_person(text[clause_start:clause_end]) or re.search(r"小偷|陌生|男子|\b(man|guy|woman|someone|stranger|burglar)\b",
                         text[clause_start:clause_end], re.IGNORECASE)):
        return True
    # 路樹倒在路中間，沒有人受傷: said in the same turn, nobody is hurt.
    nobody = _NOBODY_HURT.search(text)
    return kind in ("medical", "trapped") and nobody is not None and not _CONTRAST.search(
        text[nobody.end():])


def _explained(text: str, start: int, stop: int) -> re.Match[str] | None:
    """What the danger turned out to be, said between ``start`` and ``stop``: not the excuse of
    whoever may be doing it ("his dad told me it's just video games"), and not doubted after."""
    told = _EXPLAINED.search(text, start, stop)
    if told is None or _reported(text, told.start()):
        return None
    if _doubted(text, told.end()):
        return None
    # 原來是彩排的時候被燈架砸到: how someone got hurt, not that nothing happened
    if "時候" in told.group(0) or re.match(r"[^，,。]{0,3}(的時候|時候|時(?!間))", text[told.end():]) or re.search(
            r"被[^，,。]{0,4}(砸|割|撞|打|燒|夾|刺)|受傷|流血|吸到|昏倒", text[told.end():told.end() + 20]):
        return None
    return told


def _doubted(text: str, at: int) -> bool:
    """What was said to explain it is doubted after ``at`` (and not affirmed again: 可是有人在哭，
    我覺得是小孩輸了在哭)."""
    doubt = _DOUBTED.search(text, at)
    return bool(doubt and not re.search(r"應該是|我覺得是|應該只是|應該也是", text[doubt.end():doubt.end() + 20]))


def _reported(text: str, at: int) -> bool:
    """The words at ``at`` are what someone said (他說 / "his dad says") who is not the police
    or a guard: the excuse of whoever may be doing it."""
    said = _REPORTED.search(text[max(0, at - 40):at])
    return bool(said and not _FOUND_BY_WHOM.search(text[max(0, at - 60):at]))


def _next_sentence_end(text: str, sentence_end: int) -> int:
    """Where the sentence after the one ending at ``sentence_end`` ends."""
    after = next((m.end() + sentence_end for m in re.finditer(r"[。！!？?]|\.(\s|$)",
                                                               text[sentence_end + 1:])), len(text))
    return min(len(text), after + 1)


def _by_sound(text: str) -> Emergency | None:
    """A danger word heard as other characters of nearly the same sound."""
    for kind, number, word in _BY_SOUND:
        for i in heard_as(text, word, _SOUND_THRESHOLD):
            if _SOUND_NOT.search(text[i:i + len(word) + 1]):
                continue
            if not _set_aside(text, kind, i, i + len(word)):
                return Emergency(number, kind, certain=False)
    return None

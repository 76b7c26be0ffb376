"""Emergencies: checked on every turn before anything else. Errs on the side of redirecting."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Emergency:
    number: str  # 119 / 110 / 113 / 1925
    kind: str  # fire, gas, medical, crime, violence, child_abuse, suicide
    also: str | None = None  # a second number worth saying (violence: 113)


# (kind, number, pattern). Order matters: the first kind found wins.
_RULES: list[tuple[str, str, str]] = [
    ("suicide_attempt", "119",
     r"(吃了|吞了).{0,6}(很多|一堆|整罐|整瓶).{0,4}(藥|安眠藥)|割腕|燒炭|(站在|爬到|在).{0,6}(頂樓|樓頂|橋上|陽台).{0,8}(跳|想死|不想活)|"
     r"\b(took|swallowed) (a lot of|many|all) .{0,10}(pills|tablets)|\bcut (my|his|her) wrists?\b"),
    ("suicide", "1925",
     r"想死|不想活|自殺|輕生|結束(自己的)?生命|活不下去|活著沒意思|去死一死|跳樓|跳河|"
     r"\b(kill (myself|himself|herself)|suicid\w*|end (my|his|her) life|don'?t want to live|"
     r"want to die|better off dead)\b"),
    ("fire", "119",
     r"失火|火災|著火|起火|燒起來|火燒|冒煙|濃煙|黑煙|火很大|火苗|"
     r"\b(fire|on fire|burning|smoke|smoking building|flames?)\b"),
    ("gas", "119",
     r"瓦斯味|瓦斯外洩|瓦斯漏|漏瓦斯|聞到瓦斯|瓦斯.{0,4}(臭|味道)|煤氣|"
     r"\b(gas leak|leaking gas)\b|\bsmell\w*\b.{0,25}\bgas\b|\bgas\b.{0,15}\bsmell"),
    ("child_abuse", "113",
     r"虐童|虐待.{0,6}(小孩|兒童|孩子|小朋友|嬰兒)|打.{0,3}(小孩|孩子|兒子|女兒|小朋友|嬰兒).{0,12}(哭|傷|流血|喊)|"
     r"(小孩|孩子|兒童|小朋友|嬰兒).{0,20}(哭喊|求饒|瘀青|傷痕|被打|被虐|被關|被餓|被性侵)|(哭喊|求饒).{0,20}(打他|打她|打小孩)|"
     r"(小孩|兒童|孩子|小朋友|嬰兒).{0,10}(被打|被虐|虐待|被關|被餓|被性侵)|"
     r"\b(child abuse|abus\w+ (a|the|his|her|their) (child|kid|baby)|(child|kid|baby) (is being|was) (beaten|abused|hit))\b"),
    ("violence", "110",
     r"家暴|家庭暴力|(先生|老公|太太|老婆|爸爸|媽媽|男友|女友|前夫|兒子|家人|他|她|鄰居).{0,6}(在打我|打我|要殺我|拿刀|動手打)|"
     r"被打|打我|打死我|殺死我|要殺|性侵|強暴|喊救命|在喊救命|救命啊|"
     r"\b(hitting me|beating me|beat me|domestic violence|wants to kill me|going to kill me|"
     r"attack(ed|ing) me|rap(e|ed)|screaming for help)\b"),
    ("crime", "110",
     r"搶劫|搶匪|搶錢|有小偷|小偷.{0,4}(在|進)|闖(入|進)|破門|拿刀|持刀|砍人|有槍|開槍|綁架|打群架|鬥毆|"
     r"有人.{0,4}(打架|鬧事|偷東西|撬門)|"
     r"\b(robbery|robbing|burglar|break(ing)? in(to)?|broke in(to)?|knife|gun|shooting|kidnap\w*|stabb\w*|"
     r"fight(ing)? (outside|now)|thief|thieves|smash\w*|steal(ing)?|grabbing|mugg\w*)\b|"
     r"砸(車|窗|玻璃)|偷車|撬開|在偷|正在偷"),
    ("medical", "119",
     r"(人|伯|阿姨|阿嬤|阿公|小孩|老人|先生|太太|媽媽|爸爸|朋友|同事|鄰居|騎士|路人|他|她).{0,10}"
     r"(受傷|流血|昏倒|昏迷|沒有呼吸|沒呼吸|沒意識|倒在地上|倒地|不省人事|骨折|抽搐|心臟病|中風|喘不過氣|被車撞|撞傷)|"
     r"(受傷|流血|流很多血|昏倒|昏迷|沒有呼吸|沒呼吸|沒意識|倒地不起|不省人事|骨折|抽搐|心臟病發|中風|叫不醒|沒反應|吐白沫|爬不起來|躺在地上|倒在地上|暈倒)|"
     r"車禍.{0,8}(受傷|流血|有人)|"
     r"\b(injured|bleeding|unconscious|not breathing|collapsed|heart attack|stroke|seizure|"
     r"hit by a car|badly hurt|is hurt|lying on the (ground|floor|road)|passed out|fainted|"
     r"can'?t get up|not moving|not responding|unresponsive|choking|overdose)\b"),
]
_COMPILED = [(kind, number, re.compile(p, re.IGNORECASE)) for kind, number, p in _RULES]

# Said just before the match, these turn it around: 沒有人受傷, no one is hurt, 不是火災.
_NEGATION_ZH = re.compile(r"(沒有人|沒人|沒有|沒|不是|無|未|不會|並沒有|不要|以免|怕會|預防|避免)[^，,。！？!?]{0,3}$")
_NEGATION_EN = re.compile(r"\b(no one|nobody|no|not|isn'?t|wasn'?t|without|never)\b(\s+\w+){0,3}\s*$",
                          re.IGNORECASE)
# Animals hurt are a case for the animal protection office, not an ambulance.
_ANIMAL = re.compile(r"狗|貓|犬|動物|鳥|浪浪|鴿|麻雀|松鼠|烏龜|蛇|猴|鴨|雞|牛|羊|豬|鹿|"
                     r"\b(dog|cat|animal|bird|puppy|kitten|pigeon|squirrel|turtle|snake|monkey)s?\b",
                     re.IGNORECASE)
_PERSON = re.compile(r"(?<!有)(?<!被)人(?!家)|伯|阿姨|阿嬤|阿公|小孩|老人|騎士|路人|\b(person|man|woman|child|people|someone|"
                     r"somebody|rider|driver|he|she|my (mother|father|wife|husband|son|daughter))\b",
                     re.IGNORECASE)


def detect(text: str) -> Emergency | None:
    """The emergency in ``text`` and the number to call, or None."""
    for kind, number, rx in _COMPILED:
        for m in rx.finditer(text):
            before = text[max(0, m.start() - 12):m.start()]
            if _NEGATION_ZH.search(before) or _NEGATION_EN.search(before):
                continue
            # An animal in the call and no person named just before: an animal rescue case.
            if kind == "medical" and _ANIMAL.search(text) and not _PERSON.search(
                text[max(0, m.start() - 10):m.end()]
            ):
                continue
            also = "113" if kind == "violence" else None
            return Emergency(number, kind, also)
    return None

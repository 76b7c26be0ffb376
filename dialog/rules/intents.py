"""What the caller wants to do in this turn: a person, yes or no, done, a question, "I don't know"."""


from __future__ import annotations

import re
from dataclasses import dataclass, field

_HUMAN = re.compile(
    r"真人|真的人|活人|活的人|真正的人|專人|人工|接線生|客服人員|承辦人員?聽|轉給承辦|找承辦|找人(講|說|談)|跟人(講|說)|不要跟機器|不想跟機器|"
    r"機器人.{0,4}(聽不懂|沒用)|轉接|找你們(的人|主管|長官)|"
    r"(叫|找|請|要)你們(的)?(人|主管|長官|負責人|承辦(的)?人?|員工)(出來|來)?((聽|接)(電話)?(?![走管手收])|"
    r"(講|說)(?!明)|跟我|和我)|"
    r"(每次|都是|一直是|又是)(都是)?(機器|電腦|錄音)在(講|說|回答)|"
    r"(承辦人|主管|長官|負責人|專人|真的人).{0,6}(來聽|聽電話|接電話|出來講|跟我講)|"
    r"叫(一個|個)?(人|真人|專人|小姐|先生)(來)?(跟我|和我)(講|說)|找(一個|個)?人來(跟我)?(講|說)|"
    # a person asked for by any name (小姐, 先生, 服務人員), fetched or swapped in to talk
    r"(找|叫|換|轉|請)(一個|個|一位|位)?(真人|小姐|先生|專人|專員|服務人員|接線生|客服|承辦人員?|人)來?"
    r"(跟我|和我|給我)?(講|說|談|解釋|說明|聽電話|接電話|接聽|(對|核對|確認)一下)|"
    # 幫我轉一個人來聽 (not 我轉一個人來聽, 換人來接好了: the caller fetching someone)
    r"(幫我|請你|麻煩你?|你)(轉|換)(一個|個|一位|位)?(真人|小姐|先生|專人|專員|服務人員|接線生|客服|承辦人員?|人)"
    r"來?(聽|接)(?!音樂|歌)|"
    # 我要找你們那邊的承辦人員講話; 幫我轉小姐; 我跟機器講不來, 不用機器幫我處理
    r"(我要|我想|我需要|讓我|請讓我|可以讓我)(直接)?(找|跟|和)(你們)?(那邊|這邊)?的?(承辦(人員?|的人|的先生|的小姐)?|"
    r"專員|主管|負責人|服務人員)[^，。]{0,6}(講話|說話|談一下|談談|講|說)(?!明|過|了|好)|"

    # 有沒有會曉講台語的人: someone who speaks the caller's language is a person asked for
    r"(?<!(?<!你們)(?<!妳們)那邊)(?<!他們)(有沒有|有無|找|叫|要|換|轉給?)(一個|個|一位)?(會|會曉|懂|能)(講|說|聽)?(台語|臺語|閩南語|客家話|客語|原住民語)的"
    r"(人|小姐|先生|專人|同仁)(?![^，。]{0,6}(去|到|在)(現場|那邊|這邊|區公所))|"
    r"(?<!我)叫(一個|一位)(人|小姐|專人)來聽(電話|一下|好不好|好嗎|啦|$|[，,。])|"
    # 你叫那個接電話的小姐來聽; 我想找負責的承辦人員，麻煩你幫我轉過去
    r"(?<!我)(?<!媽)(?<!們)叫(那個|那位)(接電話|接線|值班|服務|客服)?的?(小姐|先生|專人|人員|真人)(來|過來)(聽|接|講)|"
    r"(我要|我想|我需要)找[^，。]{0,10}(承辦(人員?|的人)?|專員|主管|負責人)[，,\s]*(麻煩|請)?(你)?幫我轉(?!告|達|交)|"
    r"(幫我|直接|趕快|快)轉(給)?(你們|妳們)?(那邊|這邊)?的?(值班|上班|負責)?的?(一個|個|一位)?(小姐|專人|真人|人工|客服|"
    r"服務人員|承辦人員?|同仁|人員)(?![^，。]{0,3}(處理|辦理|去|查))|"
    r"你(這個|們)?(機器|電腦)(人)?[^，。]{0,3}(處理|解決|搞)不(了|來)|(幫我|直接|趕快)接(給)?(專人|真人|人工|客服)|"
    r"(跟|和|對)機器(人)?[^，。]{0,3}(講不來|講不通|說不清|說不通|講不清|溝通不來)|"
    r"(不用|不要|不想)(讓|跟|和)?機器(人)?(幫我|來)?(處理|回答|講|說|服務)|"
    # 你們那邊現在有沒有人在上班？有人的話叫他來聽: a person asked for without 轉 or 真人
    r"(有人的話|有的話)[^，。]{0,3}叫(他|她)(過)?來(聽|接)|"
    # 上次那位姓林的小姐今天有在嗎？可以幫我轉給她嗎: one agent asked for by name
    r"(上次|之前|上禮拜|上個月|那位|一位|找)[^。]{0,10}姓[\u4e00-\u9fff]的?(小姐|先生|專員|同仁)[^。]{0,40}"
    r"(有在嗎|(?<!還)在嗎|轉給?(她|他)(?!們|處理))|"
    r"\b(is there|are there|can|could) (one|any) of your (colleagues|staff|officers|team|people)\b[^.?]{0,30}"
    r"(\b(explain|talk|speak)\b (it |this |things )?(to|with) (me|us)(?=[?.!,]|$| (on|over) the (phone|line)| "
    r"about)|\bI (could|can) (explain|talk|speak)\b)|"
    r"\btoo (complicated|much) for (an? )?(automated system|machine|computer|bot|robot)\b(?! to)|"
    r"\b(can|could|may) i (speak|talk) (to|with) (one of )?your (staff|staff members?|officers?|colleagues?|team)\b|"
    r"\b(i'?d|i would) like to (speak|talk) (to|with) (one of )?your (staff|staff members?|officers?|colleagues?)\b|"
    r"\blet me (speak|talk) (to|with) (a|one of your|your) (staff member|member of staff|staff|supervisor|officer)\b|"
    r"\b(transfer|connect|put) me (through )?to (the person in charge|your supervisor|a supervisor|the supervisor|your "
    r"manager|a manager|a staff member)\b|"
    r"\b(could|can|would) you (please |just )?(connect|transfer|put) me( through)?(,? please)?[.?!]?$|"
    r"^please (connect|transfer) me( through)?[.!]?$|"
    r"\b(is there|i need|i want|get me|give me|put me through to|can i (speak|talk) (to|with)) (someone|somebody|"
    r"anyone|a person) who (speaks|can speak) (taiwanese|hokkien|hakka)\b|"
    r"\b(human|real person|live person|operator|an agent|representative|someone real|a person|"
    r"speak (to|with) (a|some)(one|body| person)|talk (to|with) (a|some)(one|body| person))\b|"
    r"\b(get|find|give|put) me (through to )?(someone|somebody|a (real |live |actual )?(person|human|lady|woman|man|"
    r"operator))\b|\bput me through to (an?|the|your) (officer|staff member|member of staff|agent|person|"
    r"human|operator|clerk)\b|\b(speak|talk) (to|with) (a|an actual) (lady|woman|man|human being)\b",
    re.IGNORECASE)
_SENSITIVE = re.compile(
    r"貪污|貪汙|收賄|賄賂|行賄|紅包|回扣|關說|圖利|舞弊|"
    r"投訴(?![^，。]{0,4}(公車|客運|司機))[^，。]{0,12}(區公所|公所|市府|市政府|局處|人員|員工|公務員)|"
    r"(公所|市府|市政府|戶政|稅務|監理|清潔隊|警察局|派出所).{0,20}(態度|罵|兇|嗆|刁難|擺爛|不理人)|"
    r"(公務員|承辦|職員|員工|員警|警察|清潔隊員?|區公所的人|市府的人|里長|稽查員|櫃台人員|櫃檯人員|辦事員|公務人員).{0,10}"
    r"(態度|罵|兇|嗆|不理|刁難|擺爛|(?<!要)(?<!會)收錢(?!嗎)|騷擾|歧視|失職|投訴|檢舉|不處理)|"
    r"律師|訴訟|告我|提告|告他|告她|打官司|和解|調解|法院|法律|糾紛|押金|賠償|"
    r"\b(bribe|bribery|corrupt(ion)?|lawyer|lawsuit|sue|suing|legal (dispute|advice|action)|"
    r"compensation)\b|\b((take|took|taking) (\w+ ){1,2}to|go(ing)? to|in) (small claims |the district |district )?"
    r"court\b(?! ?\d)|\bcourt (case|order|hearing|ruling)s?\b|\bthe court (ruled|ordered|said|decided)\b|"
    r"\b(district|small claims|civil|family) court\b",
    re.IGNORECASE)
_OUT_OF_SCOPE = re.compile(
    r"訂票|訂位|高鐵|台鐵票|機票|計程車|叫車|天氣|股票|外送|笑話|唱歌給|彩券|樂透|算命|"
    r"\b(weather|book (a|me)|ticket|taxi|uber|joke|stock|lottery|pizza|restaurant)\b",
    re.IGNORECASE)
_YES = re.compile(
    r"^(嘿(啦|呀|啊|嘿)|嘿[，,\s]*(對|是|好|沒錯|就是)|對(?!不起)|是|好|嗯|沒錯|正確|可以|要|麻煩|沒問題|ok|okay|yes|yeah|yep|yup|sure|correct|right|"
    r"that'?s (right|correct|it|the one)\b|exactly|please)|對(?!不起)(啊|呀|的|喔|耶|沒錯)?|是(的|啊)|沒錯|正確|可以|好(的|啊)?|"
    r"\b(yes|yeah|correct|right|sure|okay|ok|please do|go ahead)\b",
    re.IGNORECASE)
# "著啦", "就按呢": Taiwanese yes, said by elders in Mandarin calls.
_YES_TAIGI = re.compile(r"^(嘿|嗯|喔)?[，,\s]*(著(啦|喔|呀|啊|ㄟ|囉)|著(?=[。，,!！\s]|$)|就按呢|按呢(就)?(好|著|對)|"
                        r"(按呢)?無毋著|沒毋著)")
# 這樣就對了, 按呢就著: "that's it now", after a correction
_YES_THAT_IS_IT = re.compile(r"^(這樣|那樣|按呢|安捏)(子)?(就|才)?(對|沒錯|正確|可以|著)(了|啦)?(?=[。，,!！\s]|$)")
_NO = re.compile(
    r"不對|不是|(?<!是)毋是|(?<!無)(?<!沒)(?<!著)(?<!啥)(?<!啥物)毋著|錯了|有錯|不正確|不要|不用|不需要|不必|沒有了|沒了|算了|"
    r"^(no|nope|nah)\b|\b(wrong|incorrect|not right|no thanks|that'?s not)\b|^不",
    re.IGNORECASE)
_DONE = re.compile(r"沒有了|沒事了|沒問題了|就這樣|謝謝|再見|掰掰|\b(that'?s all|nothing else|bye|"
                   r"thank you|thanks)\b", re.IGNORECASE)
_QUESTION = re.compile(
    r"[?？]|嗎|呢|怎麼|如何|哪裡|哪邊|要找誰|找誰|多少|幾點|幾號|什麼時候|請問|可不可以|能不能|"
    r"要不要|是否|有沒有|怎樣|\b(how|what|where|when|who|which|can i|do i|is there|should i)\b",
    re.IGNORECASE)
# "What I want to report is…", "where I live": the words of a question, none asked
_NOT_ASKING = re.compile(r"\bwhat (i|we) (actually |really )?(want|wanted|need|meant|'d like|would like) to "
                         r"(report|say|tell you|ask about)\b|\b(where|when) (i|we) (live|work|was|were)\b|"
                         # "what upsets me is…": a complaint said, nothing asked
                         r"\bwhat (really )?(upsets|bothers|annoys|worries|angers|frustrates|gets to|scares|"
                         r"shocked|upset|bothered|annoyed) (me|us)\b",
                         re.IGNORECASE)
_DONT_KNOW = re.compile(r"不知道|不清楚|不確定|忘了|看不到|看不清楚|沒看到|不記得|"
                        r"\b(don'?t know|not sure|no idea|can'?t see|don'?t remember)\b",
                        re.IGNORECASE)


@dataclass
class Intents:
    human: bool = False
    sensitive: bool = False
    out_of_scope: bool = False
    yes: bool = False
    no: bool = False
    done: bool = False
    question: bool = False
    dont_know: bool = False
    notes: list[str] = field(default_factory=list)


# 沒有錯, 不會錯, 錯不了: "not wrong" is a yes, though it holds 有錯 and 不.
# (不會錯嗎？ asks: a doubt, no yes)
_NOT_WRONG = re.compile(r"(沒有?錯|不會(有)?錯|錯不了)(?![^，。]{0,2}(嗎|吧|\?|？))|\bnot wrong\b",
                        re.IGNORECASE)


def find_intents(text: str) -> Intents:
    no = bool(_NO.search(_NOT_WRONG.sub("對", text)))
    # 好/對 inside a sentence (我好害怕, 好幾天) is no answer to a yes/no question: only first.
    yes = bool(_YES.match(text) or _NOT_WRONG.match(text) or _YES_THAT_IS_IT.match(text) or (_YES_TAIGI.match(text) and not _QUESTION.search(
        text.replace("按呢", ""))))  # (按呢 holds 呢, which asks elsewhere)
    return Intents(
        human=bool(_HUMAN.search(text)),
        sensitive=bool(_SENSITIVE.search(text)),
        out_of_scope=bool(_OUT_OF_SCOPE.search(text)),
        yes=yes and not no,
        no=no,
        done=bool(_DONE.search(text)),
        question=bool(_QUESTION.search(_NOT_ASKING.sub(" ", text))),
        dont_know=bool(_DONT_KNOW.search(text)),
    )


_LEADING_YES = re.compile(r"^(對(?!不起)|是(的|啊|啦)?|嘿|沒錯|好)[啦啊呀喔耶的]?[，,\s]|"
                          r"^(yes|yeah|yep|right|correct)\b[,\s]", re.IGNORECASE)
# 不是X(，是Y): what the caller says it was not, and what it was.
_CLARIFIED = re.compile(r"不是([^，,。！？!?是]{2,8})[，,、\s]*(?:而)?(?:是([^，,。！？!?]{1,12}))?")
# Which one or where (這支, 對面那支, 在巷子裡面, 三號): a correction, not a clarification.
_WHICH_ONE = re.compile(r"這|那|在|邊|號|路|街|巷|弄|區|對面|後面|前面|隔壁|樓|[0-9]")


def starts_with_yes(text: str) -> bool:
    """The line opens with a yes before anything else (對，…; yes, …)."""
    return bool(_LEADING_YES.match(text.strip()))


def clarifies_only(text: str, read: str) -> bool:
    """Whether every "不是X(，是Y)" in ``text`` says what the problem was not, naming nothing
    read back in ``read`` and no place or which one: "對，不是施工，是那台車子" clarifies the
    noise read back; "對，不是中正路" and "對，不是這支，是對面那支" correct it."""
    said = list(_CLARIFIED.finditer(text))
    if not said:
        return False
    for m in said:
        denied, meant = m.group(1), m.group(2) or ""
        if any(denied[i:i + 2] in read for i in range(len(denied) - 1)):
            return False
        if _WHICH_ONE.search(denied) or _WHICH_ONE.search(meant.replace("那台車", "車")):
            return False
    return True

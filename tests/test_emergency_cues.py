"""Danger said in other words, by class of situation, and the near misses that are none.

Written in other words than the scenario sets: each class must hold for wordings not seen.
"""

from __future__ import annotations

import pytest

from dialog.emergency import detect, detect_by_rules, taken_back
from dialog.text import normalise


@pytest.mark.parametrize(("text", "number"), [
    # someone forcing the door, lock or window of a home, now
    ("樓下有個人拿鐵撬在撬對面公寓的門鎖，已經弄很久了", "110"),
    ("有兩個人在剪斷隔壁的鐵窗，屋主不在家", "110"),
    # a vehicle or a person gone into water
    ("剛剛一台機車翻落到旁邊的灌溉圳溝裡，騎士沒有爬上來", "119"),
    ("A van just plunged into the canal behind the market", "119"),
    # a young child out on a high ledge
    ("隔壁四樓有個小男生爬到窗台外面，坐在遮雨棚上晃腳", "119"),
    ("A toddler has climbed out onto the air conditioner unit outside a fifth-floor window", "119"),
    # a child shut in a parked car, the car said first
    ("路邊那台休旅車裡鎖著一個嬰兒，車子停在大太陽底下", "119"),
    # several people in one home dizzy, or a water heater with symptoms: carbon monoxide
    ("我跟我先生兩個人一直頭暈，浴室的熱水器好像怪怪的", "119"),
    ("Everyone at home is dizzy and my son has a splitting headache", "119"),
    ("我阿嬤在房間叫不太醒", "119"),
    # haze or fumes from a home; a burning smell said as a likeness; banging from inside
    ("樓上鄰居的門縫一直冒出灰灰的霧，還有一股燒橡膠的味道", "119"),
    ("Thick fumes are seeping out from under the door of the flat across the hall", "119"),
    ("那間鐵皮屋聞起來像有東西在燒，裡面好像有人在敲玻璃", "119"),
    # someone following the caller now
    ("有台機車從夜市一直跟著我女兒，她走到哪就跟到哪", "110"),
    ("我過馬路那個人就跟著過馬路，我轉彎他就轉彎", "110"),
    ("A guy has been following me since I left the gym", "110"),
    # a person on foot in the traffic lanes; a confused elder
    ("有個老先生在高速公路上走路，好像迷路了", "110"),
    ("路口有個阿嬤一直問路，她好像不知道自己在哪裡", "110"),
    ("There's an old man walking on the expressway near the interchange", "110"),
    # a person beaten along with an animal is still violence
    ("他拿棍子打他太太和狗", "110"),
    # a farewell in other words, with a debt or a river
    ("我哥說他欠債還不完，現在人在河邊，說他走了家人就解脫了", "1925"),
    # explained before, happening again now
    ("昨天消防隊來看過說沒事，可是現在廚房又冒煙了", "119"),
    ("The fire brigade checked it this morning but smoke is pouring out again", "119"),
    # a fight heard through a wall: screams with things smashed, or a threat
    ("樓上一直傳來女人的慘叫，還有摔碗盤的聲音，男的一直罵", "110"),
    ("對面那戶的男人一直吼說要讓她好看，已經吵很久了", "110"),
    ("My ex-boyfriend is outside my window shouting that he'll kill me", "110"),
    ("She keeps yelling that she is going to make him pay, we can hear glass shattering", "110"),
    # someone forcing a way in, or still inside; the caller hiding
    ("Someone keeps kicking at my front door and yelling", "110"),
    ("The back door has been forced open and I can hear someone upstairs", "110"),
    ("我們家的鐵窗被剪斷了，樓上有人在翻東西的聲音", "110"),
    ("我下班回來發現有人在屋裡，我現在躲在車上不敢出來", "110"),
    # a vehicle's lock forced or cut, now
    ("有個人在停車場撬別人汽車的門", "110"),
    ("Two guys are cutting the chain off a scooter across the street", "110"),
    # a person slipped into water or carried off by it
    ("An old man tumbled into the stream by the bike path, the water is carrying him away", "119"),
    ("有個小孩滑進大排裡面，一直在掙扎", "119"),
    ("堤防下面有人落水了，頭一下浮一下沉", "119"),
    # a young child left in a shut car, with signs of heat or no adult
    ("便利商店門口那台轎車後座有個嬰兒，車窗關得緊緊的，都沒看到大人", "119"),
    ("There's a toddler inside that silver SUV in the lot, windows rolled up, no parents anywhere",
     "119"),
    # a wire down on the ground
    ("路口的電線被車撞斷掉在地上", "119"),
    ("颱風過後有條電線掉在人行道上", "119"),
    ("A power line snapped in the wind and is lying across the road", "119"),
    # a veiled goodbye: the means made ready or letters left, with weariness; no more burden
    ("木炭我都買好了，反正我也累了", "1925"),
    ("I left notes for my parents on the desk. I'm so tired, I'm on the bridge now.", "1925"),
    ("過完今晚我就不會再拖累家人了", "1925"),
    # a small child who swallowed a battery, a magnet, a coin, grown-ups' pills or a cleaner
    ("我女兒才兩歲，她把一顆磁鐵吞進去了", "119"),
    ("小朋友誤吞了一枚十元硬幣，現在說喉嚨痛", "119"),
    ("我孫子三歲，把阿嬤的藥整排吃下去了", "119"),
    ("My two-year-old just swallowed a coin battery from the kitchen scale", "119"),
    ("Our toddler got into the dishwasher pods and chewed one", "119"),
    ("My son found some magnets on the table and I think he swallowed them", "119"),
    # a young child alone at the water's edge, or wading in
    ("河堤下面有個小男孩獨自在溪邊玩水，看不到家長", "119"),
    ("魚池旁邊有個小朋友，沒大人在顧，一直往水裡爬", "119"),
    ("There's a little boy by himself at the edge of the river, no parents around", "119"),
    ("A toddler is wading into the pond at the park and nobody is watching him", "119"),
    # someone on foot on a freeway, the verb or the freeway said first, or confused there
    ("中山高速公路的路肩上有個阿伯在走，車子一台一台衝過去", "110"),
    ("快速道路上有一位老先生在橫越，好像失智", "110"),
    ("有個婆婆站在匝道中間，看起來恍恍惚惚的", "110"),
    ("There is an elderly woman on foot in the fast lane of the freeway", "110"),
    ("On the highway near the off-ramp a confused old man is wandering between cars", "110"),
    # heavy bleeding from a tool or a machine: spurting, not stopping, soaked through, cut off
    ("我爸在工廠被切割機切到手臂，血一直噴出來", "119"),
    ("師傅的手指被電鋸鋸斷了", "119"),
    ("他的腿被割草機劃到，血止不住，毛巾都染紅了", "119"),
    ("My neighbour cut his hand on a grinder and the blood is pouring out", "119"),
    ("My dad cut off his finger with the table saw", "119"),
    # a child seized, or forced into a vehicle, by someone
    ("有個男的把一個小女孩拉上一台黑色麵包車就開走了", "110"),
    ("公園那邊有人把小朋友硬塞進轎車裡", "110"),
    ("Someone snatched a little boy from the playground and ran to a car", "110"),
    ("Two men dragged a kid into a grey minivan outside the mall", "110"),
    # someone called who does not answer, a fall with the head hit, a pool of blood
    ("我媽在廁所跌倒了，我在門外喊她都沒出聲", "119"),
    ("阿公從樓梯摔下來，我叫他也不回話", "119"),
    ("我爸倒在浴室裡，地上一大灘血", "119"),
    ("My grandfather slipped in the shower and he doesn't answer when I call his name", "119"),
    ("My husband hit his head on the sink and there's a pool of blood on the floor", "119"),
    # water rising around a person, a vehicle caught in it, someone who cannot be got out
    ("地下道淹水，有台計程車卡在水裡，司機在車裡一直敲車門", "119"),
    ("溪水暴漲，有台轎車困在河床中間，水已經淹到車頂了", "119"),
    ("家裡一樓進水，水已經淹到我爸的胸口，他腳不方便", "119"),
    ("阿嬤坐輪椅在一樓，水一直進來，我們抬不出來", "119"),
    ("The flood water in the basement is up to my dad's neck", "119"),
    ("A taxi is stuck in the floodwater at the underpass and the water is over the windows", "119"),
    ("My neighbour is bedridden downstairs, the water keeps rising and we can't get her out",
     "119"),
    # an overdose said in English, or pills counted in Mandarin
    ("My girlfriend downed a whole pack of painkillers an hour ago", "119"),
    ("I've taken all of my antidepressants at once", "119"),
    ("He swallowed a handful of sleeping tablets with a bottle of wine", "119"),
    ("She overdosed on her mum's heart medicine", "119"),
    ("我剛剛吞了三十幾顆安眠藥", "119"),
    ("我哥把醫生開的止痛藥一次吃了二十顆", "119"),
    # a person took them; the pet is only in the story
    ("My grandma ate a whole pack of her pills, the dog found the empty box", "119"),
    # someone forcing a window or door now, said in English; climbing in through a window
    ("There's a man trying to force our back door with a crowbar", "110"),
    ("Somebody is levering at the kitchen window downstairs, I can hear it", "110"),
    ("Someone is trying to get in through the bathroom window", "110"),
    ("有個人在外面一直扳我房間的窗戶", "110"),
    ("有人想從陽台的氣窗爬進來", "110"),
    # stung and swelling or short of breath: an ambulance, not the police (a swollen face)
    ("我先生被蜜蜂螫到，嘴巴跟眼睛都腫起來，現在呼吸很困難", "119"),
    ("My son got stung by wasps in the park and his throat is swelling up", "119"),
    # a strange smell at home and several people dizzy; someone gone limp
    ("家裡浴室有一股怪怪的氣味，我爸跟我媽也都頭好暈", "119"),
    ("阿嬤突然整個人軟在椅子上，叫她都沒反應", "119"),
    ("我爸整個人趴在工地的鐵板上", "119"),
    # collapsed and not answering, breathing like snoring, in English
    ("My dad is lying on the bathroom floor and won't wake up", "119"),
    ("Her breathing is like heavy snoring and I can't rouse her", "119"),
    ("An old man was knocked down by a van at the crossing", "119"),
    ("The man on the pavement isn't moving", "119"),
    # a farewell in other words; someone standing at the edge
    ("He texted that his family would be better off without him", "1925"),
    ("There's a woman sitting on the ledge of the car park roof", "1925"),
    # a stranger climbing up to get in
    ("有個陌生人一直翻我家圍牆，看起來想進來", "110"),
    ("有人爬上二樓的鐵窗，好像要進來了", "110"),
    ("A man I don't know keeps trying to open our front gate", "110"),
    ("Someone is climbing up onto our back wall right now", "110"),
    # blows and attacks that name their victim (a review found these lost to a set-aside)
    ("他用力推她撞到牆，她一直哭", "110"),
    ("他一直踢門說要進來", "110"),
    ("救命啊，那隻狗在咬我弟弟", "119"),  # a bite: the wound first, as blind3 and blind10 expect
    ("My grandpa fell off his scooter and is lying on the road", "119"),
    # a head knocked, then vomiting or drowsy; lips gone grey; limp and unresponsive
    ("小孩從溜滑梯上跌下來後腦撞到地上，回家以後一直吐", "119"),
    ("我爸叫都叫不太醒，一直想睡", "119"),
    ("阿公的嘴唇變得灰灰的", "119"),
    ("我女兒抱起來軟軟的，都沒有反應", "119"),
    # a hand or hair pulled into a machine; someone locked in a cold room; buried, calling out
    ("捲髮器把我女兒的頭髮捲進去了，拉不出來", "119"),
    ("工讀生被鎖在冷藏庫裡，一直在敲門", "119"),
    ("倉庫的貨架倒下來，裡面還有人在喊", "119"),
    # gone under water and not come up; jumped into a river; fallen into a ravine
    ("我朋友跳下去游泳，到現在都還沒浮上來", "119"),
    ("剛剛有人從堤防跳進大排裡面", "119"),
    ("My cousin dived in and hasn't come back up", "119"),
    ("他開車的時候整台滑下去山溝了", "119"),
    # food, then the face and throat swelling
    ("我兒子吃了芒果以後，嘴唇腫起來，說喉嚨卡卡的很難講話", "119"),
    ("After the peanut cookie her lips are swelling and she says her throat feels tight", "119"),
    # a goodbye to everyone, gone tomorrow
    ("我朋友在群組說他以後就不在了，要大家保重", "1925"),
    # a drunk driver ramming cars now; someone shouting from a car that she doesn't know him
    ("那個酒駕的駕駛開車一直衝撞路邊的機車，現在還在", "110"),
    ("有個小女生在車上哭喊說她不認識那個人", "110"),
    ("Two men are dragging a girl into a white van, she's yelling she doesn't know them", "110"),
    # a cleaner or poison drunk; an engine left running in a shut garage; a face gone pale
    ("我孫子剛剛把洗碗精拿起來喝了，一直咳嗽", "119"),
    ("My son swallowed some drain cleaner from under the sink", "119"),
    ("阿公在車庫裡睡著了，引擎一直開著，鐵門也關起來了", "119"),
    ("The van's engine is still running in the garage with the windows shut and my uncle is in it",
     "119"),
    ("我叫他都沒在回，臉色很蒼白", "119"),
    # stuck between railings; crushed by something fallen; collapsed at the wheel
    ("小朋友的腳卡在鐵窗的縫裡面，拉不出來", "119"),
    ("貨架倒下來壓到一個工人", "119"),
    ("A woman is slumped over the steering wheel and does not react when I knock", "119"),
    # slipped in the bath and not answering; signs of a stroke in English
    ("My mum fell in the bathtub and she won't answer me", "119"),
    ("His mouth is drooping on one side and he can't lift his left arm", "119"),
    # a fight with a weapon, someone kicked on the ground; locked in by a partner
    ("Two guys outside the pub are going at each other with a knife", "110"),
    ("They're still kicking him while he's on the ground", "110"),
    ("My boyfriend locked me in the flat and took my keys", "110"),
    # on the outside of a bridge's railing, legs over the drop
    ("A girl is standing on the outside of the barrier on the bridge", "1925"),
    # a man following children into an alley, exposing himself
    ("有個怪叔叔一直跟著放學的小學生，還跟進暗巷", "110"),
    # from a second review: family named bare in English, head injuries said verb first,
    # symptoms that go on today, bites on a named person, a handful of pills, the farewells
    ("Grandma isn't breathing", "119"),
    ("Dad won't respond, he's on the kitchen floor", "119"),
    ("我爸跌倒撞到頭，一直吐", "119"),
    ("My son hit his head and keeps throwing up", "119"),
    ("我爸昨天跌倒撞到頭，今天早上開始一直吐", "119"),
    ("我爸在浴室滑倒，結果叫都叫不醒", "119"),
    ("我媽被狗咬傷，流很多血", "119"),
    ("the neighbour's dog attacked my husband, there's blood everywhere", "119"),
    ("我朋友剛剛吞了一大把安眠藥", "119"),
    ("有人從橋上跳下去了", "119"),
    ("我不想再拖累家人了", "1925"),
    ("I'm going to jump off the bridge", "1925"),
    ("我朋友在群組說永別了", "1925"),
    ("隔壁小孩一直在哭，他爸爸拿皮帶抽他", "110"),
    ("我老公掐我脖子", "110"),
    ("My husband is choking me", "110"),
    ("有人被困在電梯裡", "119"),
    ("我爸被車撞了", "119"),
    ("my dad is having chest pain and sweating a lot", "119"),
    ("工廠裡面有一股怪味道，我跟同事都說頭很暈", "119"),
    ("一個男的爬上我家陽台要抓我的貓", "110"),
    ("我兒子突然抽筋倒在地上，後來發現是在玩遊戲機玩太久", "119"),
    # blind set 12's classes, in other words: the current carrying someone off
    ("My little brother fell off the jetty into the lake and the waves are pulling him out", "119"),
    ("The current is sweeping the girl downstream past the bridge", "119"),
    # a cloud let out just now, people coughing or eyes stinging
    ("化工廠剛剛砰一聲，一大片白白的霧飄過來，我們這邊好多人眼睛好痛", "119"),
    ("A green cloud of gas drifted over from the plant and the kids are all coughing", "119"),
    # a farewell: thanks for the years, a pet left in someone's care
    ("我阿姨傳LINE說謝謝我這些年陪伴她，她的狗以後就拜託我照顧了", "1925"),
    ("He texted me to take care of his dog from now on and now his phone is off", "1925"),
    ("我哥拿了一整瓶安眠藥進浴室，門也鎖了", "119"),
    # a fire told by what is seen: a glow, dark stuff pouring out, a socket spitting sparks
    ("巷口那間透天厝二樓窗戶裡面一直透出橘紅色的光，一閃一閃的", "119"),
    ("有灰黑色的東西從隔壁陽台一直湧出來", "119"),
    ("There's an orange glow flickering in the upstairs window of the house next door", "119"),
    ("我房間的充電器一直冒藍藍的火星，插座那邊啪啪叫", "119"),
    ("The extension cord behind the TV is melting and crackling", "119"),
    ("那個插頭的外皮都融掉了，有焦掉的味道", "119"),
    # collapse said as going soft, answers that make no sense, heatstroke
    ("隔壁阿伯剛剛在田裡突然癱下去，問他話都答非所問", "119"),
    ("我爸在太陽底下割草，現在全身發燙，汗都流不出來", "119"),
    ("Grandpa was working in the field, now he's burning hot, stopped sweating and he's confused",
     "119"),
    # a child limp when lifted from the water, or face down in it
    ("我女兒剛剛在泳池趴在水面上，撈起來整個軟趴趴的", "119"),
    ("The baby was face down in the bath and went limp", "119"),
    # lips or face swelling after food, short of breath or voice
    ("He ate a cashew and now his face and lips are puffing up, he can barely breathe", "119"),
    # blind set 13's classes, in other words: a dark mass rising up the stairs, an alarm and
    # nothing to be seen, a window glowing red, crackling with heat
    ("黑色的一團從地下室一直往上竄，我們在三樓", "119"),
    ("走廊的警報器一直叫，整層都看不清楚", "119"),
    ("對面倉庫的窗戶裡面紅通通的，一直有爆裂聲", "119"),
    ("鐵皮屋裡面劈哩啪啦一直響，熱氣很燙", "119"),
    # going to join the one who died; life alone meaningless; one jump; last words
    ("我先生過世以後，我想今晚就去陪他了", "1925"),
    ("我一個人活著也沒什麼意思了", "1925"),
    ("我站在這邊，往下一跳就好了", "1925"),
    # a head grabbed and slammed
    ("外籍看護揪著阿嬤的頭髮往牆上撞", "110"),
    # the rest of blind13's first-sight misses, in other words
    ("我媽吐出來都是黑黑的東西，站起來腳就軟", "119"),
    ("有個工人摸到電箱，整個人一直抖", "119"),
    ("我哥把房間的門縫都用膠帶貼起來，還買了木炭", "119"),
    ("河中間有個人抓著樹枝，快撐不住了", "119"),
    ("The smoke is billowing out of the balcony upstairs", "119"),
    ("我爸從床上摔下來，我叫他都沒有應", "119"),
    ("我阿公喝了那個除草的藥", "119"),
    ("小孩會不會受傷我不知道，他現在叫不醒", "119"),
    # a gas detector sounding is a sign (one wanted is not: see the near misses)
    ("家裡的瓦斯警報器一直在響", "119"),
    ("The gas alarm is beeping and I can smell gas", "119"),
    # an animal biting or mauling a person now
    ("流浪狗咬了我女兒的腳，一直在哭", "119"),
    ("工地的狗衝出來咬了一個路人，他倒在地上", "119"),
    ("Three stray dogs are mauling a kid in the park", "119"),
    ("A pit bull attacked my neighbour and won't let go of her arm", "119"),
    # the caller's own wish stays one, though it opens with 以為
    ("我本來以為我撐得過去，結果我還是想跳樓", "1925"),
    # a scam's courier come for the money now
    ("有個自稱法官的人說我爸帳戶被凍結，現在派了一個車手在巷口等著拿錢", "110"),
    ("Someone pretending to be a prosecutor said my aunt's account is frozen and a man is outside "
     "to pick up her cash", "110"),
    # a pan's light leaping into an awning; water thrown making it flare
    ("麵攤的鍋子冒出一大片紅光，上面的遮雨棚都黑掉捲起來，一直往隔壁延過去", "119"),
    ("廚房爐子上的油鍋，我婆婆拿水去潑，轟一聲變更大", "119"),
    # food, then the face swelling with hives; no air, a hand at the throat
    ("女兒吃了蝦子以後，臉跟嘴唇都腫起來，全身起疹子", "119"),
    ("我先生一直抓著喉嚨，說沒辦法吸，講不出話", "119"),
    # someone hauled off against their will
    ("Two men are pulling a girl into a van outside the karaoke bar and she is screaming", "110"),
    ("有個男的把一個女生拖進公園的廁所，女生一直哭喊不要", "110"),
    # a car against the traffic on a fast road
    ("快速道路上有一台車逆向開過來，大家都在閃", "110"),
    ("Someone is driving the wrong way on the highway near the Fengyuan exit", "110"),
])
def test_danger_in_other_words_by_class(text: str, number: str) -> None:
    found = detect_by_rules(text)
    assert found is not None and found.number == number, found


@pytest.mark.parametrize("text", [
    "小朋友爬到溜滑梯上面不肯下來",                        # a playground, not a ledge
    "我媽叫我跟她去買菜，那個人一直跟我說要填表",            # 跟 is not following
    "這條路的路燈修好，這樣大家都輕鬆了",                  # relief with no farewell
    "颱風天橋上的路燈壞了，修好大家就輕鬆了",              # a bridge's lamp, nobody on it
    "垃圾車都不來，臭到我們全家都頭暈",                    # a figure of speech
    "我的機車騎到積水的地方熄火了",                        # a flooded road, not a car in water
    "我不知道自己在哪一區，只知道在公園旁邊",              # the caller does not know the district
    "有一隻狗在快速道路上走來走去",                        # an animal: animal protection
    "有人拿棍子在打野狗，打完就走了",                      # the victim is an animal
    "早上路口冒白煙，後來消防隊檢查過說只是水蒸氣",        # looked at and explained
    "隔壁在燒垃圾，聞起來像在燒塑膠，很臭",                # open burning: an environment case
    "餐廳的窗戶一直飄出油煙",                              # kitchen fumes: sanitation
    "我家小朋友坐在陽台上吃點心",                          # a balcony, inside its railing
    "那台車停在紅線上好久，裡面有人在睡覺",                  # a parked car, not a collapse
    "The smoke alarm in the hallway keeps beeping because the battery is low",
    "Exhaust fumes from the bus station come through my window every morning",
    "救命喔，這邊的路燈已經壞一個月了",                    # exasperation at a broken lamp
    "公車上一堆小朋友，冷氣沒開好熱",                      # a bus, not a child shut in a car
    "隔壁小孩每天在家尖叫，吵得我睡不著",                  # screams and nothing smashed: noise
    "颱風把電線桿吹歪了",                                  # a pole leaning, no wire down
    "The gate of the park toilet is broken",               # broken, not forced
    "I wrote a letter to my son's school about the bus",   # a letter with no farewell
    "阿嬤的藥我都準備好了，明天帶她去醫院回診",            # medicine ready for a visit
    "我們躲雨躲在騎樓不敢走",                              # sheltering from rain
    "我在家裡翻東西找收據",                                # the caller searching
    "樹葉都掉到水溝裡了",                                  # things in a drain, nobody in it
    "My phone fell into the canal by the night market",
    "我兒子電池沒電了，遙控器要換",                        # a flat battery, nothing swallowed
    "我的遙控器電池吃電很快",
    "小朋友在溪邊玩，爸媽都在旁邊看著",                    # the parents are there
    "河邊步道的路燈不亮，晚上小孩自己一個人走回家很暗",    # a riverside path's lamp
    "國道客運都不準時，我站在站牌等了很久",                # a coach company, not the freeway
    "工人站在路肩旁邊施工，沒有擺三角錐",                  # road works
    "下大雨衣服都濕透了，這條路都沒有騎樓",                # soaked by rain
    "Water has been soaking right through the wall from the neighbour's pipe",
    "I pushed her into the car and drove to school, now the bus stop is blocked",
    "手機訊號一直被切斷，基地台是不是壞了",
    # a fire named as what might happen one day; a burning smell of one's own cooking, aired out
    "萬一哪天失火，這條巷子消防車根本進不來",
    "If there's ever a fire, the fire truck can't get through this alley",
    "燒焦味是我在烤吐司烤焦了，現在沒事了，我要報路燈",
    "I burnt the rice earlier and the smell's all gone now, but the streetlight outside is out",
    # a drain case that names water and a car, an office that does not answer, pills as rubbish
    "每次下大雨，路口的積水都淹到機車的輪胎，車子都泡在水裡",
    "我停在地下室的車子被水泡到了，想問有沒有補助",
    "我打了三次電話給區公所都沒人回答",
    "I called the district office three times and nobody answers",
    "Someone dumped a whole box of old pill bottles next to the recycling bins",
    "I'm trying to open the window but the frame is stuck, and the park toilet is broken",
    "Last summer the water came up to my waist on this road, and the drain is blocked again",
    "我叫我兒子去買醬油，他都不回答我",
    "地上一灘水，好像是冷氣在滴",
    "我叫司機等一下他都不回答就開走了",                    # told, not called out to
    "有人在騎樓亂吐檳榔汁，地上一灘一灘紅紅的",            # betel juice
    "每次下大雨，地下道的積水都淹到車窗那麼高",            # a flooded spot as it always is
    "Every time it rains the water in the underpass is up to the car windows",
    "公車的輪子卡在水溝蓋上，開不出去",                    # a wheel on a drain cover
    "他把車停在我家門口，我的車子拉不出來",                # a car that cannot get out
    "I took all my old medicines back to the pharmacy like the notice said",
    "The contractor has been trying to get in touch about the broken streetlight",
    "Rain water keeps leaking at the windows of the number 300 bus",
    "My dog ate a whole bottle of my pills, which vet is open now",  # an animal: no 119
    "我家的貓吞了一整瓶藥，要找哪裡的動物醫院",
    # a thing fell over, and nobody is named; branches knocking on a window; an animal's cry
    "公園的圍籬整排倒在地上，好幾天了",
    "颱風過後招牌掉下來倒在地上",
    "風一吹樹枝就一直打到我家的玻璃",
    "救命喔，有一隻狗被車撞了，流了很多血，快派人來救牠",
    "The old tree got knocked over by the typhoon",
    "My neighbour's cat is lying on the road, it won't move",
    # everyday complaints that share words with the newer signs (from a review of them)
    "I emailed the district office twice and they won't respond",
    "The traffic isn't moving because the traffic lights are out",
    "There's rubbish lying in the road",
    "She said the pole got knocked down by a truck",
    "水溝有很臭的味道，臭到讓人想吐",
    "隔壁工廠一直排放刺鼻的氣味，我聞了都頭暈想吐",
    "我跟鄰居都頭暈，因為隔壁工地一直在敲",
    "我累到軟在沙發上，樓上一直在裝潢",
    "整個人躺在沙發上看電視，樓上好吵",
    "問他都在亂講話，那個司機態度很差",
    "The pigeons are sitting on the ledge and pooping on my balcony",
    "The neighbourhood would be better off without them parking on the red line",
    "Stray cats keep climbing onto my balcony",
    "奇怪的人在公園爬欄杆",
    "蜜蜂叮了我一下有點腫，想請你們來移除蜂窩",
    "my son was stung by a wasp, the swelling is mild, where do I report the nest",
    "There are branches lying in the road after the typhoon",
    "我家前面的排水溝一直有臭雞蛋的味道，水都不會流",
    "隔壁在喊救命，後來才知道是在拍戲",
    "明天老闆就不在了，要找誰",
    "我喝醉的朋友一直撞到牆",
    # alarms that are drills, anger said as an illness
    "The fire alarm went off at work but it was only a drill, everyone is fine",
    "我真的氣到快中風，樓上每天半夜都在拖椅子",
    "累到快昏倒，可是我要反映的是路燈不亮",
    # from a second review: ordinary reports that shared words with newer signs
    "我媽每天都要吃一大把藥，長照的車一直沒來",
    "救命啊，隔壁的狗每天一直叫，吵死了",
    "捷運站的手扶梯不能動",
    "等公車等了一個小時，臉都曬黑了",
    "我頭撞到那根橫桿，因為路燈很昏暗看不到",
    "隔壁的卡拉OK裡面有人在叫，吵到半夜",
    "夏天一堆小孩跳進溪裡玩水，可以立警告牌嗎",
    "你們的服務品質已經跌到谷底了",
    "社區管理員把我的腳踏車鎖在儲藏室",
    "The water pressure hasn't come back up since the repairs",
    "The dust from the construction site makes my throat tight",
    "工地的圍籬明天就不在了，要怎麼辦",
    "里長廣播叫大家要保重，天氣很冷",
    "公車司機過站不停，也不肯放我下車",
    "我一直打你們的電話都沒人接",
    "A truck driver knocked down the road sign on my street",
    "The delivery driver isn't moving his van from my driveway",
    "There are branches everywhere and they are lying in the middle of the road",
    "我家樓上一直在裝潢，敲到我跟我媽都頭暈",
    # blind set 12's traps, in other words: a fright, a mistake, a show
    "I thought the building was on fire but it was only steam from the laundry",
    "I almost had a heart attack when the truck honked at 3 am, it does it every night",
    "我們巷子這禮拜在拍戲，有一場打鬥的戲，一直喊救命喊到半夜",
    "The film crew across the street was shooting a scene with gunshots until 2 am",
    "樓上一直有人尖叫說不要打我，結果是他們家的電視在播連續劇",
    # a smell that comes every night, no sudden release; a shop sign's light
    "工廠每天晚上都排放臭臭的廢氣飄過來，我們喉嚨都很不舒服",
    "對面店家的招牌一直閃紅色的光，很刺眼",
    "樓上很吵，我去敲門他都不理我",
    "我跟他講了好幾次他都亂回，那個攤販還是照樣擺在騎樓",
    # blind set 13's traps, in other words: the caller forcing the door, a likeness, a game
    "放鞭炮砰砰砰的，跟有人在開槍一樣，吵到半夜",
    "我本來以為樓上有人在喊救命，後來發現是小孩在打電動",
    "The smell of smoke comes from the shrine every morning, it's only incense but it's thick",
    # a review's: an illness past, its aftermath asked about; a hurt that could happen; the
    # suicide line asked for; a detector wanted
    "我爸爸中風以後行動不方便，可以申請輪椅補助嗎",
    "公園的溜滑梯壞了，小孩子玩會受傷",
    "What is the number for the suicide prevention hotline",
    "How do I get a gas leak detector installed",
    # a dog that bites, bit someone once, or is feared: animal protection's, nobody hurt now
    "那隻狗會咬人，主人都不綁",
    "這隻狗常常咬路人，請派人來抓",
    "上個月被狗咬到，想檢舉那個狗主人",
    "A dog bit a man last month and the owner still lets it roam, I want to report it",
    "The monkeys at the temple keep snatching food and biting tourists",
    # a scam asked about or over; someone else's leap mistaken, a show
    "我想問被詐騙的錢可以追回來嗎，上個月被假檢察官騙了",
    "我還以為頂樓有人要跳樓，結果是在拍連續劇",
    "我以為有人跳樓，原來是工人在吊掛看板",
    "遮雨棚的帆布破掉了，下雨都漏水",
    # a lane against the traffic named, a swelling from food; a shape that was a thing, a show
    "國道三號那邊的逆向車道在施工，會塞車",
    "我女兒吃了芒果，眼睛有點腫，要掛哪一科",
    "路邊好像躺著一個人，走近一看才發現是一捆棉被，可以請清潔隊來收嗎",
    "晚上一直聽到有人尖叫，後來才發現是隔壁鬼屋的音效，吵到我睡不著",
    "I saw a man being handcuffed on our street, but it turned out they were filming a TV drama",
])
def test_near_misses_are_no_emergency(text: str) -> None:
    # the rules' near misses (the danger model, a second opinion, has its own tests)
    assert detect_by_rules(text) is None


@pytest.mark.parametrize("text", [
    # a show, a thought, a fright, an explanation said with real danger: still danger
    '我在看連續劇的時候，有一個男的闖進我家拿刀要錢',
    '我媽在看八點檔，突然有個男的闖進來拿刀',
    '他看完電視播的新聞就開始打我',
    'I was watching a movie on TV when someone broke in with a knife',
    "I'm filming it right now, a man is beating a woman with a bat",
    "There's a guy filming kids at the playground and he just grabbed a little girl",
    '我在拍片存證，那個男的一直打他老婆',
    '劇組的人跟附近居民打起來了，有人拿刀砍人',
    '他們說在拍戲，可是那個男的拿刀在砍人',
    "I thought he was asleep but he's not breathing",
    'I thought you should know, a man is stabbing people at the night market',
    "My dad almost had a heart attack, he's clutching his chest and can't breathe",
    '我兒子頭流很多血，結果是電視掉下來砸到的',
    "My neighbour's house is on fire, it was just a minute ago",
    '我媽坐在沙發上，怎麼搖她都不理我',
    "I thought so too, my dad just collapsed and isn't breathing",
    '我爸倒在地上不動，結果是電視櫃倒下來壓到他',
])
def test_what_only_sounds_like_a_set_aside_hides_no_danger(text: str) -> None:
    assert detect_by_rules(text) is not None


@pytest.mark.parametrize("text", [
    # a review's sentences: traffic lights, signs, smells, LEDs, rubbish, plants, a vendor,
    # a friend moving away, dust and incense, things in a river
    'The red light outside my house is stuck',
    'The red light at the junction by my house has been broken for a week',
    'The red light on Wenxin Road near my apartment lasts five minutes',
    "There's a red light camera near my house that flashes all night",
    'The traffic light outside my flat keeps flickering red',
    'The streetlight in front of my house keeps flickering orange',
    '我家樓下的路燈一直閃橘色的光，很刺眼',
    '大樓外牆的招牌整晚亮橘紅色的光，照到我房間',
    '對面大樓頂樓的霓虹燈一直閃橘紅色的光',
    '濃濃的臭味從樓下的餐廳飄出來',
    '濃濃的油煙從樓下的餐廳飄出來',
    '黑黑的髒水從樓上陽台一直噴出來',
    '很多黑色的螞蟻從牆壁裡面跑出來',
    "There's black stuff coming out of the drain outside my house and it stinks",
    'Dark clouds coming out of the factory chimney every night, it smells',
    '充電器的指示燈一直閃藍光',
    '我房間的充電器一直閃藍藍的燈',
    '路燈的電箱一直閃藍光',
    '電箱上面的燈一直閃藍藍的',
    "The neighbour's speaker cable keeps crackling all night, it's so loud",
    "The temple's loudspeaker wires are crackling all night",
    '樓下回收場每天早上都有玻璃瓶子爆開的聲音，很吵',
    '資源回收車倒玻璃的時候都有玻璃爆裂的聲音，很吵',
    "There's a lot of rubbish floating in the pond at the park",
    'Plastic bottles floating in the water at the park pond',
    'The young tree they planted outside my house is all floppy, it needs a stake',
    'The plants in the park went limp because nobody waters them',
    'The flag on the school is all limp',
    '那個攤販一直擺在騎樓，跟他講他都亂回',
    '我問她她都亂回，到底什麼時候要修',
    '公園的水池有一個遊民趴在池子邊睡覺',
    '公車站都沒有遮陽，等車等到皮膚都發燙，汗都沒有地方擦',
    '承辦人員叫我不要再去找他，說要打1999',
    '他叫我不要去找她了，所以我打來問路燈',
    '醫生叫我不要再去找他了，所以我想問哪裡有別的診所',
    '我上班，孩子下課以後就交給我媽帶，想問托育補助',
    '隔壁搬走了，他的狗以後就交給我們養',
    "He said to take care of his dog from now on because he's moving to Kaohsiung",
    '鄰居阿伯每次都謝謝我們照顧他',
    '我媽把整瓶安眠藥拿到房間藏起來，怕我爸亂吃',
    '隔壁把整瓶農藥倒到廁所裡',
    '我剛剛開窗，冷空氣吹進來，我就一直咳',
    '剛剛隔壁餐廳的油煙氣飄進來，我一直咳個不停',
    '剛剛捷運工地在切水泥，白白的霧一直飄過來，我們一直咳',
    '剛剛對面工地在噴漆，一股刺鼻的氣味飄過來，我眼睛好刺',
    '剛剛有人在田裡燒稻草，我們一直咳',
    'The bus exhaust fumes at the stop are terrible, people are coughing',
    'The haze from the temple incense is so thick, my eyes are watering every day',
    'The mosquito fogging truck just came by, a cloud of mist drifted in and my eyes are stinging',
    'Someone dumped old tyres in the river and the water is taking them downstream',
    'The water is carrying them away, all the rubbish bins in the alley',
    "My son's ball fell off the bridge into the river, can someone get it out",
    "My son's kite fell off the bridge into the river",
])
def test_ordinary_reports_near_the_new_cues_are_no_emergency(text: str) -> None:
    assert detect_by_rules(text) is None


def test_the_caller_forcing_the_door_is_no_burglar() -> None:
    found = detect_by_rules("我媽在廁所很久都沒出來，我把門撬開，她躺在地上叫不醒")
    assert found is not None and found.number == "119", found


def test_a_game_explains_screams_not_a_fit() -> None:
    found = detect_by_rules("我兒子突然抽筋倒在地上，後來發現是在玩遊戲機玩太久")
    assert found is not None and found.number == "119"


def test_a_show_said_as_such_does_not_hide_what_is_real() -> None:
    found = detect("他們說在拍戲，可是那個男的是真的拿刀在砍人")
    assert found is not None and found.number == "110"


def test_a_threat_said_with_if_stays_a_threat() -> None:
    # 萬一/要是 set a hazard aside as "one day", never a threat of violence
    found = detect("他說要是我敢報警，就要殺我全家")
    assert found is not None and found.number == "110"


def test_signs_stay_possible_and_a_child_in_a_car_is_certain() -> None:
    sign = detect("有一個男的從公車站一路跟著我，我好怕")
    assert sign is not None and not sign.certain and sign.kind == "followed"
    sure = detect("那台車裡面關著一個小朋友，車窗都關著")
    assert sure is not None and sure.certain and sure.number == "119"


@pytest.mark.parametrize(("text", "back"), [
    # a reason, nothing after it, and a report to make
    ("消防隊來看過了，都沒問題，是路邊水溝的污泥在臭", True),
    ("It turned out to be the water heater, but the smell is still strong in the hallway", False),
    ("原來是隔壁在烤肉，可是那個味道還是一直飄進來", False),  # more follows the reason
    ("原來是誤會", False),  # no report to make
    ("我剛剛是開玩笑的，我要報的是路燈不亮", True),
])
def test_taken_back_needs_a_reason_nothing_after_it_and_a_report(text: str, back: bool) -> None:
    assert taken_back(text) is back


def test_every_kind_of_danger_has_its_words_in_both_languages() -> None:
    # (a kind added to the rules without its words would fail the caller at the worst moment)
    from dialog import emergency, phrases
    kinds = {kind for kind, _n, _p in emergency._RULES + emergency._CUES} | {"possible"}
    for kind in kinds:
        for lang in ("zh", "en"):
            assert phrases.emergency_text(lang, kind, "110", "119")


@pytest.mark.parametrize(("text", "number"), [
    # blind19's classes, in other words: a swarm's stings a clause after the person; a person
    # shut in a cage; a robber telling a clerk to open the register; swelling with a tight
    # throat and no blow
    ("我媽在菜園除草，結果被一群虎頭蜂螫，手臂被叮了好幾十個包", "119"),
    ("隔壁把失智的阿嬤關在鐵籠裡，一直在哭", "110"),
    ("A guy with a crowbar is yelling at the cashier to open the register", "110"),
    ("She is swinging a hammer at her husband in the car park", "110"),
    ("她的臉腫起來，喉嚨好緊，一直喘", "119"),
    # still dangers: a person who does not answer, a window smashed by someone now
    ("阿公倒在地上，叫他都沒反應", "119"),
    ("Someone smashed the window of the car next to mine and is inside it now", "110"),
])
def test_blind19_dangers_in_other_words(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize("text", [
    # a machine that does not answer; glass left as litter; a bird scarer's bangs explained;
    # blades in a drill explained; a child freed and fine; a dog in a dog cage; stings long ago
    "捷運站的售票機按了都沒反應，錢也吐不出來",
    "They left smashed bottles all over the playground again",
    "每天早上砰砰砰好像在開槍一樣，後來才知道是果園的趕鳥炮",
    "遠遠看到一群人拿著劍在揮，走近才發現是在練太極劍",
    "My son got his arm stuck in the gate, but we got him out and he's totally fine",
    "鄰居把狗關在狗籠裡面，牠一直叫",
    "我去年被蜜蜂叮了一個包",
])
def test_blind19_alarms_that_are_none(text: str) -> None:
    assert detect(text) is None


def test_a_fire_explained_in_the_next_sentence_and_flames_shooting_are_no_shots() -> None:
    # (the explanation a sentence after the flames; "shooting" said of flames is no gunfire)
    assert detect("Last night we saw flames shooting out of the stage and heard huge bangs. "
                  "My husband nearly called the fire brigade, but it turned out to be special "
                  "effects for a show.") is None
    found = detect("Flames are shooting out of the flat upstairs and the family is still inside.")
    assert found is not None and found.number == "119"
    found = detect("Someone is shooting out of a car window at the market")
    assert found is not None and found.number == "110"


@pytest.mark.parametrize(("text", "number"), [
    # the review of blind19's fixes: dangers the new set-asides hid, and ones left
    ("There is someone lying next to the ticket machine, unresponsive", "119"),
    ("售票機旁邊有一個人躺著，都沒反應", "119"),
    ("A man is attacking cars in the car park, leaving smashed glass everywhere", "110"),
    ("A drunk man is outside my door with the smashed bottles, threatening us", "110"),
    ("好像開槍一樣砰一聲，不是禮炮，是真的槍，有人中彈", "110"),
    ("有人拿刀在揮，原來不是表演，他真的砍傷人了", "110"),
    ("我姐被她男朋友摔在地上，臉腫起來，一直喘", "110"),
    ("隔壁阿嬤臉上都是瘀青，我問她，她喉嚨沙啞說不出話", "110"),
    ("The neighbours keep a little boy in a dog crate", "110"),
    ("She got swarmed by hornets, dozens of stings all over her arms", "119"),
    ("我媽在菜園除草，蜂很多，她被叮了好幾十個包", "119"),
    ("有人被刺傷了", "110"),
    ("大家都沒事，可是廚房的瓦斯還一直在漏，味道很重", "119"),
    ("He is threatening to jump off the roof", "1925"),
    ("A guy with a crowbar is telling the cashier to empty the till", "110"),
])
def test_review_of_blind19_dangers(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize("text", [
    # …and alarms the new rules raised: a till, a tool at work, stings heard of or every year,
    # a pet whose owner is named, a bird scarer by a field
    "The cashier refused to open the register to give me change",
    "I forgot the code and now I cannot open the safe",
    "The construction workers next door are swinging a hammer against the tin roof at 5am",
    "人家說被虎頭蜂叮會起一堆包，我們公園有一個蜂窩",
    "阿公每年都被蜂叮一堆包，今年蜂窩又在屋簷下",
    "我老爸養的狗被車撞，流很多血",
    "長輩家的貓從樓上掉下來，流很多血",
])
def test_review_of_blind19_alarms(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize("text", [
    # a reassurance about one, or followed by "but", does not quiet the danger model
    "虛驚一場？不是，那個男的在打他老婆",
    "My son got his arm stuck in the gate, we got him out but his hand is turning blue",
])
def test_review_of_blind19_reassurances_that_reassure_nothing(text: str) -> None:
    assert detect(text) is not None


@pytest.mark.parametrize(("text", "number"), [
    # blind20's classes in other words: a worker silent down a tank or a well; on the way to a
    # river tonight to join the dead; don't talk me out of it by a bridge
    ("清化糞池的師傅下去以後就沒有動靜了，叫他都不回", "119"),
    ("我先生走了以後我一直撐著，今晚我就要到大甲溪的河邊去陪他", "1925"),
    ("我已經在橋上了，你不要勸我", "1925"),
])
def test_blind20_dangers_in_other_words(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize("text", [
    # a phone's keys that do nothing; 救命 said at the machine while asking for a person; cries
    # that were cats; water shooting from a pipe, nobody hurt (en)
    "我按一也沒反應，按零也沒反應，到底要怎麼轉",
    "救命喔，我講半天你都聽不懂，拜託幫我轉一個人來聽",
    "半夜一直聽到像嬰兒在哭的聲音，出去看才發現是兩隻野貓在打架",
    "Water keeps shooting out of a broken pipe by the road. Nobody's hurt, it's flooding the lane.",
])
def test_blind20_alarms_that_are_none(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(("text", "number"), [
    # the review of blind20's fixes: dangers the new set-asides hid
    ("Nobody's hurt but my dad is not breathing", "119"),
    ("Nobody's hurt in the car, but the cyclist they hit is unconscious on the road", "119"),
    ("救命喔，叫人來跟我說，我被關在屋子裡出不去", "110"),
    ("救命喔，換個人來跟我說，我老公拿菜刀在客廳", "110"),
    ("我阿公跌倒流血，原來是被一隻狗絆倒的", "119"),
    ("我聽到隔壁有人喊救命，原來是貓在叫，可是後來又聽到女生在哭喊", "110"),
    ("A man standing by the water is shooting at people", "110"),
    ("我用力按一下都沒反應，他整個臉發白", "119"),
])
def test_review_of_blind20_dangers(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize("text", [
    # …and alarms its new rules raised: a tank's motor, a tank blown over, furniture down
    # below, an evening at the river, "don't talk me out of" fishing
    "我們大樓的水塔馬達壞了，都沒聲音",
    "颱風把我們家的水塔吹倒下來了",
    "那個櫃子倒在下面不動了，搬不起來",
    "今晚要去河邊陪他釣魚",
    "等一下要去頂樓找他，他在上面曬衣服",
    "不要勸我啦，我今天一定要去海邊釣魚",
])
def test_review_of_blind20_alarms(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(("text", "number"), [
    # gaps the review of blind20 found in older rules: a fire whose cause is explained but which
    # grows; "nobody is hurt, but…"; a worker down a manhole (en)
    ("陽台起火了，原來是鞭炮掉進去，火越燒越大", "119"),
    ("沒有人受傷，可是我阿嬤倒在地上叫不醒", "119"),
    ("My colleague climbed down into the septic tank and isn't responding", "119"),
])
def test_older_gaps_found_by_the_review_of_blind20(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize(("text", "danger"), [
    # a cry first taken for an animal's, then said not to be one; and the animal's own cry
    ("原來不是貓，是真的有人在喊救命", True),
    ("我以為是貓在叫，結果不是貓，真的有人在喊救命", True),
    ("It's not a cat, someone is really screaming help", True),
    ("救命啊，有一隻貓被車撞到", False),
    ("隔壁的鸚鵡每天都在大叫救命啊", False),
])
def test_a_cry_said_not_to_be_an_animals(text: str, danger: bool) -> None:
    assert (detect(text) is not None) == danger


def test_a_fire_explained_and_over_is_none() -> None:
    assert detect("聞到燒焦味還以為是失火，原來是在燒金紙") is None


@pytest.mark.parametrize(("text", "number"), [
    # blind21's dangers in other words: a drunk driver on the road now; a rope made ready
    ("有一台白色轎車在中清路上一直蛇行，司機看起來喝醉了", "110"),
    ("A car is swerving across lanes on Taiwan Boulevard and the driver is clearly drunk", "110"),
    ("The driver reeks of alcohol and just drove onto the sidewalk", "110"),
    ("我爸把繩子綁在陽台的鐵架上，打了一個圈", "119"),
    ("She tied a cord to the ceiling fan and made a loop", "119"),
    ("他剛剛把頭伸進繩圈裡了", "119"),
    ("There's a man swinging an iron bar at the shop window and he's still here", "110"),
])
def test_blind21_dangers_in_other_words(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and found.number == number


@pytest.mark.parametrize("text", [
    # …and alarms that were none: a drill, a film shoot, a shouting exercise, the TV (en),
    # an animal "a bit" odd (en), a pile of smashed tiles (en), a habit of drink-driving
    "警報一直響，有人喊失火了，後來才知道是大樓在做消防演練",
    "剛剛看到有人倒在地上，結果是在拍戲，那個演員馬上就爬起來繼續拍",
    "公園有人大吼大叫，我以為在打架，結果他們是在練什麼氣功",
    "I heard a man yelling he would kill her. I went and knocked, and it's just my neighbour "
    "watching action movies with the volume up.",
    "This is a bit strange, a snake is lying on the path and I'm worried someone steps on it",
    "Someone dumped a broken sofa and a pile of smashed tiles by the river",
    "我要檢舉鄰居常常酒駕，開得歪七扭八",
    "He was weaving through traffic on his scooter to get to work on time",
    "我把繩子綁在樹上，拉起來當曬衣繩",
])
def test_blind21_alarms_that_are_none(text: str) -> None:
    assert detect(text) is None


def test_an_explanation_does_not_quiet_what_follows_it() -> None:
    found = detect("I heard a woman screaming don't kill me. It's just my neighbour watching TV, I "
                   "thought, but now she is screaming for real")
    assert found is not None
    found = detect("隔壁有人一直喊救命，後來才知道是電視在演連續劇，可是現在真的有人在喊救命")
    assert found is not None


@pytest.mark.parametrize(("text", "number"), [
    # the review of blind21's fixes: dangers the new set-asides hid (a suspect's own excuse, a
    # denial read as an explanation, a fake knife, a habit word anywhere in the turn, the lock
    # smashed) and dangers the new rules must keep ("any": a number of either service)
    ('請問一下，我前面有一台白色轎車一直蛇行，駕駛好像喝醉了，現在在五權路上',
     '110'),
    ('我要檢舉，這種酒駕的應該重罰，我前面這台車現在一直蛇行，開得歪七扭八',
     '110'),
    ('前面有台車一直蛇行，駕駛喝得很醉，每次紅燈都會衝過去，現在在台灣大道上',
     '110'),
    ('有個男的把一個女生拖上車，她一直喊救命，結果那個男的跟我說是在拍電影，但我沒看到任何攝影機',
     '110'),
    ('隔壁有人拿刀砍人，我過去看，結果他跟我說是在拍電影，叫我不要管，地上都是血',
     '110'),
    ('樓上一直有女生在尖叫救命，結果管理員跟我說他們不是在拍戲，我好怕',
     '110'),
    ('超商門口有人拿刀砍人，走近一看才發現那把刀不是道具',
     '110'),
    ('有人拿刀架在店員脖子上，結果那個人是拿假的刀，現在還在店裡',
     '110'),
    ('後面巷子有人在打架，拿球棒互毆，結果他們是在練武的，但是已經有人頭破血流',
     'any'),
    ('樓上一直傳來小孩哭喊救命的聲音，還有打東西的聲音，結果他們跟我說是在練功，我覺得怪怪的',
     'any'),
    ('有兩個男的說是警察，硬要把我女兒帶走，結果他們是假的警察',
     'any'),
    ("I can hear a woman screaming for help next door and things breaking. My husband says "
     "it's just the neighbours watching TV, I'm not so sure.",
     '110'),
    ("I can hear the boy next door crying and screaming stop, and something hitting him. His "
     "dad told me it was just his son playing video games and won't let me in.",
     'any'),
    ("Someone smashed the padlock on my neighbour's gate and is wheeling his scooter away "
     "right now.",
     '110'),
    ('Some guys smashed their way into the jewellery shop downstairs just now.',
     '110'),
    ("Someone smashed the lock on my neighbour's door and he's inside the flat now.",
     '110'),
    ("There's smashed glass all over the road and cars are swerving across into the other "
     "lane to avoid it.",
     'any'),
    ('有一個喝醉的人躺在路中間，車子經過都要蛇行閃他',
     'any'),
    ("There is a car weaving all over the road in front of me right now, I think the driver "
     "is drunk.",
     '110'),
    ('有個阿伯騎腳踏車騎得東倒西歪，一身酒味，現在在大馬路上',
     '110'),
    ('剛剛有一台車衝上人行道撞到人，司機好像喝醉了',
     'any'),
    ('我哥把皮帶綁在門框上，打了一個圈，一直說不想活了',
     'any'),
    ('My brother tied a belt to the ceiling fan and he has put his head in the loop',
     '119'),
    ('有一個男的把繩子綁在樹枝上，打了一個圈，現在站在他的機車座墊上面',
     '119'),
    ('他剛剛把頭伸進繩圈裡了',
     '119'),
    ('He tied a rope to the beam in the garage, made a loop and is standing on a chair',
     '119'),
    ("There's a silver pickup truck weaving all over Fengshi Road in Shigang, the driver can "
     "barely keep his head up",
     '110'),
    ("Two guys just smashed the shop's shutter and are inside.",
     '110'),
    ('A man is swinging a metal pipe at people outside the 7-Eleven.',
     '110'),
    ('隔壁有人拿刀砍人，結果他說是拍電影，可是真的有人流血了',
     '110'),
    ('公園有人拿刀在揮，結果他們是在練刀，旁邊有個人被砍到在流血',
     'any'),
])
def test_review_of_blind21_dangers(text: str, number: str) -> None:
    found = detect(text)
    assert found is not None and (number == "any" or number in (found.number, found.also))


@pytest.mark.parametrize("text", [
    # …and the alarms they raised: patrols asked for, drink denied, bikes parked on the sidewalk,
    # ropes for laundry, lanterns and swings, heads put into fridges and drains, a bat in a park
    '我要檢舉。剛剛我們那條街突然砰砰砰好幾聲，還有一個人倒在地上，地上紅紅的一片，我嚇到手都在抖，結果旁邊的人跟我說是在拍電影啦，那是道具跟化妝，那個演員等一下就爬起來跟大家揮手了。',
    '每天早上五點，公園就有一群人在那邊「啊——！」大吼大叫，我第一次聽到以為有人在吵架要打起來了，還想說要不要去叫人，結果他們是在練什麼吼叫功，說大叫可以排毒啦',
    '我們這邊晚上常有年輕人騎車蛇行，旁邊那間熱炒店喝酒的人很多，希望警察多巡邏',
    '那台車剛剛蛇行了一下，應該是在閃坑洞，駕駛沒有喝酒啦，我是要報坑洞',
    '那台車一直蛇行，但不是酒駕，駕駛是在看手機',
    '那間熱炒店的客人都把機車騎上人行道停，喝酒喝到半夜很吵',
    "Scooters keep weaving between the cars on this road at night, I think some of them are "
    "drunk students from the bar.",
    "Every Friday night the scooters are weaving all over the road outside the bar and the "
    "riders are drunk, can you send more patrols?",
    "The bar customers drove onto the pavement to park again tonight, and drunk guys were "
    "shouting until 2 a.m.",
    '我鄰居把繩子綁在樹上，打了一個圈，用來曬棉被',
    '我老公把尼龍繩綁在鐵窗上要曬衣服，他站在椅子上綁',
    '我媽把繩子綁在欄杆上掛燈籠，站在椅子上弄',
    '公園裡有人把童軍繩綁在樹枝上打了一個繩圈，給小朋友盪鞦韆',
    "There's a rope tied to a tree branch with a loop at the end, the kids use it as a swing.",
    "Someone left a rope tied to the railing with a loop on it, and a dog is tied to it all "
    "day with no water.",
    '工人把頭伸進去水溝蓋下面看，好像在找東西',
    '那個人把頭伸進去計程車車窗裡跟司機吵架',
    '她把頭伸進去冰箱找飲料',
    "Kids keep swinging a baseball bat in the tiny park near the playground, can you put up a "
    "sign?",
    '我爸以前喝醉騎車騎得歪七扭八，後來被抓到，我想問酒駕要罰多少錢',
    '上禮拜有一台車喝醉蛇行撞到我家圍牆，現在圍牆還沒修',
    'The old men in the park do their exercises swinging a long wooden bar every morning.',
    "I heard screaming upstairs, so I went up and knocked, and it's just the old man watching "
    "crime dramas with the TV up loud.",
])
def test_review_of_blind21_alarms(text: str) -> None:
    assert detect(text) is None

@pytest.mark.parametrize(("text", "number"), [
    # the second review of blind21's fixes: a child tied up after 把繩子綁; doubt, denial and a
    # suspect's excuse after a film shoot; a prop gun; a fight after the show; a noose by a dog
    # or a drying rack; the caller's own habits; drink said otherwise; an ATM smashed; a rider
    # hurt by a drunk driver (119 first)
    ("隔壁的人把繩子綁住小孩的手，一直拖著走", "110"),
    ("The neighbours keep their son with a rope tied to the bed all day.", "any"),
    ("隔壁阿伯把繩子綁在他孫子的腳上，拴在門口一整天，孫子一直哭", "any"),
    ("有個男的把童軍繩綁住那個女生的手，把她拉走", "110"),
    ("有人拿刀砍人，他們說是在拍戲，攝影機什麼的都沒看到", "110"),
    ("有人拿刀砍人，那個男的說在拍戲，我看那把刀根本不像道具", "110"),
    ("有個男的把一個女生拖上車，她一直喊救命，那個男的說他們在拍戲，還說攝影機在對面", "110"),
    ("有人拿刀砍人，旁邊的人說這不是在拍戲，是演員跟導演吵架，真的砍下去了", "110"),
    ("超商門口有個男的拿刀砍人，路人都以為是在拍戲，還在找攝影機", "110"),
    ("巷子裡有人倒在地上，旁邊在拍戲，那個演員中暑昏倒了，叫不醒", "119"),
    ("路口有人倒在地上沒反應，好像是在拍戲的劇組，有個臨演突然倒下去", "119"),
    ("超商門口有人拿刀砍人，走近一看才發現那把道具刀是真的", "110"),
    ("有人拿槍進超商搶劫，結果是道具槍，現在人還在店裡", "110"),
    ("廟口有人拿刀在打架，結果他們是陣頭表演完喝酒起衝突", "110"),
    ("I can hear a woman screaming for help next door. Her husband answered the door and "
     "said don't worry, it's just the kids watching a horror movie.", "any"),
    ("The boy next door is screaming help, his dad says it was just a video game.", "any"),
    ("隔壁一直有人喊救命，結果是在打電動，可是我明明聽到有人在哭，還有打東西的聲音", "any"),
    ("樓上一直有女生尖叫救命，還有摔東西的聲音，她老公跟我說原來是電視在演", "any"),
    ("我先生拿遛狗的繩子綁在樓梯欄杆上，打了一個圈，站在椅子上", "119"),
    ("My brother tied a rope to the railing and put his head in the loop, he took the "
     "dog's lead to do it.", "119"),
    ("我媽在陽台晾衣服的地方把繩子綁在鐵窗上，打了一個圈，脖子套進去", "119"),
    ("The car in front of me keeps swerving into the other lane and the driver looks "
     "drunk.", "110"),
    ("I drive this road every day and I've never seen anything like it, the car in front "
     "is weaving all over the road and the driver is clearly drunk.", "110"),
    ("我每天走這條路上班，前面這台白色轎車一直蛇行，司機好像喝醉了，車號是ABC-1234", "110"),
    ("前面那台車一直蛇行，司機好像喝茫了，現在在五權路上", "110"),
    ("The pickup in front is swerving all over the road right now, the driver has clearly "
     "been drinking.", "110"),
    ("Two men just smashed the ATM at the bank on my corner with a sledgehammer.", "110"),
    ("Two men smashed the display cabinets in the jewellery store downstairs with hammers "
     "and ran off with the gold.", "110"),
    ("剛剛有一台車蛇行撞到一個騎士，駕駛喝醉了，騎士倒在地上流血", "119"),
    ("超商門口有人拿刀砍人，走近一看，那個人手上拿的道具刀是真的", "110"),
])
def test_second_review_of_blind21_dangers(text: str, number: str) -> None:
    found = detect(normalise(text))
    assert found is not None and (number == "any" or number in (found.number, found.also))


@pytest.mark.parametrize("text", [
    # …and the alarms: a din complained about after a show; what the police found; ropes for
    # lights and knots; a driver the police stopped or parked; no smell of drink
    "我們巷子晚上一直有人尖叫救命，結果是在拍電影，可是拍到半夜還一直喊，很吵，我要檢舉噪音",
    "樓上一直有人大叫救命，原來是電視在演，但是開得超大聲，還是很吵",
    "樓上一直有人大叫救命，原來是電視在演，我覺得很奇怪他們怎麼可以開那麼大聲",
    "有人一直喊救命，原來是在拍戲，不過我還是想問拍片需要申請嗎",
    "I heard screaming for help upstairs. The police came and said it was just a TV show.",
    "我們社區中秋節要把繩子綁在欄杆上，站在椅子上掛燈",
    "學校童軍課教小朋友把繩子綁在樹上打一個圈，練習繩結",
    "He tied the rope to the railing and made a loop to hang the Christmas lights.",
    "My son is practising knots, he tied a rope to a tree branch and made a loop.",
    "你們不要管我啦，我已經想好了，明天就去議員那邊陳情",
    "那個酒駕的人剛剛被警察攔下來了，車子還停在人行道上，之前蛇行很嚴重，我想問一下後續",
    "The drunk guys from the bar drove onto the pavement and parked there again, blocking the way.",
    "那台車一直蛇行，我靠近看，駕駛身上一點酒味都沒有，好像是身體不舒服",
    "巷子有人拿刀砍人，原來是在拍電影，那是道具跟化妝，演員後來就爬起來了",
    "我要檢舉。剛剛我們那條街突然砰砰砰好幾聲，還有一個人倒在地上，地上紅紅的一片，我嚇到手都在抖，結果旁邊的人跟我說是在拍電影啦，那是道具跟化妝，那個演員等一下就爬起來跟大家揮手了。",
])
def test_second_review_of_blind21_alarms(text: str) -> None:
    assert detect(normalise(text)) is None

@pytest.mark.parametrize(("text", "number"), [
    # the third review: another actor getting up; how someone was hurt at a rehearsal; last
    # month's explanation; a child the object of 把; a child named before "a rope tied"; a
    # person smashed; a pet handed over; a worried caller
    ("阿伯在路邊昏倒了，旁邊剛好在拍戲，演員就站起來走過去看他，阿伯都沒反應", "119"),
    ("一個臨演昏倒了，是在拍戲的現場，其他演員都站起來走過去幫忙，他還沒醒", "119"),
    ("有人頭一直流血，原來是彩排的時候被燈架砸到", "119"),
    ("有人倒在地上抽搐，原來是演練的時候吸到煙", "119"),
    ("有人流很多血，原來是練習的時候被刀割到", "119"),
    ("Someone next door is screaming for help and I hear things breaking. Last month the "
     "same thing happened and the guard went up and it was just the TV. This time it "
     "sounds much worse and it has been going for half an hour.", "110"),
    ("隔壁把孫子用繩子綁在床上，已經一整天了", "any"),
    ("那個男的把女兒用繩子綁起來打", "any"),
    ("有個男的把她用繩子綁起來，塞進車裡", "any"),
    ("The neighbours left their little boy with a rope tied to a pole in the yard all day.", "any"),
    ("Someone has their kid with a cord tied to the fence outside the shop, he's been "
     "crying for an hour.", "any"),
    ("Someone smashed him over the head with a brick right outside my house.", "110"),
    ("They smashed into the house next door and are dragging the old man out.", "110"),
    ("Two guys smashed their way through the back window of the pharmacy.", "110"),
    ("Please take care of my dog for me, I won't be around after tonight.", "any"),
    ("樓上一直傳出小孩哭喊救命的聲音，結果他們是在練功，我還是很擔心", "any"),
    ("A guy just smashed a bottle over someone's head outside the bar", "110"),
])
def test_third_review_of_blind21_dangers(text: str, number: str) -> None:
    found = detect(normalise(text))
    assert found is not None and (number == "any" or number in (found.number, found.also))


@pytest.mark.parametrize("text", [
    # …and alarms: the caller's own husband went and looked; a doubt taken back; a permit
    # asked about; swerving round potholes; smashed tiles dumped
    "樓上一直有女生尖叫救命，我老公上去看了，他說原來是電視開太大聲",
    "I heard screaming for help upstairs, my husband went up and said it turned out to be the TV.",
    "樓上一直有人喊救命，原來是電視在演，但是我聽到有人在哭，應該是電視的聲音太大",
    "隔壁一直有人喊救命，原來是在打電動，可是有人一直在哭，我覺得是小孩輸了在哭",
    "I heard screaming for help next door, it turned out to be a movie shoot, I'm not sure if "
    "they have a permit.",
    "那條路坑坑洞洞，機車騎過去都要蛇行，旁邊那間酒吧的客人晚上喝醉了很吵",
    "The road is so bumpy that scooters are swerving all over the place. The bar next door has "
    "drunk customers shouting at night too.",
    "There's a bomb by the canal! Okay, not a real one, relax. It's a big rusty tank that looks "
    "exactly like a bomb, but it's just an old water heater somebody dumped there, together with "
    "a broken sofa and a pile of smashed tiles.",
])
def test_third_review_of_blind21_alarms(text: str) -> None:
    assert detect(normalise(text)) is None


@pytest.mark.parametrize(("text", "danger"), [
    # hanging said plainly had no rule (the third review of blind21 found it, older than it)
    ("我先生說要上吊，拿著繩子在陽台，狗一直叫", True),
    ("My dad has a rope and says he wants to hang himself, the dog keeps barking.", True),
    ("他沒有要上吊啦，他只是在綁曬衣繩", False),
    ("I hang my laundry on the balcony every morning", False),
    ("他眼睛突然往上吊，手腳一直抽", True),  # (a seizure: 119, not 1925)
    ("一根樹枝斷掉了，整根卡在樹上吊著", False),
])
def test_hanging_said_plainly(text: str, danger: bool) -> None:
    found = detect(normalise(text))
    assert (found is not None) == danger
    assert found is None or "往上吊" not in text or found.number == "119"

"""Everything the bot says, in zh-TW and English: short spoken sentences, fixed wording.

Fixed wording is a policy choice: the bot never improvises facts, and a fixed prompt can be
synthesised once and cached by the speech side.
"""

from __future__ import annotations

from dialog.domain import CATEGORIES, DEPARTMENTS, EMERGENCY_NUMBERS

_ZH = {
    "busy": "目前線路忙碌中，請稍後再撥，謝謝。",
    "greeting": (
        "您好，這裡是臺中市1999市民專線智慧客服。"
        "依個人資料保護法第八條告知：臺中市政府會記錄本通話，只用於處理您的陳情與諮詢。"
        "您隨時可以說「轉真人」，由專人為您服務。請問有什麼需要幫忙的嗎？"
    ),
    "greeting_en_hint": "For English, please just speak English.",
    "keypad_hint": "需要專人服務，請按0。",
    "keypad_hint_en": "Press zero for a person.",
    "callback_use_caller_number": "請問回電打您現在這支電話，尾數{last}，可以嗎？",
    "ask_problem": "請問您要反映什麼問題，或想詢問什麼呢？",
    "ask_problem_again": "不好意思，我還不太清楚。請用一句話告訴我發生了什麼事，例如「路燈不亮」。",
    "ask_category_choice": "我還不確定是哪一類問題。請問是道路、路燈、紅綠燈、停車、噪音、垃圾、"
                           "動物、水溝、樹木、公園、公車、違建，還是其他？",
    "ask_location": "請問是在哪一區、哪一條路？有門牌或路口更好。",
    "ask_location_again": "為了派人處理，需要知道地點。請告訴我路名，或附近的路口、明顯的地標。",
    "ask_road": "請問是{district}的哪一條路，或附近有什麼地標？",
    "ask_district": "請問是在台中市的哪一區？",
    "ask_district_again": "為了轉給正確的單位，需要知道是哪一區，例如西屯區、北屯區。",
    "ask_district_choices": "不好意思，我沒聽清楚是哪一區。請問是{choices}？",
    "ask_bus_details": "請問是幾路公車、在哪一個站牌，大約什麼時間發生的？",
    "readback": "跟您確認：{place}，{category}{extra}。",
    "readback_lamp": "如果看得到燈桿上的編號，也可以告訴我。",
    "confirm": "資料正確嗎？",
    "ask_correction": "好的，請問哪裡需要更正？",
    "filed": "已為您登記案件，案件編號是{number}。案件會轉給{department}處理，並由專人複核。",
    "anything_else": "還有其他需要幫忙的嗎？",
    "goodbye": "謝謝您的來電，祝您平安，再見。",
    "still_there": "請問您還在線上嗎？",
    "goodbye_silent": "我們沒有聽到您的聲音，先為您結束通話，已記錄的案件都會保留。再見。",
    "goodbye_long": "通話時間已到上限，謝謝您的來電，再見。",
    "kb_answer": "{answer}",
    "kb_more": "還有其他問題嗎？",
    "not_in_kb": "這個問題我目前沒有正確的資料可以回答，不想給您錯誤的資訊。需要幫您轉接專人嗎？",
    "out_of_scope": "這不在1999市民專線的服務範圍內。需要幫您轉接專人嗎？",
    "offer_human_other": "好的，這件事請專人為您了解比較妥當。需要幫您轉接專人嗎？",
    "handoff": "好的，正在為您轉接專人，請稍候。我會把剛才的內容交給同仁，您不用再說一次。",
    "handoff_sensitive": "這件事需要由專人處理，我現在為您轉接，請稍候。",
    "handoff_failure": "不好意思，我一直沒能幫上忙。我為您轉接專人，請稍候。",
    "handoff_low_confidence": "不好意思，我聽得不太清楚。我為您轉接專人，請稍候。",
    "no_problem": "好的，沒問題。",
    "repeat": "不好意思，我沒有聽清楚，可以請您再說一次嗎？",
    "emergency": "{why}請立刻掛斷，撥打{number}{service}。",
    "emergency_also": "也可以撥打{number}{service}。",
    "emergency_repeat": "情況緊急，請馬上撥打{number}。",
    "danger_check": "聽起來可能有危險。如果現在有人有危險，請立刻掛斷，撥打{number}{service}。",
    "danger_question": "請問現在有人有立即的危險嗎？",
    "go_on": "好的，那我們繼續。",
    "fallback": "不好意思，系統剛才出了點問題。請再說一次，或說「轉真人」。",
    "hold": "正在為您轉接專人，請稍候。預計等候約{minutes}分鐘。",
    "hold_next": "正在為您轉接專人，您是下一位，請稍候。",
    "callback_offer": "不好意思，目前專人都在忙線中。需要為您登記案件，由專人回電給您嗎？",
    "callback_offer_agent_lost": "不好意思，專人的連線中斷了。需要為您登記案件，由專人回電給您嗎？",
    "callback_ask_phone": "好的，請告訴我您的聯絡電話。",
    "callback_filed": "已為您登記，案件編號是{number}，專人會盡快打{phone}回電給您。"
                      "謝謝您的來電，再見。",
    "callback_no_phone": "沒有電話號碼就無法回電，請您稍後再撥1999。謝謝您的來電，再見。",
    "recording_notice": "本通話將全程錄音。",
    "agent_first_greeting": (
        "您好，這裡是臺中市1999市民專線。"
        "依個人資料保護法第八條告知：臺中市政府會記錄本通話，只用於處理您的陳情與諮詢。"
        "馬上為您轉接專人，請稍候。等候時，您可以先說明要反映的事情和地點。"
    ),
    "agent_first_noted": "好的，已經記下來了，專人接聽後會直接看到，請稍候。",
    "agent_first_offer": "不好意思，目前專人都在忙線中。我可以直接為您登記案件，"
                         "或是留下電話，由專人回電給您。請說「幫我登記」或「回電」。",
    "agent_first_take": "好的，由我為您登記。",
    "agent_hold": "專人正在為您查詢，請稍候，不要掛斷。",
}

_EN = {
    "busy": "All our lines are busy. Please call again later.",
    "greeting": (
        "Hello, this is Taichung City's 1999 citizen hotline assistant. "
        "Under article 8 of the Personal Data Protection Act: the city government records this "
        "call only to handle your request. You can ask for a person at any time. "
        "How can I help you?"
    ),
    "greeting_en_hint": "",
    "keypad_hint": "Press zero at any time for a person.",
    "keypad_hint_en": "",
    "callback_use_caller_number": "Shall we call you back on the number you are calling from, "
                                  "ending in {last}?",
    "ask_problem": "What would you like to report or ask about?",
    "ask_problem_again": "Sorry, I am not sure yet. Please tell me in one sentence what happened, "
                         "for example: the streetlight is out.",
    "ask_category_choice": "I am not sure what kind of problem it is. Is it a road, a streetlight, "
                           "a traffic light, parking, noise, rubbish, an animal, a drain, a tree, "
                           "a park, a bus, an illegal building, or something else?",
    "ask_location": "Where is it? Please tell me the district and the road, "
                    "or the nearest crossing.",
    "ask_location_again": "To send someone, I need the place. Please tell me the road name, "
                          "a crossing, or a landmark nearby.",
    "ask_road": "Which road in {district} is it, or what landmark is nearby?",
    "ask_district": "Which district of Taichung is it in?",
    "ask_district_again": "To send it to the right office I need the district, for example "
                          "Xitun District or Beitun District.",
    "ask_district_choices": "Sorry, I did not catch the district. Was it {choices}?",
    "ask_bus_details": "Which bus route was it, at which stop, and about what time?",
    "readback": "Let me check: {category} at {place}{extra}.",
    "readback_lamp": "If you can see the number on the lamp post, you can tell me.",
    "confirm": "Is that correct?",
    "ask_correction": "All right. What should I correct?",
    "filed": "I have filed your case. The case number is {number}. It goes to the {department}, "
             "and a staff member will review it.",
    "anything_else": "Is there anything else I can help with?",
    "goodbye": "Thank you for calling. Goodbye.",
    "still_there": "Are you still there?",
    "goodbye_silent": "We cannot hear you, so we will end the call now. Anything recorded is "
                      "kept. Goodbye.",
    "goodbye_long": "This call has reached its time limit. Thank you for calling. Goodbye.",
    "kb_answer": "{answer}",
    "kb_more": "Do you have any other questions?",
    "offer_human_other": "All right. A member of staff is better placed to look into this. "
                         "Shall I put you through to a person?",
    "not_in_kb": "I don't have reliable information on that, and I don't want to guess. "
                 "Shall I connect you to a person?",
    "out_of_scope": "That is outside what the 1999 hotline handles. "
                    "Shall I connect you to a person?",
    "handoff": "All right, I am connecting you to a person. Please hold. "
               "I will pass on what you told me, so you won't need to repeat it.",
    "handoff_sensitive": "A staff member needs to handle this. I am connecting you now, "
                         "please hold.",
    "handoff_failure": "Sorry I could not help. I am connecting you to a person, please hold.",
    "handoff_low_confidence": "Sorry, I could not hear you clearly. I am connecting you to a "
                              "person, please hold.",
    "no_problem": "All right.",
    "repeat": "Sorry, I didn't catch that. Could you say it again?",
    "emergency": "{why}Please hang up now and call {number} for {service}.",
    "emergency_also": "You can also call {number}, {service}.",
    "emergency_repeat": "This is urgent. Please call {number} right away.",
    "danger_check": "That could be dangerous. If anyone is in danger now, please hang up and "
                    "call {number} for {service} right away.",
    "danger_question": "Is anyone in danger right now?",
    "go_on": "All right, let's go on.",
    "fallback": "Sorry, something went wrong on my side. Please say that again, "
                "or ask for a person.",
    "hold": "I am connecting you to a person, please hold. The expected wait is about "
            "{minutes} minutes.",
    "hold_next": "I am connecting you to a person. You are next in line, please hold.",
    "callback_offer": "Sorry, all our staff are busy. Shall I file your case so that a staff "
                      "member calls you back?",
    "callback_offer_agent_lost": "Sorry, the line to our staff member dropped. Shall I file "
                                 "your case so that a staff member calls you back?",
    "callback_ask_phone": "All right. What number can we call you back on?",
    "callback_filed": "Done. Your case number is {number}. A staff member will call you back "
                      "on {phone} as soon as possible. Thank you for calling. Goodbye.",
    "callback_no_phone": "Without a phone number we cannot call you back. Please call 1999 "
                         "again later. Thank you for calling. Goodbye.",
    "recording_notice": "This call is recorded.",
    "agent_first_greeting": (
        "Hello, this is Taichung City's 1999 citizen hotline. Under article 8 of the Personal "
        "Data Protection Act: the city government records this call only to handle your "
        "request. A staff member will be with you shortly; while you wait, you can tell me what "
        "you are calling about and where."
    ),
    "agent_first_noted": "Thank you, I have noted that. The staff member will see it when they "
                         "answer. Please hold.",
    "agent_first_offer": "Sorry, all our staff are busy. I can file your report myself now, or "
                         "a staff member can call you back. Say \"file it\" or \"call me "
                         "back\".",
    "agent_first_take": "All right, I will file it for you.",
    "agent_hold": "The staff member is looking into it. Please hold, and stay on the line.",
}

_EMERGENCY_WHY = {
    "zh": {
        "fire": "有火災或濃煙，要馬上由消防隊處理。",
        "gas": "瓦斯外洩很危險，請不要開關電器或點火，先到室外。",
        "medical": "有人受傷或身體不適，需要救護車。",
        "crime": "這是正在發生的危險，需要警察馬上處理。",
        "violence": "您現在有危險，需要警察馬上保護您。",
        "child_abuse": "孩子可能正受到傷害，需要保護專線立刻處理。",
        "suicide": "聽起來您現在很辛苦，有專業的人可以陪您談。",
        "suicide_attempt": "這有生命危險，需要救護車馬上過去。",
        "trapped": "有人受困或落水，需要消防隊馬上救援。",
        "fall": "有人可能會摔落，需要消防隊馬上救援。",
        "intruder": "有可疑的人可能正要闖入，需要警察馬上處理。",
        "unseen": "屋裡的人可能出事了，需要救護人員和警察去察看。",
        "child_danger": "有人可能正被傷害或被帶走，需要警察馬上處理。",
        "co": "可能是一氧化碳中毒，請馬上打開窗戶、關掉熱水器，大家先到室外。",
        "followed": "有人在跟著您，需要警察馬上保護您；請往有人的地方走，例如便利商店。",
        "pedestrian": "有人在車道上，隨時可能被撞，需要警察馬上處理。",
        "wrong_way": "有車子在快速道路上逆向行駛，隨時可能出事，需要警察馬上攔下。",
        "drunk_driver": "有駕駛可能酒後開車，隨時可能撞到人，需要警察馬上攔下。",
        "electric": "掉落的電線可能有電，碰到會觸電，請大家遠離，需要消防隊馬上處理。",
        "water_edge": "小孩獨自在水邊，隨時可能落水，需要消防隊馬上過去；請先把孩子帶離水邊。",
        "possible": "有人現在有危險，需要消防救護或警察馬上處理。",
    },
    "en": {
        "fire": "A fire or heavy smoke needs the fire brigade right away. ",
        "gas": "A gas leak is dangerous: do not touch switches or flames, and go outside. ",
        "medical": "Someone is hurt or unwell and needs an ambulance. ",
        "crime": "This is happening now and needs the police at once. ",
        "violence": "You are in danger and the police can protect you now. ",
        "child_abuse": "A child may be being harmed; the protection hotline acts at once. ",
        "suicide": "It sounds like things are very hard right now; trained people can talk "
                   "with you. ",
        "suicide_attempt": "This is life-threatening and needs an ambulance now. ",
        "trapped": "Someone trapped or in the water needs the fire brigade now. ",
        "fall": "Someone may fall; the fire brigade needs to come now. ",
        "intruder": "Someone may be breaking in; the police need to come at once. ",
        "unseen": "The person inside may be in trouble; paramedics and police can check. ",
        "child_danger": "Someone may be being hurt or taken away; the police need to act now. ",
        "co": "This may be carbon monoxide poisoning: open the windows, turn off the water "
              "heater and get everyone outside. ",
        "followed": "Someone is following you; the police can protect you now. Go where there "
                    "are people, such as a convenience store. ",
        "pedestrian": "Someone on foot in the traffic lanes may be hit at any moment; the police "
                      "need to come now. ",
        "wrong_way": "A car driving the wrong way on a fast road may hit someone at any moment; "
                     "the police need to stop it now. ",
        "drunk_driver": "A driver who may be drunk can hit someone at any moment; the police need "
                        "to stop the car now. ",
        "electric": "A fallen wire may be live and can electrocute anyone who touches it: keep "
                    "everyone away; the fire brigade needs to come now. ",
        "water_edge": "A young child alone at the water may fall in at any moment; the fire "
                      "brigade needs to come now. Please bring the child away from the edge. ",
        "possible": "Someone is in danger now and needs the fire brigade, paramedics or the "
                    "police at once. ",
    },
}


def table(lang: str) -> dict[str, str]:
    """Every phrase of one language, by key."""
    return dict(_EN if lang == "en" else _ZH)


def busy_lines() -> list[tuple[str, str]]:
    """What a caller hears when every line is taken: both languages, (text, lang)."""
    return [(_ZH["busy"], "zh"), (_EN["busy"], "en")]


def say(lang: str, key: str, **values: str) -> str:
    table = _EN if lang == "en" else _ZH
    return table[key].format(**values)


def category_name(code: str, lang: str) -> str:
    category = CATEGORIES[code]
    return category.en if lang == "en" else category.zh


def department_name(code: str, lang: str) -> str:
    zh, en = DEPARTMENTS[code]
    return en if lang == "en" else zh


def danger_check_text(lang: str, number: str, also: str | None) -> list[str]:
    """Signs of danger: the number at once, then the question whether it is now."""
    service_zh, service_en = EMERGENCY_NUMBERS[number]
    sentences = [say(lang, "danger_check", number=number,
                     service=service_en if lang == "en" else service_zh)]
    if also:
        also_zh, also_en = EMERGENCY_NUMBERS[also]
        sentences.append(say(lang, "emergency_also", number=also,
                             service=also_en if lang == "en" else also_zh))
    return [*sentences, say(lang, "danger_question")]


def emergency_text(lang: str, kind: str, number: str, also: str | None) -> str:
    service_zh, service_en = EMERGENCY_NUMBERS[number]
    why = _EMERGENCY_WHY["en" if lang == "en" else "zh"][kind]
    text = say(lang, "emergency", why=why, number=number,
               service=service_en if lang == "en" else service_zh)
    if also:
        also_zh, also_en = EMERGENCY_NUMBERS[also]
        text += (" " if lang == "en" else "") + say(lang, "emergency_also", number=also,
                    service=also_en if lang == "en" else also_zh)
    return text

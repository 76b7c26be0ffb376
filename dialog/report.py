"""A report being filled: what each turn adds to it, what to ask next, and how it is read back.

Functions of the call's state (the dialog manager decides when each is called).
"""

from __future__ import annotations

import re

from dialog import phrases
from dialog.domain import district_en
from dialog.places_zh import MandarinPlaces
from dialog.rules.categories import best_category
from dialog.rules.details import (
    find_lamp_number,
    find_phone,
    find_route,
    find_stop,
    find_time,
    without_routes,
)
from dialog.rules.places import find_place
from dialog.state import CallState
from dialog.text import spoken_numbers_to_digits


def take_slots(st: CallState, text: str, correcting: bool = False) -> bool:
    """Merge what this turn says into the slots; newer values replace older ones."""
    before = (dict(st.slots), st.category)
    category, _conf, score = best_category(text)
    if st.category and category and category != st.category and score >= 3 and (
            correcting or st.category_score < 3):
        st.category, st.category_score = category, score
    # a bus's route said as 三百路 is the bus, not a road (Taichung has no road of numerals)
    place = find_place(without_routes(text) if st.category == "bus" else text)
    if place.district:
        st.slots["district"] = place.district
        st.slots.pop("district_heard", None)
        st.slots.pop("district_inferred", None)
    elif place.district_heard:  # a district that is none of ours: asked again, not dropped
        st.slots["district_heard"] = place.district_heard
    known = st.slots.get("address") or ""
    if place.address and not (known.startswith(place.address) and known != place.address):
        # (崇德路二段 after 崇德路二段150號 says the same place, less exactly: kept)
        if not place.landmark and place.address != known:  # a landmark goes with the address it
            # was said with (the same road said again, 對，是南村路, keeps it)
            st.slots.pop("landmark", None)
        # (門牌我不確定: the number goes with the section put right)
        keep = correcting and not re.search(r"門牌|號碼|幾號|\bnumber\b", text)
        kept = _number_kept(text, known)
        if kept is not None:  # (one said with the new road stands)
            has_number = re.search(r"\d+[巷弄號]", place.address)
            st.slots["address"] = place.address if has_number else place.address + kept
        else:
            st.slots["address"] = _with_known_tail(place.address, known) if keep else place.address
    elif place.number and st.slots.get("address"):  # only the number was corrected
        address = st.slots["address"]
        if not re.search(r"[\u4e00-\u9fff]", address):  # said in English: "No. 15, Lane 88, …"
            if place.number.endswith("號"):
                number = place.number.removesuffix("號")
                st.slots["address"] = f"No. {number}, " + re.sub(r"^No\. \d+, ", "", address)
            elif place.number.endswith("巷"):  # "near Lane 150": after the number, before the road
                lane = place.number.removesuffix("巷")
                house = re.match(r"^No\. \d+, ", address)
                rest = re.sub(r"^(No\. \d+, )?(Lane \d+, )?", "", address)
                st.slots["address"] = (house.group(0) if house else "") + f"Lane {lane}, " + rest
        else:
            tail = r"(\d+巷)?(\d+弄)?\d+號$" if place.number.endswith("號") else r"\d+巷.*$"
            st.slots["address"] = re.sub(tail, "", address) + place.number
    if place.landmark:
        st.slots["landmark"] = place.landmark
        if not st.slots.get("district") and not st.slots.get("district_heard"):
            # a landmark only one district has says the district (臺中市政府: 西屯區); the
            # read-back says it, and the caller can put it right
            where = MandarinPlaces.default().landmark_district(place.landmark)
            if where:
                st.slots["district"], st.slots["district_inferred"] = where, "1"
    if st.category == "streetlight":
        lamp = find_lamp_number(text, asked=st.pending in ("confirm", "lamp"))
        if lamp:
            st.slots["lamp_number"] = lamp
    if st.category == "bus":
        route, when = find_route(text, bus_context=True), find_time(text)
        if route:
            st.slots["route"] = route
        stop = find_stop(text)
        if stop and not place.landmark:
            st.slots["landmark"] = stop
        if when:
            st.slots["time"] = when
    phone = find_phone(text)
    if phone:
        st.slots["phone"] = phone
    return (st.slots, st.category) != before


# The road put right and its number kept: 號碼一樣, 門牌沒變, 門牌號碼不變.
_NUMBER_KEPT = re.compile(r"(號碼|門牌)(號碼)?(都|也|還是|是)?(一樣|相同|不變|沒變|沒有變|照舊)")


def _number_kept(text: str, known: str) -> str | None:
    """The lane and number said before, where the road is put right with them said to stay, or
    said again (是進化北路，不是進化路，號碼一樣是五百一十號); else None."""
    old = re.search(r"(\d+[巷弄號].*)$", known)
    if not old:
        return None
    if _NUMBER_KEPT.search(text):
        return old.group(1)
    digits = spoken_numbers_to_digits(text)
    said = [m for m in re.finditer(r"(?<!\d)(?:\d+巷)?(?:\d+弄)?\d+號", digits)
            if not re.search(r"(不是|不在|沒有)$", digits[max(0, m.start() - 3):m.start()])]
    return old.group(1) if said and said[-1].group(0) == old.group(1) else None


def _with_known_tail(address: str, known: str) -> str:
    """A section put right alone (是西屯路二段，不是三段) keeps the lane and number said before."""
    new = re.fullmatch(r"(.+?[路街道])([一二三四五六七八九十]段)", address)
    old = re.fullmatch(r"(.+?[路街道])([一二三四五六七八九十]段)?(\d+[巷弄號].*)", known)
    if new and old and new.group(1) == old.group(1) and new.group(2) != old.group(2):
        return address + old.group(3)
    return address


def next_question(st: CallState) -> str | None:
    """What the report still needs, or None when it can be read back."""
    has_place = bool(st.slots.get("address")) or bool(
        st.slots.get("district") and st.slots.get("landmark")) or bool(
        st.category == "bus" and st.slots.get("landmark"))  # a bus's place is its stop
    if st.category == "bus" and not st.slots.get("bus_details_unknown") and not (
            st.slots.get("route") and st.slots.get("time") and has_place):
        return "bus_details"  # route, stop and time, in one question
    if not has_place:
        return "road" if st.slots.get("district") else "location"
    if not st.slots.get("district") and st.category != "bus" and not st.slots.get(
            "district_unknown"):  # a bus: its route and stop
        # The read-back says the district: taken from a road that only one district has
        # (the caller hears it and confirms), else asked of Mandarin callers (a visitor
        # speaking English seldom knows it: the roads go to the staff who review the case).
        only = MandarinPlaces.default().district_of(st.slots.get("address") or "")
        if only is not None and not st.slots.get("district_heard"):
            st.slots["district"], st.slots["district_inferred"] = only, "1"
        elif st.lang != "en" or st.slots.get("district_heard"):
            return "district"
    return None


def question_text(st: CallState, question: str) -> str:
    if question == "road":
        district = st.slots.get("district", "")
        if st.lang == "en":
            district = district_en(district)
        return phrases.say(st.lang, "ask_road", district=district)
    if question == "district":
        heard = st.slots.get("district_heard")
        choices = MandarinPlaces.default().nearest_districts(heard) if heard else []
        if choices:
            names = [district_en(c) for c in choices] if st.lang == "en" else choices
            joiner = " or " if st.lang == "en" else "，還是"
            return phrases.say(st.lang, "ask_district_choices", heard=heard or "",
                               choices=joiner.join(names))
    return phrases.say(st.lang, question_key(question))


def read_back(st: CallState) -> list[str]:
    """The report said back to the caller: place, category, details, and the question."""
    assert st.category is not None
    place = place_text(st)
    extra = ""
    if st.slots.get("lamp_number"):
        extra = (f", lamp post {st.slots['lamp_number']}" if st.lang == "en"
                 else f"，燈桿編號{st.slots['lamp_number']}")
    if st.slots.get("route"):
        extra += (f", route {st.slots['route']}" if st.lang == "en"
                  else f"，{st.slots['route']}路公車")
    if st.slots.get("time"):
        extra += f", {st.slots['time']}" if st.lang == "en" else f"，時間{st.slots['time']}"
    sentences = [phrases.say(st.lang, "readback", place=place,
                             category=phrases.category_name(st.category, st.lang),
                             extra=extra)]
    if st.category == "streetlight" and not st.slots.get("lamp_number"):
        sentences.append(phrases.say(st.lang, "readback_lamp"))
    sentences.append(phrases.say(st.lang, "confirm"))
    return sentences


def place_text(st: CallState) -> str:
    """The place as it is read back: district, address, landmark."""
    s = st.slots
    if st.lang == "en":
        district = district_en(s["district"]) if s.get("district") else ""
        bits = [s.get("address") or "", s.get("landmark") or "", district]
        return ", ".join(b for b in bits if b)
    place = (s.get("district") or "") + (s.get("address") or "")
    if s.get("landmark") and s["landmark"] not in place:
        place += ("附近的" if place else "") + s["landmark"]
    return place


def question_key(question: str) -> str:
    return {"location": "ask_location", "road": "ask_road", "bus_details": "ask_bus_details",
            "problem": "ask_problem", "district": "ask_district"}.get(question, question)

"""Taichung place names in English transcripts, corrected by how they sound: ``names`` (the
corrector), ``espeak`` (English phrases as IPA), ``phones`` (phones and their distance)."""

from voice.place_names.espeak import Espeak
from voice.place_names.names import PlaceNames
from voice.place_names.phones import Sounds, ipa_phones, phone_distance, pinyin_phones

__all__ = ["Espeak", "PlaceNames", "Sounds", "ipa_phones", "phone_distance", "pinyin_phones"]

"""Checks on an SDP offer (a caller's or an agent's) before any negotiation starts.

An offer that cannot become a working audio call is refused with 400 at once, so it never
holds a line: it must parse, carry exactly one audio m-line that sends audio, a DTLS
fingerprint, ICE credentials, a codec we speak, and a bounded number of candidates.
"""

from __future__ import annotations

import re

from aiortc.sdp import SessionDescription

MAX_SDP_BYTES = 64 * 1024
MAX_CANDIDATES = 20
CODECS = ("opus", "pcmu", "pcma", "g722")  # what aiortc can decode
FINGERPRINTS = ("sha-256", "sha-384", "sha-512")  # what aiortc's DTLS can check
_HEX_PAIRS = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){19,63}")


class BadOffer(ValueError):
    """The offer cannot become a call; the message says why (shown to the client)."""


def check_offer(sdp: str) -> None:
    """Raise ``BadOffer`` unless ``sdp`` is an offer we can answer with a two-way audio call."""
    if len(sdp.encode("utf-8", "replace")) > MAX_SDP_BYTES:
        raise BadOffer(f"offer too large (at most {MAX_SDP_BYTES} bytes)")
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser asserts or raises on many malformed lines
        raise BadOffer(f"unreadable SDP ({type(exc).__name__})") from exc
    if len(parsed.media) != 1 or parsed.media[0].kind != "audio":
        raise BadOffer("the offer must have exactly one audio m-line and nothing else")
    media = parsed.media[0]
    if media.direction not in (None, "sendrecv", "sendonly"):
        raise BadOffer("the offer sends no audio (a microphone track is needed)")
    if media.dtls is None or not any(
            f.algorithm.lower() in FINGERPRINTS and _HEX_PAIRS.fullmatch(f.value)
            for f in media.dtls.fingerprints):
        raise BadOffer("the offer has no usable DTLS fingerprint (sha-256/384/512)")
    if media.ice is None or not media.ice.usernameFragment or not media.ice.password:
        raise BadOffer("the offer has no ICE credentials")
    names = {codec.mimeType.split("/")[-1].lower() for codec in media.rtp.codecs}
    if not names.intersection(CODECS):
        raise BadOffer("no audio codec in common (Opus, PCMU, PCMA or G.722)")
    if len(media.ice_candidates) > MAX_CANDIDATES:
        raise BadOffer(f"too many ICE candidates (at most {MAX_CANDIDATES})")

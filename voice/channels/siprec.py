"""SIPREC (RFC 7866) as a recording server: what a recording INVITE carries.

A PBX or SBC (the recording client) sends an INVITE with ``Require: siprec`` (or
``+sip.src`` in Contact) and a ``multipart/mixed`` body: an SDP offer with one ``sendonly``
audio stream per side of the call (each with ``a=label``), and the recording metadata
(``application/rs-metadata+xml``, RFC 7865): the participants (``nameID aor``) and which
stream each one sends. We answer ``recvonly`` and only listen.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.parsers import expat

MAX_METADATA = 32 * 1024  # bytes of XML: a call's metadata is a few hundred
MAX_BODY = 64 * 1024  # a recording INVITE's whole body: SDP and metadata
METADATA_TYPE = "application/rs-metadata+xml"
NS = "{urn:ietf:params:xml:ns:recording:1}"


@dataclass(frozen=True)
class Participant:
    participant_id: str
    aor: str
    name: str = ""

    @property
    def user(self) -> str:
        """The address's user part: ``alice`` of ``sip:alice@pbx``, the number of a ``tel:``."""
        m = re.match(r"^(?:sips?:|tel:)?([^@;>]+)", self.aor.strip("<>"))
        return m.group(1) if m else ""


@dataclass(frozen=True)
class RecordingMetadata:
    participants: dict[str, Participant] = field(default_factory=dict)
    sender_of: dict[str, str] = field(default_factory=dict)  # stream label → participant id

    def sender(self, label: str) -> Participant | None:
        pid = self.sender_of.get(label)
        return self.participants.get(pid) if pid else None


def is_recording(require: str | None, content_type: str | None) -> bool:
    """An INVITE that opens a recording session (RFC 7866 §6.1.1)."""
    return "siprec" in (require or "").lower() or \
        (content_type or "").lower().startswith("multipart/mixed")


def split_body(content_type: str, body: bytes) -> tuple[str, bytes]:
    """The SDP offer (text) and the metadata (XML bytes) of a multipart body; ValueError
    says what is missing or malformed."""
    if not content_type.lower().startswith("multipart/mixed") or "boundary" not in \
            content_type.lower():
        raise ValueError("a recording INVITE carries multipart/mixed with a boundary")
    if len(body) > MAX_BODY:
        raise ValueError("a body larger than any recording's")
    try:
        message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" +
            body)
        parts = [p for p in message.walk()] if message.is_multipart() else []
    except (RecursionError, LookupError, ValueError) as exc:  # nested without end, bad charset
        raise ValueError(f"an unreadable multipart body ({type(exc).__name__})") from exc
    if not parts:
        raise ValueError("the body has no parts")
    sdp: str | None = None
    metadata: bytes | None = None
    for part in parts:
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        if kind == "application/sdp" and sdp is None:
            sdp = payload.decode("utf-8", "replace")
        elif kind == METADATA_TYPE and metadata is None:
            metadata = payload
    if sdp is None or metadata is None:
        raise ValueError("an SDP part and a recording metadata part are needed")
    return sdp, metadata


def parse_metadata(xml: bytes) -> RecordingMetadata:
    """The participants and who sends which stream; ValueError when it is no metadata."""
    if len(xml) > MAX_METADATA:
        raise ValueError("metadata larger than any call's")
    _refuse_dtd(xml)
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise ValueError(f"metadata is not XML: {exc}") from exc
    if root.tag != f"{NS}recording":
        raise ValueError("not RFC 7865 recording metadata")
    participants: dict[str, Participant] = {}
    for p in root.iter(f"{NS}participant"):
        pid = p.get("participant_id") or p.get("id") or ""
        name_id = p.find(f"{NS}nameID")
        aor = name_id.get("aor", "") if name_id is not None else ""
        name = (name_id.findtext(f"{NS}name") or "") if name_id is not None else ""
        if pid:
            participants[pid] = Participant(pid, aor, name.strip())
    labels: dict[str, str] = {}  # stream id → label
    for s in root.iter(f"{NS}stream"):
        sid = s.get("stream_id") or ""
        label = (s.findtext(f"{NS}label") or "").strip()
        if sid and label:
            labels[sid] = label
    sender_of: dict[str, str] = {}
    for assoc in root.iter(f"{NS}participantstreamassoc"):
        pid = assoc.get("participant_id") or ""
        for send in assoc.findall(f"{NS}send"):
            sent = labels.get((send.text or "").strip())
            if sent and pid in participants:
                sender_of[sent] = pid
    return RecordingMetadata(participants, sender_of)


def _refuse_dtd(xml: bytes) -> None:
    """A DTD in metadata (whatever the encoding) is refused before anything is expanded: no
    entity tricks. The XML parser itself reads the declaration, so UTF-16 hides nothing."""
    scan = expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise ValueError("metadata with a DTD")

    scan.StartDoctypeDeclHandler = refuse
    scan.EntityDeclHandler = refuse
    try:
        scan.Parse(xml, True)
    except expat.ExpatError as exc:
        raise ValueError(f"metadata is not XML: {exc}") from exc

"""Calls: one call core for every channel (``call``), the attendant who keeps a waiting caller
company (``attendant``), an agent's line (``agent_line``), and the service that holds them all
and the queue (``service``)."""

from hotline.calls.call import Call, CallConflict
from hotline.calls.policy import CallPolicy
from hotline.calls.service import CallService
from voice.channels.sdp_offer import MAX_SDP_BYTES, BadOffer

__all__ = ["MAX_SDP_BYTES", "BadOffer", "Call", "CallConflict", "CallPolicy", "CallService"]

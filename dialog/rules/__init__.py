"""Deterministic understanding, by pattern: ``categories`` (which of the 12), ``places``
(districts, roads, crossings, landmarks), ``details`` (lamp-post numbers, times, bus routes,
phone numbers) and ``intents`` (a person, yes/no, done, a question).

Fast (well under a millisecond a turn) and predictable; the LLM (``dialog/nlu_llm.py``) is
asked only where these rules find nothing.
"""

"""What ``hotline bench`` measures: ``speech`` (scripted calls through the live call path, and
the serial baseline), ``asr`` (Mandarin recognition and place names), ``voice`` (each voice's
round-trip intelligibility) and ``soak`` (a running service under hours of calls). Text-mode
scenarios (``bench dialog``) are run by ``hotline/simulate.py``."""

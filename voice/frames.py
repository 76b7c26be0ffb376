"""The pipeline's audio format.

Audio inside the pipeline is always 16 kHz mono signed 16-bit (converted once, at the edge).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 320

Pcm = npt.NDArray[np.int16]

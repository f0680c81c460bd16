"""The array type every part of the engine uses."""

import numpy as np
import numpy.typing as npt

type FloatArray = npt.NDArray[np.float64]
"""Samples in float64; a name's unit suffix says what they measure."""

"""engine/detection: the stance detector, the daily check and the pad state."""

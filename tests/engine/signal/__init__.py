"""engine/signal: COP, resampling, filtering, spectra and the sway measures."""

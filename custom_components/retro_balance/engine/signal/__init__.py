"""From four corner loads to sway measures: COP, resampling, filtering, spectra, measures."""

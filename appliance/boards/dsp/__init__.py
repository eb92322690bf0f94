"""Signal processing on 8 kHz line audio, in pure Python: tones, levels, DTMF."""

"""Caller ID on analog lines: the messages, FSK (Bell 202, ETSI V.23) and DTMF signalling.

`receiver.CallerIdReceiver` finds a caller ID in received 8 kHz audio (FXO);
`sender.caller_id_audio` makes the audio that shows one on a phone (FXS).
"""

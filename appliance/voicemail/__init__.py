"""Voicemail (issue 4): mailboxes and their messages, PINs, e-mail notification.

`pin.py` hashes PINs, `boxes.py` keeps boxes and messages in the store (and counts
new and old messages, the message-waiting state), `mail.py` composes and sends the
notification with the recording attached.  Leaving a message and listening by phone
are the engine's (`appliance/engine/voicemail.py`, `voicemail_listen.py`); the
listening menu itself is pure (`appliance/callflow/voicemail_listen.py`).
"""

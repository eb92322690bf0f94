"""The call-flow domain: IVR interpreter, queues and ACD, CDR derivation.

Pure Python: no pjsua2, Flask or peewee imports, so it is unit-tested in milliseconds.
The engine feeds it what happened (a prompt ended, a digit, an agent answered) and
carries out what it answers (play this, queue there, ring that agent, hang up).
"""

"""The pjsua2 engine: reactor, call legs, bridges, media, control socket.

Only `appliance.engine.reactor` and the modules it imports load pjsua2; the
control protocol (`appliance.engine.control`) is plain sockets, so the web,
scheduler and tests use it without the media library.
"""

"""Live incidents, pure: payloads, routing, signatures, the timeline model, metrics, the draft.

No Django here; the server app ``postmortems.server.incidents`` stores and serves it.
"""

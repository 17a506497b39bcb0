"""The briefing archive: every kept briefing and the commitments ledger as a static website (`briefer site`).

It reads the history store (`briefer.memory`) and renders the briefings with the output templates
(`briefer.output`), so a user's template override applies; `briefer run` updates it after a kept run.
"""

"""The day as one story: sameness of statements, figures, themes, the overview, the day's commitments and the
model's day-level judging; `stage` runs it and builds the Briefing."""

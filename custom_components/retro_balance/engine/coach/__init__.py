"""The retro-walking coach: programme, activity log, adherence, progression, reminders, calendar.

Pure Python, no Home Assistant imports: the integration stores a `state.CoachState` per person,
feeds it the fall-risk level and the trends' decline flag, and turns the results (reason codes,
message keys, UTC instants) into entities and events. `docs/coach.md` explains the rules.
"""

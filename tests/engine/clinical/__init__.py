"""engine/clinical: norms, scores, fall risk, people and the session record."""

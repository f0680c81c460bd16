"""What the results mean: norms, scores, fall risk, the people and their stored sessions."""

"""The QA area (质检): scorecards, scoring recorded calls while listening, scores and averages."""

"""Quality assurance (质检): scorecards, the score of an evaluated call, recording retention."""

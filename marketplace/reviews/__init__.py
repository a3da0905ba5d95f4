"""Reviews: the moderation detectors a review's words are checked with before publication."""

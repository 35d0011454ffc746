"""稿件校对: drafts checked before publishing, and each unit's allow-list of dismissed words."""

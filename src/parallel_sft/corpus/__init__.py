"""Building, exporting and publishing a verified parallel corpus (`psft corpus ...`)."""

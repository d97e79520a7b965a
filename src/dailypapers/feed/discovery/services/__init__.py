"""What the reading pages compute, for the views and the API alike."""

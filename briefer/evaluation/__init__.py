"""`briefer eval`: labelled sets, extraction runs side by side, and the scoring of what a reader sees."""

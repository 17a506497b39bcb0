"""One article to an ArticleBrief: prompts, chunking, the model extractor, the choice of extractor, streaming many articles, the cost plan and the Batch API."""

"""One article to an ArticleBrief with a model: prompts, chunking and validation (`extract`), the choice of
extractor (`extractors`), many articles at once (`stream`), the cost plan and the Batch API."""

"""The one place that talks to a model: the OpenAI-compatible client with structured output and bounded,
selective retries (`client`, `formats`, `failures`), the concurrency limiter, token counts and prices."""

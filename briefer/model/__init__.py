"""The one place that talks to a model: the OpenAI-compatible client with structured output and retries (`client`), the concurrency limiter, token counts and prices."""

"""Model prices and the cost arithmetic. Prices are US dollars per million tokens."""

from __future__ import annotations

from collections.abc import Mapping

from briefer.sections import Price

PRICES_AS_OF = "2025-08-07"
BATCH_DISCOUNT = 0.5  # the Batch API bills half the price


# Published list prices, standard tier, as of PRICES_AS_OF. Override or extend with [prices] in the configuration.
BUILT_IN: dict[str, Price] = {
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "o3": Price(input=2.00, cached_input=0.50, output=8.00),
    "o4-mini": Price(input=1.10, cached_input=0.275, output=4.40),
    "o3-mini": Price(input=1.10, cached_input=0.55, output=4.40),
}


def price_for(model: str, overrides: Mapping[str, Price] | None = None, official: bool = True) -> Price | None:
    """The price of `model`: the configuration's first, then the built-in table, which holds OpenAI's list
    prices and so applies only to OpenAI's own endpoint (`official`); a local server running a model of the
    same name is not billed at them. Dated snapshots ("gpt-4o-mini-2024-07-18") fall back to their family.
    None when unknown."""
    table = {**(BUILT_IN if official else {}), **(overrides or {})}
    if model in table:
        return table[model]
    family = max((name for name in table if model.startswith(name + "-")), key=len, default=None)
    return table[family] if family else None


def cost(price: Price | None, prompt: int, cached: int, completion: int, batch: bool = False) -> float | None:
    """Dollars for the tokens, or None when the price is unknown."""
    if price is None:
        return None
    cached_rate = price.input if price.cached_input is None else price.cached_input
    dollars = ((prompt - cached) * price.input + cached * cached_rate + completion * price.output) / 1_000_000
    return dollars * (BATCH_DISCOUNT if batch else 1.0)

"""Dataset cards: one Markdown template (``template.md``) filled from a build's counters.

``write_card(out_dir, CardInfo(...))`` writes the corpus's README.md (YAML metadata the Hub
reads, plus the funnel, provenance and limitations) and its yield.png.
"""

from .render import (
    CardInfo,
    hub_configs,
    hub_source_id,
    license_for_source,
    render_card,
    size_category,
    write_card,
    write_yield_plot,
)

__all__ = [
    "CardInfo",
    "hub_configs",
    "hub_source_id",
    "license_for_source",
    "render_card",
    "size_category",
    "write_card",
    "write_yield_plot",
]

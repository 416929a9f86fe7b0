"""Publishing: safe HTML, the timeline diagram, whole pages and the static site.

The team server reuses these functions and :data:`CSS`, so its pages look like the site's.
"""

from postmortems.render.body import render_body
from postmortems.render.card import executive_card
from postmortems.render.diagram import standalone_svg, timeline_diagram, timeline_svg
from postmortems.render.page import render_page
from postmortems.render.theme import CSS

__all__ = [
    "CSS",
    "executive_card",
    "render_body",
    "render_page",
    "standalone_svg",
    "timeline_diagram",
    "timeline_svg",
]

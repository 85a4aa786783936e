"""The HTML report (`revcheck report`): a static site from Jinja2 templates shipped with the
package (`templates/`), the stage graph drawn as inline SVG (`stagegraph`)."""

from checker.report.html.site import Site, build_site

__all__ = ["Site", "build_site"]

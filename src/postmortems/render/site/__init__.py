"""The static site: ``build_site(source, out)`` turns a folder of postmortems into pages."""

from postmortems.render.site.builder import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]

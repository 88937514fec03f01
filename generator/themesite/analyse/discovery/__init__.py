"""Themes the taxonomy does not name, found by clustering the statements it leaves
unexplained: `stage.discover_themes` runs the steps in order."""

from themesite.analyse.discovery.stage import MAX_FEATURES, DiscoverSettings, discover_themes
from themesite.analyse.discovery.title import DiscoveredTheme

__all__ = ["MAX_FEATURES", "DiscoverSettings", "DiscoveredTheme", "discover_themes"]

"""Pictures and pages: `plot_model` diagrams, training and activation plots, the HTML report."""

from zoo.viz import diagrams, plots, report

__all__ = ["diagrams", "plots", "report"]

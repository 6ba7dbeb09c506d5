"""pathgrad's views of the graph: diagrams, network figures, the step-through and its live widget.

>>> from pathgrad.engine import Value
>>> from pathgrad.viz import draw
>>> x, w = Value(2.0, "x"), Value(-3.0, "w")
>>> y = (x * w).tanh(); y.label = "y"
>>> y.backward()
>>> diagram = draw(y)            # diagram.save("y.svg"), or show it in Jupyter
>>> "n1_w" in diagram.source
True
"""

from . import step
from .diagram import Diagram, GraphvizError, GraphvizNotFoundError
from .draw import draw, draw_dot
from .explorer import explore
from .model import DisplayModel, GraphTooLargeError, build_model
from .network import draw_network
from .step import Stepper
from .units import draw_units

__all__ = [
    "draw",
    "draw_dot",
    "draw_network",
    "draw_units",
    "step",
    "Stepper",
    "explore",
    "Diagram",
    "GraphvizError",
    "GraphvizNotFoundError",
    "GraphTooLargeError",
    "DisplayModel",
    "build_model",
]

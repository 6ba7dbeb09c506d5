"""pathgrad's views of the graph: diagrams, network figures and the step-through.

>>> from engine import Value
>>> from viz import draw
>>> x, w = Value(2.0, "x"), Value(-3.0, "w")
>>> y = (x * w).tanh(); y.label = "y"
>>> y.backward()
>>> diagram = draw(y)            # diagram.save("y.svg"), or show it in Jupyter
>>> "n1_w" in diagram.source
True
"""

from viz.diagram import Diagram, GraphvizError, GraphvizNotFoundError
from viz.draw import draw, draw_dot
from viz.model import DisplayModel, GraphTooLargeError, build_model
from viz.network import draw_network
from viz.stepper import Stepper, step

__all__ = [
    "draw",
    "draw_dot",
    "draw_network",
    "step",
    "Stepper",
    "Diagram",
    "GraphvizError",
    "GraphvizNotFoundError",
    "GraphTooLargeError",
    "DisplayModel",
    "build_model",
]

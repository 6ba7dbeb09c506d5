"""pathgrad's views of the graph: diagrams, network figures and the step-through."""

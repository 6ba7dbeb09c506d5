"""pathgrad's neural networks, built from scalar ``engine.Value`` nodes."""

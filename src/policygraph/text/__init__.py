"""Reading documents: decoding, manifests, layout repair and the block model."""

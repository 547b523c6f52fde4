"""What runs beside the product: the provider simulator, the benchmarks, the demo."""

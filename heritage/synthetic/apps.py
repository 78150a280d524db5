from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """Synthetic data for benchmarks and load tests (`manage.py generate_synthetic`); no models of its own."""

    name = "heritage.synthetic"
    verbose_name = "synthetic data"

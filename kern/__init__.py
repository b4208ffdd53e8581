"""The bottom layer: what every other package shares (environment, partitions, the working-environment
resource). It imports nothing of the project; nothing here imports `pipelines/`."""

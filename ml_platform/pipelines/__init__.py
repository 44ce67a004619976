"""SageMaker pipeline definitions built offline by a small typed builder (docs/decisions.md)."""

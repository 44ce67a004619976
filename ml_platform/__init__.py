"""Multi-account Amazon SageMaker platform as code (AWS CDK, Python)."""

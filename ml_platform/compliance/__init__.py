"""Compliance: the cdk-nag packs every stage is checked against, and how findings are acknowledged.

Later issues add the platform's own SageMaker rules here, one rule per file.
"""

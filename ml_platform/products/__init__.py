"""Service Catalog products as CDK ``ProductStack``s: synthesized, snapshot-tested and
nag-checked like every other stack, launched by data scientists in their own account."""

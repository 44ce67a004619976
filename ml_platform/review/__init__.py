"""Review tooling: offline comparison of two synthesized cloud assemblies (plain Python, no CDK)."""

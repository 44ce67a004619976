"""What every platform Lambda function shares: AWS call retries and error fields, strict settings from the
environment, custom resource requests and assumed-role credentials (issue #19).

One source folder, copied into each function's asset at synth (ml_platform/lambda_asset.py), so a
function imports it as ``platform_runtime`` next to its own modules. Plain Python over botocore and pydantic
(both on the Lambda runtime or the Powertools layer): no client is created here, each function keeps its own.
"""

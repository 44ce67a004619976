"""One ``cdk.Stage`` per account role; a stage holds that account's stacks."""

#!/bin/bash
# Platform defaults of every JupyterLab and Code Editor app (issue #22, docs/studio-spaces.md).
# Runs at each app start, as the space's user, before the IDE opens; versioned in the repo.
# Idle shutdown is not here: the domain sets SageMaker's native AppLifecycleManagement (user
# profiles and spaces inherit it), which stops the app itself (no cron, no extension to install).
set -eu
PIP_INDEX_URL="__PIP_INDEX_URL__"
mkdir -p "$HOME/.config/pip"
if [ -n "$PIP_INDEX_URL" ]; then
  # The team's private index (e.g. CodeArtifact through its VPC endpoint).
  printf '[global]\nindex-url = %s\n' "$PIP_INDEX_URL" > "$HOME/.config/pip/pip.conf"
else
  # VpcOnly: no route to PyPI. Fail at once with a clear message instead of timing out.
  printf '[global]\nno-index = true\n' > "$HOME/.config/pip/pip.conf"
fi
# conda never reaches the public channels (no internet; licence terms of the default channel).
printf 'offline: true\nchannels: []\n' > "$HOME/.condarc"

#!/usr/bin/env bash
# Lints the protos (buf.yaml at the repository root) and checks them for breaking changes against the previous commit
# (or BUF_AGAINST=<git ref>); scripts/install-prereqs.sh installs buf. The google/api and google/type protos they
# import are copied from the Google.Api.CommonProtos package that `dotnet restore` brought.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/.*Include="Google.Api.CommonProtos" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
source_protos="$packages/google.api.commonprotos/$version/content/protos"
if [ ! -d "$source_protos" ]; then
  dotnet restore protos/Platform.Protos.csproj > /dev/null
fi
rm -rf .buf-deps && mkdir -p .buf-deps && cp -r "$source_protos/google" .buf-deps/

paths=(--path protos/catalog --path protos/trading --path protos/metrics --path protos/platform)
buf lint "${paths[@]}"
echo "buf lint: the protos follow buf's STANDARD rules (exceptions in buf.yaml, each with its reason)"

against="${BUF_AGAINST:-HEAD~1}"
if git rev-parse --verify -q "$against^{commit}" > /dev/null && git cat-file -e "$against:protos" 2> /dev/null; then
  previous=$(mktemp -d)
  trap 'rm -rf "$previous"' EXIT
  git archive "$against" protos | tar -x -C "$previous"
  cp buf.yaml "$previous/"
  cp -r .buf-deps "$previous/"
  (cd "$previous" && buf build "${paths[@]}" -o image.binpb)
  buf build "${paths[@]}" -o "$previous/current.binpb"
  buf breaking --exclude-imports "$previous/current.binpb" --against "$previous/image.binpb"
  echo "buf breaking: no breaking change against $against ($(git rev-parse --short "$against"))"
else
  echo "buf breaking: no earlier commit with protos to compare against"
fi

# syntax=docker/dockerfile:1
# ServiceToken Operator image: build with the .NET SDK, publish self-contained with the framework trimmed (see
# ServiceTokenOperator.csproj: ≈ 30 MB less resident memory than the shared framework), run on the chiseled
# runtime-deps image (no shell, no package manager, non-root). Its -extra variant carries tzdata, which
# spec.rotation.timeZone needs. Build from the repository root:
#   docker build -t servicetoken-operator:dev .
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/servicetoken-operator:TAG --push .

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /source

# Restore first, from the project files only, so the layer is cached until a dependency changes.
COPY --link global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY --link src/ServiceTokenOperator/ServiceTokenOperator.csproj src/ServiceTokenOperator/
COPY --link src/ServiceTokenOperator.Sandbox/ServiceTokenOperator.Sandbox.csproj src/ServiceTokenOperator.Sandbox/
RUN dotnet restore src/ServiceTokenOperator/ServiceTokenOperator.csproj -a $TARGETARCH

# The CRDs and sandbox samples are embedded resources; the Akka protos are compiled in.
COPY --link src/ src/
COPY --link protos/ protos/
COPY --link config/ config/
RUN dotnet publish src/ServiceTokenOperator/ServiceTokenOperator.csproj -c Release -a $TARGETARCH --no-restore -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
COPY --link --from=build /app .
# The chiseled image's non-root user (uid 1654); the Helm chart runs it with runAsNonRoot and a read-only root filesystem.
USER $APP_UID
ENV DOTNET_EnableDiagnostics=0
EXPOSE 8080
ENTRYPOINT ["/app/servicetoken-operator"]
CMD ["run"]

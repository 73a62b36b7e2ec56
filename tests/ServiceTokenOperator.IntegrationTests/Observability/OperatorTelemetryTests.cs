using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.World;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.IntegrationTests.Observability;

/// <summary>Metrics, events, logs and traces of the real operator against the sandbox.</summary>
public sealed class OperatorTelemetryTests(ObservedOperatorWorld world) : IClassFixture<ObservedOperatorWorld>
{
    private static readonly string[] Families =
    [
        OperatorMetrics.ReadyStatus, OperatorMetrics.NextRotation, OperatorMetrics.Expiration, OperatorMetrics.IssuedAt,
        OperatorMetrics.ReconcileDuration, OperatorMetrics.ReconcileOverhead, OperatorMetrics.ReconcileExcludingVendor, OperatorMetrics.ProviderRequests,
        OperatorMetrics.ProviderRequestDuration, OperatorMetrics.Rotations, OperatorMetrics.Revocations, OperatorMetrics.WorkQueueDepth,
    ];

    private static readonly (string Issuer, string ValueKey, string Extra)[] Vendors =
    [
        (SandboxWorld.PlanetScaleIssuer, "PLANETSCALE_SERVICE_TOKEN", """
              planetscale:
                ttl: 24h
                accesses:
                  - database: payments
                    permissions: [read_branch, connect_branch]
            """),
        (SandboxWorld.UpsunIssuer, "UPSUN_CLI_TOKEN", ""),
        (SandboxWorld.PlatformshIssuer, "PLATFORMSH_CLI_TOKEN", ""),
        (SandboxWorld.AkkaIssuer, "AKKA_TOKEN", ""),
    ];

    private static string Token(string name, string issuer, string extra = "") => TestManifests.ServiceToken(name, issuer, "  rotation:\n    gracePeriod: 0s\n" + extra);

    [Fact]
    public async Task EveryVendor_IssuedRotatedRevoked_NoTokenValueInLogsEventsStatusMetricsOrTraces()
    {
        var values = new List<string>();
        var statuses = new StringBuilder();
        foreach (var (issuer, valueKey, extra) in Vendors)
        {
            var name = "leak-" + issuer.Replace("sandbox-", "", StringComparison.Ordinal);
            await world.ApplyAsync(Token(name, issuer, extra));
            var first = await RevisionAsync(name, 1);
            values.Add(await ValueAsync(name, valueKey));

            await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
                RotatePatch("now"),
                ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            var second = await RevisionAsync(name, 2);
            Assert.NotEqual(first.Status!.TokenId, second.Status!.TokenId);
            values.Add(await ValueAsync(name, valueKey));
            // Grace period 0s: the first token is revoked on a following pass.
            var revoked = await Eventually.ValueAsync(() => GetAsync(name), t => t?.Status?.PendingRevocations is null, $"{name}'s old token to be revoked");
            statuses.AppendLine(JsonSerializer.Serialize(first)).AppendLine(JsonSerializer.Serialize(second)).AppendLine(JsonSerializer.Serialize(revoked));

            await world.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            await Eventually.ValueAsync(() => GetAsync(name), t => t is null, $"{name} to be finalized");
        }

        var metrics = await Eventually.ValueAsync(world.ScrapeAsync, m => Regex.IsMatch(m, $"^{OperatorMetrics.Revocations}\\{{[^}}]*vendor=\"akka\"", RegexOptions.Multiline), "akka revocations to be counted");
        var events = JsonSerializer.Serialize(await world.Client.CoreV1.ListEventForAllNamespacesAsync());
        var logs = string.Join('\n', world.Logs.Lines);
        var spans = string.Join('\n', world.Spans.Spans.Select(CapturedSpans.Render));

        // The captures are real: each saw this test's work, so finding no value in them means something.
        Assert.Equal(8, values.Distinct().Count());
        Assert.All(values, v => Assert.True(v.Length >= 16, "a token value"));
        Assert.Contains("Rotated", events, StringComparison.Ordinal);
        Assert.Contains("Issued", events, StringComparison.Ordinal);
        Assert.Contains("Revoked", events, StringComparison.Ordinal);
        Assert.Contains("leak-akka", logs, StringComparison.Ordinal);
        Assert.Contains("reconcile servicetoken", spans, StringComparison.Ordinal);
        Assert.Contains("akka create", spans, StringComparison.Ordinal);
        Assert.Contains("upsun revoke", spans, StringComparison.Ordinal);
        Assert.Contains("http.request.method", spans, StringComparison.Ordinal);
        Assert.Contains("CredentialValid", events, StringComparison.Ordinal);
        // Vendor spans are children of a reconcile span, and the vendor's HTTP calls children of the vendor span.
        var byId = world.Spans.Spans.ToDictionary(s => s.SpanId);
        var create = world.Spans.Spans.First(s => s.DisplayName == "planetscale create" && byId.ContainsKey(s.ParentSpanId));
        Assert.Equal("reconcile servicetoken", byId[create.ParentSpanId].DisplayName);
        Assert.Contains(world.Spans.Spans, s => s.ParentSpanId == create.SpanId && s.Source.Name == "System.Net.Http");
        foreach (var value in values)
        {
            Assert.DoesNotContain(value, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(value, events, StringComparison.Ordinal);
            Assert.DoesNotContain(value, statuses.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(value, metrics, StringComparison.Ordinal);
            Assert.DoesNotContain(value, spans, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_AfterTokensLived_ExposeEveryFamilyUnderItsExactName()
    {
        // PlanetScale with a ttl: the only vendor whose tokens expire, so every gauge has a value.
        await world.ApplyAsync(Token("metrics-1", Vendors[0].Issuer, Vendors[0].Extra));
        var ready = await RevisionAsync("metrics-1", 1);
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            RotatePatch("m1"),
            ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, "metrics-1");
        await RevisionAsync("metrics-1", 2);
        await Eventually.ValueAsync(() => GetAsync("metrics-1"), t => t?.Status?.PendingRevocations is null, "the old token to be revoked");

        var text = await Eventually.ValueAsync(world.ScrapeAsync, m => Families.All(f => Regex.IsMatch(m, $"^{f}(_bucket|_sum|_count)?\\{{", RegexOptions.Multiline)), "every family to be exposed");

        var names = Regex.Matches(text, "^# TYPE (servicetoken_\\S+) (\\S+)$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal("gauge", names[OperatorMetrics.ReadyStatus]);
        Assert.Equal("histogram", names[OperatorMetrics.ReconcileDuration]);
        Assert.Equal("histogram", names[OperatorMetrics.ReconcileOverhead]);
        Assert.Equal("histogram", names[OperatorMetrics.ReconcileExcludingVendor]);
        Assert.Equal("counter", names[OperatorMetrics.ProviderRequests]);
        Assert.Equal("counter", names[OperatorMetrics.Rotations]);
        Assert.Equal("gauge", names[OperatorMetrics.WorkQueueDepth]);
        Assert.Equal(Families.Order(StringComparer.Ordinal), names.Keys.Where(Families.Contains).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(names.Keys, n => n.EndsWith("_total_total", StringComparison.Ordinal) || n.EndsWith("_seconds_seconds", StringComparison.Ordinal));

        Assert.Matches($"(?m)^{OperatorMetrics.ReadyStatus}\\{{[^}}]*name=\"metrics-1\"[^}}]*\\}} 1", text);
        Assert.Matches($"(?m)^{OperatorMetrics.ReadyStatus}\\{{[^}}]*issuer=\"ClusterTokenIssuer/{SandboxWorld.PlanetScaleIssuer}\"[^}}]*vendor=\"planetscale\"", text);
        Assert.Matches($"(?m)^{OperatorMetrics.ReconcileOverhead}_bucket\\{{[^}}]*le=\"0.0001\"", text);
        Assert.Matches($"(?m)^{OperatorMetrics.ProviderRequests}\\{{[^}}]*operation=\"create\"[^}}]*outcome=\"success\"[^}}]*vendor=\"planetscale\"", text);
        Assert.Matches($"(?m)^{OperatorMetrics.Rotations}\\{{[^}}]*vendor=\"planetscale\"[^}}]*\\}} [1-9]", text);
        var expires = new DateTimeOffset(DateTime.SpecifyKind(ready.Status!.ExpiresAt!.Value, DateTimeKind.Utc)).ToUnixTimeSeconds();
        Assert.Matches($"(?m)^{OperatorMetrics.Expiration}\\{{[^}}]*name=\"metrics-1\"[^}}]*\\}} {expires / 1000}\\d{{3}}(\\.\\d+)?$", text);
    }

    [Fact]
    public async Task Metrics_OpenMetricsWithGzip_TokenSeriesInTheCompressedResponseBeforeTheOneEof()
    {
        await world.ApplyAsync(Token("om-1", SandboxWorld.AkkaIssuer));
        await RevisionAsync("om-1", 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(world.Host.MetricsBase, "/metrics"));
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        using var response = await world.Http.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        await using var unzip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Assert.Matches($"(?m)^{OperatorMetrics.ReadyStatus}\\{{otel_scope_name=\"[^\"]+\",issuer=\"ClusterTokenIssuer/{SandboxWorld.AkkaIssuer}\",name=\"om-1\",namespace=\"default\",vendor=\"akka\"\\}} 1$", text);
        Assert.Matches($"(?m)^{OperatorMetrics.IssuedAt}\\{{[^}}]*name=\"om-1\"[^}}]*\\}} \\d+(\\.\\d+)?$", text);
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(text, "^# EOF", RegexOptions.Multiline));
        var names = Regex.Matches(text, "^# TYPE (\\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Skip(1).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Metrics_IncludeTheRuntimeMeter_GcAndJitUnderOpenTelemetryNames()
    {
        var text = await world.ScrapeAsync();

        var types = Regex.Matches(text, "^# TYPE (dotnet_\\S+) (\\S+)$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal("counter", types["dotnet_gc_collections_total"]);
        Assert.Equal("counter", types["dotnet_gc_pause_time_seconds_total"]);
        Assert.Equal("counter", types["dotnet_jit_compiled_methods_total"]);
        Assert.Equal("counter", types["dotnet_jit_compilation_time_seconds_total"]);
        foreach (var generation in new[] { "gen0", "gen1", "gen2" })
            Assert.Matches($"(?m)^dotnet_gc_collections_total\\{{[^}}]*gc_heap_generation=\"{generation}\"[^}}]*\\}} \\d+", text);
        Assert.Matches("(?m)^dotnet_jit_compiled_methods_total\\{[^}]*\\} [1-9]", text);
    }

    [Fact]
    public async Task FailingToken_RepeatedFailures_OneWarningEventWithARisingCount()
    {
        world.World.PlanetScale.Faults.Apply(new FaultSettings { ErrorRate = 1, ErrorStatus = 400 });
        try
        {
            await world.ApplyAsync(Token("failing", SandboxWorld.PlanetScaleIssuer, """
                  planetscale:
                    accesses:
                      - database: payments
                        permissions: [read_branch]
                """));
            var token = await Eventually.ValueAsync(() => GetAsync("failing"), t => t?.Status?.FailedAttempts >= 4, "four failed attempts", seconds: 60);

            var events = await Eventually.ValueAsync(
                async () => (await world.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=failing")).Items,
                items => items.Any(e => e.Type == "Warning" && e.Count >= 3),
                "the warning to be aggregated");

            var warnings = events.Where(e => e.Type == "Warning").ToList();
            Assert.Single(warnings.GroupBy(e => (e.Reason, e.Message)), g => g.Count() == 1 && g.Single().Count >= 3);
            Assert.True(warnings.Count < token!.Status!.FailedAttempts, $"{warnings.Count} events for {token.Status.FailedAttempts} failures");
            var warning = warnings.First(e => e.Count >= 3);
            Assert.Equal(token.Status.LastFailure!.Reason, warning.Reason);
            Assert.Equal(token.Metadata.Uid, warning.InvolvedObject.Uid);
            Assert.Equal(EventRecorder.Component, warning.Source.Component);
            Assert.True(warning.LastTimestamp >= warning.FirstTimestamp);
        }
        finally
        {
            world.World.PlanetScale.Faults.Apply(new FaultSettings());
        }
    }

    private static V1Patch RotatePatch(string request) =>
        new(JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [SecretLabels.Rotate] = request } } }), V1Patch.PatchType.MergePatch);

    private async Task<ServiceToken?> GetAsync(string name)
    {
        try
        {
            var element = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            return JsonSerializer.Deserialize<ServiceToken>(element.GetRawText());
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<ServiceToken> RevisionAsync(string name, int revision) =>
        (await Eventually.ValueAsync(() => GetAsync(name),
            t => t?.Status?.Revision == revision && Conditions.IsTrue(t.Status.Conditions, ConditionTypes.Ready), $"{name} at revision {revision}", seconds: 60))!;

    private async Task<string> ValueAsync(string secretName, string key)
    {
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync(secretName, "default");
        return Encoding.UTF8.GetString(secret.Data[key]);
    }
}

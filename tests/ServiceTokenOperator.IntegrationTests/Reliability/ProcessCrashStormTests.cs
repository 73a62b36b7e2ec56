using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Api;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Sandbox.World;
using Xunit.Abstractions;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// The operator as a real process, SIGKILLed at random moments while ServiceTokens of all four vendors rotate every
/// few seconds, restarted each time. design.md §3: once it has converged the live vendor tokens of this cluster are
/// exactly those the Secrets hold, and no Secret ever held a token that was already revoked.
/// </summary>
public sealed class ProcessCrashStormTests(ITestOutputHelper output)
{
    private const string ClusterId = "storm";
    private const int Kills = 8;
    private const int TokensPerIssuer = 3;

    [Fact]
    public async Task RotationStorm_OperatorProcessKilledRepeatedly_LiveTokensAreExactlyTheSecrets()
    {
        var seed = Environment.GetEnvironmentVariable("CRASH_STORM_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"crash storm seed {seed} (rerun with CRASH_STORM_SEED={seed})");
        var random = new Random(seed);

        var dir = Path.Combine(Path.GetTempPath(), "st-storm-" + Guid.NewGuid().ToString("N")[..8]);
        await using var world = await SandboxWorld.StartAsync(new SandboxWorldOptions { Dir = dir, CrdYamls = CrdManifests.All().Select(c => c.Yaml).ToList() });
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(world.KubeconfigPath));
        Assert.True(File.Exists(OperatorProcess.DllPath), $"the operator executable is not next to the tests: {OperatorProcess.DllPath}");
        var logPath = Path.Combine(dir, "operator.log");
        output.WriteLine($"operator log: {logPath}");
        string[] arguments =
        [
            "--kubeconfig", world.KubeconfigPath, "--metrics-port", "0", "--leader-elect=false", "--namespace", world.Options.OperatorNamespace,
            "--cluster-id", ClusterId, "--min-rotation-period", "5s", "--orphan-sweep-interval", "2s", "--orphan-safety-window", "10s",
        ];

        await using var recorder = SecretWatchRecorder.Start(client, "default", TimeProvider.System);
        var names = new List<string>();
        using (var applier = world.CreateApplier())
        {
            foreach (var issuer in VendorLedger.Issuers)
            {
                for (var i = 0; i < TokensPerIssuer; i++)
                {
                    var name = $"{issuer.Replace("sandbox-", string.Empty, StringComparison.Ordinal)}-{i}";
                    names.Add(name);
                    await applier.ApplyAsync(Token(name, issuer, every: $"{5 + random.Next(4)}s"), "default", CancellationToken.None);
                }
            }
        }

        var process = OperatorProcess.Start(arguments, logPath);
        try
        {
            for (var kill = 1; kill <= Kills; kill++)
            {
                var after = TimeSpan.FromMilliseconds(random.Next(1_500, 6_500));
                await Task.Delay(after);
                Assert.False(process.HasExited, $"the operator exited by itself before kill {kill}; see {logPath}");
                await process.KillAsync();
                output.WriteLine($"kill {kill} after {after.TotalSeconds:F1}s");
                process.Dispose();
                process = OperatorProcess.Start(arguments, logPath);
            }

            // The storm has made every token rotate at least once; then rotation slows to an hour so that one
            // observation can find every grace period over.
            await Eventually.ValueAsync(() => VendorLedger.ListTokensAsync(client, "default"), tokens => tokens.Count == names.Count && tokens.All(t => t.Status?.Revision >= 2), "every token to have rotated", seconds: 45);
            foreach (var name in names)
            {
                var patch = new V1Patch("""{"spec":{"rotation":{"every":"1h"}}}""", V1Patch.PatchType.MergePatch);
                await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.VersionName, "default", ServiceToken.Plural, name);
            }

            var converged = await Eventually.ValueAsync(
                () => VendorLedger.LookAsync(world, client, "default", $"st-{ClusterId}-"),
                look => look.Quiet && look.PerIssuer.Values.All(i => i.Held.Count == TokensPerIssuer && i.Live.SequenceEqual(i.Held)),
                "live vendor tokens to be exactly the Secrets' tokens", seconds: 60);
            foreach (var (issuer, look) in converged.PerIssuer) output.WriteLine($"{issuer}: {look.Live.Count} live, all held by Secrets");
            Assert.False(process.HasExited, $"the last operator exited by itself; see {logPath}");
        }
        finally
        {
            process.Dispose();
        }

        var everIssued = VendorLedger.AllTokens(world);
        var seen = recorder.FirstSeen;
        output.WriteLine($"{seen.Count} token ids seen in Secrets, {everIssued.Count} tokens issued, {recorder.Rewatches} re-watches");
        Assert.True(seen.Count > names.Count, "the Secrets saw rotations");
        foreach (var (id, seenAt) in seen)
        {
            Assert.True(everIssued.TryGetValue(id, out var record), $"a Secret held {id}, which no vendor issued");
            Assert.True(record!.RevokedAt is not { } revokedAt || revokedAt > seenAt, $"a Secret held {id} at {seenAt:O}, already revoked at {record.RevokedAt:O}");
        }

        // Nothing of this cluster is left behind at the vendors: every token it made is live in a Secret or revoked.
        var stray = everIssued.Values.Where(t => t.Live && t.Name?.StartsWith($"st-{ClusterId}-", StringComparison.Ordinal) == true && !seen.ContainsKey(t.Id)).ToList();
        Assert.True(stray.Count == 0, $"orphans: {JsonSerializer.Serialize(stray)}");
        TryDelete(dir);
    }

    private static string Token(string name, string issuer, string every) => TestManifests.ServiceToken(name, issuer, $"""
        {(issuer == SandboxWorld.AkkaIssuer ? "  akka:\n    scopes: [execution]\n" : string.Empty)}  rotation:
            every: {every}
            gracePeriod: 3s
        """);

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind harms nothing.
        }
    }
}

using Microsoft.Extensions.Time.Testing;
using ServiceTokenOperator.IntegrationTests.Controllers;
using ServiceTokenOperator.Sandbox.Vendors;
using ServiceTokenOperator.Sandbox.Vendors.Akka;
using ServiceTokenOperator.Sandbox.Vendors.Upsun;
using ServiceTokenOperator.Sandbox.World;
using Xunit.Abstractions;

namespace ServiceTokenOperator.IntegrationTests.Reliability;

/// <summary>
/// Vendor faults beyond VendorFailureTests: a 429 with Retry-After, answers slower than the provider's timeout, the
/// Upsun auth server down, an Akka access token expired server-side. Each time the same operator recovers, the
/// lifecycle completes and the invariants hold.
/// </summary>
public sealed class VendorFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RateLimitedWithRetryAfter_NoVendorRequestBeforeRetryAfter_ThenRotationCompletes()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        using var driver = new LifecycleDriver(world, SandboxWorld.PlanetScaleIssuer, world.World.PlanetScale.Tokens);
        var planetScale = world.World.PlanetScale;
        await driver.CreateAsync("limited");

        planetScale.Faults.Apply(new FaultSettings { Burst429 = 1, RetryAfterSeconds = 5 });
        var before = planetScale.RequestCount;
        var rotation = driver.RotateAsync("limited", "into-429", seconds: 60);
        await Eventually.TrueAsync(() => Task.FromResult(planetScale.RequestCount > before), "the rotation's first vendor request");
        var afterFirst = planetScale.RequestCount;
        Assert.Equal(before + 1, afterFirst);

        // The next request the vendor sees comes after the 5 s it asked for; at the latest, not within 3 s.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(() => Task.FromResult(planetScale.RequestCount > afterFirst), "the vendor request after Retry-After", seconds: 30);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"a vendor request {clock.Elapsed.TotalSeconds:F1}s after a 429 with Retry-After: 5");

        await rotation;
        output.WriteLine($"429: {planetScale.RequestCount - before} vendor requests for the rotation");
        Assert.True(planetScale.RequestCount - before <= 10, $"{planetScale.RequestCount - before} vendor requests for one rate-limited rotation");
        await driver.DeleteAsync("limited");
    }

    [Fact]
    public async Task AnswersSlowerThanTimeout_RotationFailsThenCompletes_NoTokenLeftBehind()
    {
        await using var world = await TunedOperatorWorld.StartAsync(o =>
        {
            o.OrphanSweepInterval = TimeSpan.FromSeconds(2);
            o.OrphanSafetyWindow = TimeSpan.FromSeconds(10);
        });
        using var driver = new LifecycleDriver(world, SandboxWorld.PlanetScaleIssuer, world.World.PlanetScale.Tokens);
        var planetScale = world.World.PlanetScale;
        await driver.CreateAsync("slow");

        // Beyond the provider's 10 s attempt timeout: the create may still happen at the vendor after the operator gave up.
        planetScale.Faults.Apply(new FaultSettings { LatencyMs = 12_000 });
        var before = planetScale.RequestCount;
        await driver.RequestRotationAsync("slow", "slow");
        var failed = await Eventually.ValueAsync(() => driver.GetAsync("slow"), t => t?.Status?.LastFailure is not null, "the timed-out rotation to be recorded", seconds: 60);
        output.WriteLine($"timeout recorded: {failed!.Status!.LastFailure!.Reason}: {failed.Status.LastFailure.Message}");
        Assert.True(planetScale.RequestCount - before <= 6, $"{planetScale.RequestCount - before} vendor requests before the first timeout was recorded");

        planetScale.Faults.Apply(new FaultSettings());
        await driver.WaitConvergedAsync("slow", minRevision: 2, seconds: 60);
        await driver.DeleteAsync("slow", seconds: 60);
    }

    [Fact]
    public async Task UpsunAuthServerDown_AccessTokenExpired_RotationWaitsThenCompletes()
    {
        // A create that succeeded just before the access token ran out leaves a token the retry's name collides with
        // (Upsun answers 409 to a duplicate name) until the orphan sweep revokes it: sweep in seconds here.
        await using var world = await TunedOperatorWorld.StartAsync(o =>
        {
            o.OrphanSweepInterval = TimeSpan.FromSeconds(2);
            o.OrphanSafetyWindow = TimeSpan.FromSeconds(10);
        });
        await using var upsun = await UpsunSimulator.StartAsync(new UpsunSimulatorOptions { Brand = "upsun", AccessTokenLifetime = TimeSpan.FromSeconds(2) });
        await world.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: short-upsun-credentials
            stringData:
              UPSUN_CLI_TOKEN: "{upsun.AdminApiToken}"
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ClusterTokenIssuer
            metadata:
              name: short-upsun
            spec:
              upsun:
                apiUrl: "{upsun.ApiUrl.ToString().TrimEnd('/')}"
                authUrl: "{upsun.AuthUrl.ToString().TrimEnd('/')}"
              credentialsSecretRef:
                name: short-upsun-credentials
            """, world.World.Options.OperatorNamespace);
        using var driver = new LifecycleDriver(world, "short-upsun", upsun.Tokens);
        await driver.WaitOperatorRunningAsync();
        await driver.CreateAsync("auth-down");

        // The cached access token lives 2 s: after that every call needs the auth server, which answers 503.
        upsun.AuthServerDown = true;
        var exchanges = upsun.TokenExchangeCount;
        var before = upsun.RequestCount;
        await driver.RequestRotationAsync("auth-down", "auth-down");
        var failing = await Eventually.ValueAsync(() => driver.GetAsync("auth-down"), t => t?.Status?.FailedAttempts >= 2, "two failed attempts while the auth server is down", seconds: 60);
        output.WriteLine($"auth down: {failing!.Status!.LastFailure!.Reason}, {upsun.RequestCount - before} requests");
        Assert.Equal(exchanges, upsun.TokenExchangeCount);
        Assert.True(upsun.RequestCount - before <= 30, $"{upsun.RequestCount - before} requests to the Upsun simulator during two failed attempts");
        // The Secret keeps a working token meanwhile (a replaced one may wait for its revocation until the server is back).
        var held = await VendorLedger.SecretTokenIdAsync(driver.Client, "default", "auth-down");
        Assert.True(driver.VendorTokensOf("auth-down").Single(t => t.Id == held).Live, $"the Secret holds revoked token {held}");

        upsun.AuthServerDown = false;
        await driver.WaitConvergedAsync("auth-down", minRevision: 2, seconds: 60);
        Assert.True(upsun.TokenExchangeCount > exchanges, "a fresh access token was exchanged");
        await driver.DeleteAsync("auth-down", seconds: 60);
    }

    [Fact]
    public async Task AkkaAccessTokenExpiredAtServer_CallRenewsIt_RotationCompletes()
    {
        await using var world = await TunedOperatorWorld.StartAsync(_ => { });
        // The simulator's clock runs apart from the operator's: advancing it expires the access token the operator
        // cached, which still looks valid to the operator, as with clock skew or a server-side early expiry.
        var akkaTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var akka = await AkkaSimulator.StartAsync(new AkkaSimulatorOptions { Time = akkaTime, AccessTokenLifetime = TimeSpan.FromHours(1) });
        await world.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: skewed-akka-credentials
            stringData:
              AKKA_TOKEN: "{akka.AdminRefreshToken}"
            ---
            apiVersion: servicetoken.dev/v1alpha1
            kind: ClusterTokenIssuer
            metadata:
              name: skewed-akka
            spec:
              akka:
                project: "{akka.Project}"
                apiHost: "{akka.GrpcUrl.Host}:{akka.GrpcUrl.Port}"
                insecure: true
              credentialsSecretRef:
                name: skewed-akka-credentials
            """, world.World.Options.OperatorNamespace);
        using var driver = new LifecycleDriver(world, "skewed-akka", akka.Tokens);
        await driver.WaitOperatorRunningAsync();
        await driver.CreateAsync("expired");

        akkaTime.Advance(TimeSpan.FromHours(2));
        var before = akka.RequestCount;
        await driver.RotateAsync("expired", "after-expiry");
        var rotated = await driver.GetAsync("expired");
        output.WriteLine($"akka expiry: {akka.RequestCount - before} requests, lastFailure {rotated!.Status!.LastFailure?.Reason ?? "none"}");
        Assert.True(akka.RequestCount - before <= 15, $"{akka.RequestCount - before} Akka requests for one rotation across an expired access token");
        await driver.DeleteAsync("expired");
    }
}

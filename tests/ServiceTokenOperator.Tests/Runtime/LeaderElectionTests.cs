using Microsoft.Extensions.Logging.Abstractions;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

public sealed class LeaderElectionTests
{
    // Short real timings: LeaderElector takes its time from the wall clock and Task.Delay.
    private static readonly LeaderElectionOptions Fast = new()
    {
        Namespace = "test",
        LeaseName = "lease",
        Identity = "me",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromMilliseconds(400),
        RetryPeriod = TimeSpan.FromMilliseconds(50),
    };

    private readonly InMemoryLease _lease = new();

    [Fact]
    public async Task RunAsync_Disabled_RunsCallbackAtOnceAsLeader()
    {
        var election = new LeaderElection(() => throw new InvalidOperationException("no lock when disabled"), Fast with { Enabled = false }, NullLogger<LeaderElection>.Instance, TimeProvider.System);
        var wasLeader = false;

        await election.RunAsync(_ =>
        {
            wasLeader = election.IsLeader;
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(wasLeader);
        Assert.False(election.IsLeader);
    }

    [Fact]
    public async Task RunAsync_Disabled_PassesTheShutdownToken()
    {
        var election = new LeaderElection(() => throw new InvalidOperationException(), Fast with { Enabled = false }, NullLogger<LeaderElection>.Instance, TimeProvider.System);
        using var cts = new CancellationTokenSource();

        var run = election.RunAsync(ct => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default), cts.Token);
        Assert.False(run.IsCompleted);
        await cts.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_FreeLease_AcquiresAndRunsCallback_ReleasesOnShutdown()
    {
        var election = Election();
        using var cts = new CancellationTokenSource();
        var leading = new TaskCompletionSource<CancellationToken>();

        var run = election.RunAsync(async ct =>
        {
            leading.SetResult(ct);
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }, cts.Token);
        var leaderToken = await leading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(election.IsLeader);
        Assert.Equal("me", _lease.Record?.HolderIdentity);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(leaderToken.IsCancellationRequested);
        Assert.False(election.IsLeader);
        Assert.Equal(string.Empty, _lease.Record?.HolderIdentity);
        Assert.Equal(1, _lease.Record?.LeaseDurationSeconds);
    }

    [Fact]
    public async Task RunAsync_LeaseHeldByAnother_DoesNotRunCallback()
    {
        _lease.Steal("other");
        _lease.RejectUpdatesFromOthers = true;
        var election = Election();
        using var cts = new CancellationTokenSource();
        var ran = false;

        var run = election.RunAsync(_ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, cts.Token);
        await Task.Delay(Fast.RetryPeriod * 6);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(ran);
        Assert.Equal("other", _lease.Record?.HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_LeadershipLost_CancelsCallbackTokenAndCampaignsAgain()
    {
        var election = Election();
        using var cts = new CancellationTokenSource();
        var terms = 0;
        var firstTermEnded = new TaskCompletionSource();

        var run = election.RunAsync(async ct =>
        {
            var term = Interlocked.Increment(ref terms);
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            if (term == 1)
            {
                firstTermEnded.SetResult();
            }
        }, cts.Token);
        await Eventually.TrueAsync(() => election.IsLeader, "the candidate leads");

        _lease.RejectUpdatesFromOthers = true;
        _lease.Steal("other");
        await firstTermEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(election.IsLeader);

        // The thief goes away: its lease expires and this replica leads again.
        _lease.RejectUpdatesFromOthers = false;
        await Eventually.TrueAsync(() => Volatile.Read(ref terms) == 2, "a second term starts", TimeSpan.FromSeconds(15));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_WorkThrowsWhileLeading_ReleasesLeaseAndPropagates()
    {
        var election = Election();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => election.RunAsync(_ => throw new InvalidOperationException("leader work broke"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("leader work broke", error.Message);
        Assert.False(election.IsLeader);
        Assert.Equal(string.Empty, _lease.Record?.HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_WorkReturnsWhileLeading_ReleasesLeaseAndReturns()
    {
        var election = Election();
        var runs = 0;

        await election.RunAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, runs);
        Assert.Equal(string.Empty, _lease.Record?.HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_ReleasedLease_AnotherCandidateTakesOverBeforeExpiry()
    {
        using var cts = new CancellationTokenSource();
        var first = Election();
        var firstLeads = new TaskCompletionSource();
        var firstRun = first.RunAsync(async ct =>
        {
            firstLeads.SetResult();
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }, cts.Token);
        await firstLeads.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await firstRun.WaitAsync(TimeSpan.FromSeconds(10));

        // LeaseDuration is long: only the release lets the second candidate in quickly.
        var second = new LeaderElection(() => _lease.For("you"), Fast with { Identity = "you", LeaseDuration = TimeSpan.FromMinutes(5) }, NullLogger<LeaderElection>.Instance, TimeProvider.System);
        var secondLeads = false;
        await second.RunAsync(_ =>
        {
            secondLeads = true;
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(secondLeads);
    }

    private LeaderElection Election() => new(() => _lease.For("me"), Fast, NullLogger<LeaderElection>.Instance, TimeProvider.System);
}

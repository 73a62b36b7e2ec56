using System.Runtime.ExceptionServices;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace ServiceTokenOperator.Runtime;

/// <summary>
/// Runs the leader's work only while this replica holds the Lease (KubernetesClient's LeaderElector + LeaseLock).
/// The work's token is cancelled as soon as leadership is lost; RunAsync then waits for the work to return and
/// campaigns again. If the work ends on its own while leading, the lease is released and RunAsync ends (with the
/// work's exception, if it threw), like a controller-runtime manager whose runnable failed. On shutdown a held
/// lease is released (holder cleared) so another replica takes over at once instead of after LeaseDuration.
/// Disabled, the work runs at once with the shutdown token.
/// </summary>
internal sealed class LeaderElection
{
    private readonly Func<ILock> _lockFactory;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger<LeaderElection> _logger;
    private readonly TimeProvider _time;
    private readonly string _leaseName;
    private volatile bool _isLeader;

    public LeaderElection(IKubernetes client, LeaderElectionOptions options, ILogger<LeaderElection> logger)
        : this(() => new LeaseLock(client, options.Namespace, options.LeaseName, options.Identity), options, logger, TimeProvider.System)
    {
    }

    /// <summary>For tests: any lock, e.g. an in-memory one.</summary>
    internal LeaderElection(Func<ILock> lockFactory, LeaderElectionOptions options, ILogger<LeaderElection> logger, TimeProvider time)
    {
        _lockFactory = lockFactory;
        _options = options;
        _logger = logger;
        _time = time;
        _leaseName = $"{options.Namespace}/{options.LeaseName}";
    }

    public bool IsLeader => _isLeader;

    public async Task RunAsync(Func<CancellationToken, Task> onStartedLeading, CancellationToken ct)
    {
        if (!_options.Enabled)
        {
            Log.LeaderElectionDisabled(_logger);
            _isLeader = true;
            try
            {
                await onStartedLeading(ct).ConfigureAwait(false);
            }
            finally
            {
                _isLeader = false;
            }

            return;
        }

        while (!ct.IsCancellationRequested)
        {
            if (!await CampaignOnceAsync(_lockFactory(), onStartedLeading, ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // Returns whether to campaign again: false when the leader work ended on its own (it then has nothing left to
    // lead, so the lease is handed over and its exception, if any, propagates).
    private async Task<bool> CampaignOnceAsync(ILock lease, Func<CancellationToken, Task> onStartedLeading, CancellationToken ct)
    {
        var config = new LeaderElectionConfig(lease)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Cancelled once the campaign is over: LeaderElector leaves its last renewal attempt running in the
        // background after a lost lease, and that attempt must not outlive the campaign.
        using var campaign = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? work = null;
        var workEndedOnItsOwn = false;

        async Task LeadAsync()
        {
            try
            {
                await onStartedLeading(leading.Token).ConfigureAwait(false);
            }
            finally
            {
                if (!leading.IsCancellationRequested)
                {
                    // Keeping a lease for work that is no longer running would block every other replica.
                    workEndedOnItsOwn = true;
                    await campaign.CancelAsync().ConfigureAwait(false);
                }
            }
        }

        // The elector raises these on its own loop; the work must not block the renewals, so it runs on the pool.
        elector.OnStartedLeading += () =>
        {
            _isLeader = true;
            Log.StartedLeading(_logger, _options.Identity, _leaseName);
            work = Task.Run(LeadAsync, CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            _isLeader = false;
            leading.Cancel();
            if (!campaign.IsCancellationRequested)
            {
                Log.LostLeadership(_logger, _options.Identity, _leaseName);
            }
        };
        elector.OnNewLeader += leader => Log.NewLeader(_logger, leader ?? string.Empty, _leaseName);
        elector.OnError += e => Log.LeaderElectionError(_logger, _leaseName, e);

        Log.Campaigning(_logger, _options.Identity, _leaseName);
        try
        {
            await elector.RunUntilLeadershipLostAsync(campaign.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (campaign.IsCancellationRequested)
        {
            // Shutting down, or the work ended.
        }
        catch (Exception e)
        {
            Log.LeaderElectionError(_logger, _leaseName, e);
            await Task.Delay(_options.RetryPeriod, _time, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _isLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            await campaign.CancelAsync().ConfigureAwait(false);
        }

        if (work is null)
        {
            return true;
        }

        Exception? failure = null;
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!workEndedOnItsOwn)
        {
            // The work was told to stop.
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (ct.IsCancellationRequested || workEndedOnItsOwn)
        {
            await ReleaseAsync(lease).ConfigureAwait(false);
        }

        if (!workEndedOnItsOwn)
        {
            if (failure is not null)
            {
                Log.LeaderWorkFailed(_logger, failure);
            }

            return true;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return false;
    }

    // client-go's ReleaseOnCancel: clear the holder so the next candidate need not wait for the lease to expire.
    private async Task ReleaseAsync(ILock lease)
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
        try
        {
            var current = await lease.GetAsync(timeout.Token).ConfigureAwait(false);
            if (current?.HolderIdentity != lease.Identity)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            var released = await lease.UpdateAsync(
                new LeaderElectionRecord
                {
                    HolderIdentity = string.Empty,
                    LeaseDurationSeconds = 1,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaderTransitions = current.LeaderTransitions,
                },
                timeout.Token).ConfigureAwait(false);
            if (released)
            {
                Log.ReleasedLease(_logger, _options.Identity, _leaseName);
            }
        }
        catch (Exception e)
        {
            Log.LeaderElectionError(_logger, _leaseName, e);
        }
    }
}

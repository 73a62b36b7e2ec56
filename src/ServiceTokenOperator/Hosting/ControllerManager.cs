using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;
using ServiceTokenOperator.Sweep;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Starts the caches on every replica (followers keep them warm), and the work queues and Quartz only while this
/// replica holds the Lease. Informer events become work-queue keys for the ServiceTokens this replica owns (watched
/// namespaces, shard); reconcilers do the rest. The leader also turns status transitions into Events.
/// </summary>
internal sealed class ControllerManager(
    IKubernetes client,
    [FromKeyedServices(EventRecorder.Component)] IKubernetes eventClient,
    OperatorOptions options,
    VendorRegistry vendors,
    OperatorMetrics metrics,
    RotationScheduler scheduler,
    RotationPacer pacer,
    FailPoints failPoints,
    IdleMemoryTrimmer trimmer,
    TimeProvider time,
    ILoggerFactory loggers)
    : BackgroundService
{
    private OperatorCaches? _caches;
    private volatile bool _leading;

    /// <summary>For /healthz: the process is up and no informer has stopped.</summary>
    public bool Alive => _caches is null || _caches.IsRunning;

    /// <summary>For /readyz: every cache has synced.</summary>
    public bool Ready => _caches?.HasSynced == true;

    /// <summary>Whether this replica holds the Lease and runs the work queues.</summary>
    public bool IsLeader => _leading;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startup = loggers.CreateLogger<ControllerManager>();
        var clusterId = await StartupRetry.RunAsync("resolving the cluster id", ct => ClusterIdentity.ResolveAsync(client, options.ClusterId, ct), time, startup, stoppingToken);
        var macKey = await StartupRetry.RunAsync("loading the MAC key", ct => MacKeyStore.LoadOrCreateAsync(client, options.Namespace, ct), time, startup, stoppingToken);
        var settings = new OperatorSettings(clusterId, options.EffectiveClusterResourceNamespace, options.MinRotationPeriod, new SecretMac(macKey),
            options.IssuerRecheckInterval, options.OrphanSweepInterval, options.OrphanSafetyWindow);

        // One watched namespace is listed and watched there alone; several are filtered from a cluster-wide watch.
        var scope = options.WatchNamespaces.Count == 1 ? options.WatchNamespaces[0] : null;
        // The two caches that grow with the number of tokens share their repeated strings (issue 9).
        var perToken = new InformerOptions { Transform = InformerTransforms.StripManagedFieldsAndShareStrings(new StringPool(StringPool.DefaultCapacity)) };
        var caches = new OperatorCaches(
            Informer<ServiceToken>(ServiceTokenReconciler.Resource, options.Selector, scope, perToken),
            Informer<TokenIssuer>(IssuerReconciler.TokenIssuers, null, scope),
            Informer<ClusterTokenIssuer>(IssuerReconciler.ClusterTokenIssuers),
            Informer<V1Secret>(ResourceTypes.Secrets, SecretLabels.ManagedBySelector, scope, perToken),
            Informer<PartialObjectMetadata>(ResourceTypes.Secrets, SecretLabels.NotManagedBySelector, scope, new InformerOptions { Transform = InformerTransforms.KeepIdentity }),
            Informer<V1Namespace>(new ResourceType("", "v1", "namespaces", Namespaced: false)));
        OperatorCaches.IndexSecretTargets(caches.ServiceTokens);
        OperatorCaches.IndexIssuerUsage(caches.ServiceTokens);
        _caches = caches;

        var writer = new StatusWriter(client);
        var providers = new ProviderCache(client, vendors, settings, time, metrics);
        var restarter = new RolloutRestarter(client, time, loggers.CreateLogger<RolloutRestarter>());
        var tokens = new ServiceTokenReconciler(caches, client, writer, providers, vendors, settings, scheduler, pacer, restarter, failPoints, time, loggers.CreateLogger<ServiceTokenReconciler>());
        var sweeper = new OrphanSweeper(caches, settings, time, loggers.CreateLogger<OrphanSweeper>());
        var issuers = new IssuerReconciler(caches, writer, providers, vendors, settings, sweeper, time, loggers.CreateLogger<IssuerReconciler>());
        var usage = new IssuerUsageReconciler(caches, client, writer, settings, loggers.CreateLogger<IssuerUsageReconciler>());
        var events = new EventRecorder(eventClient, new EventCorrelator(time), time, options.Identity, loggers.CreateLogger<EventRecorder>());
        using var tokenQueue = new WorkQueue<ObjectKey>(time, new WorkQueueOptions { Jitter = 0.2 }, loggers.CreateLogger<WorkQueue<ObjectKey>>());
        using var issuerQueue = new WorkQueue<IssuerKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<IssuerKey>>());
        using var usageQueue = new WorkQueue<IssuerKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<IssuerKey>>());

        string? VendorOf(ServiceToken token) => caches.ResolveIssuer(token)?.Vendor;
        // Only the leader reports tokens: every replica scraped would otherwise repeat each series.
        metrics.ObserveTokens(() => _leading
            ? caches.ServiceTokens.List(t => options.Owns(t.Metadata.NamespaceProperty, t.Metadata.Name)).Select(t => StatusEvents.Row(t, VendorOf(t)))
            : []);
        metrics.ObserveQueues(() => [("servicetoken", tokenQueue.Depth), ("issuer", issuerQueue.Depth), ("issuer-usage", usageQueue.Depth)]);

        void Enqueue(string? @namespace, string name)
        {
            if (options.Owns(@namespace, name)) tokenQueue.Add(new ObjectKey(@namespace, name));
        }

        void WakeTokensOf(string kind, string? @namespace, string name)
        {
            foreach (var token in caches.TokensOf(kind, @namespace, name)) Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
        }

        caches.ServiceTokens.Changed += e =>
        {
            var token = e.Object;
            // Status-only updates are the reconciler's own writes: re-queueing them would bypass the failure backoff.
            if (ChangePredicates.SpecOrMetadataChanged(e)) Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);

            // Both versions: a changed issuerRef or a token that stopped needing its issuer releases the old one. Only
            // when what the token needs changed: most events are status writes that leave it as it was.
            if (IssuerUsage.UsageChanged(e.OldObject, e.NewObject))
            {
                foreach (var version in new[] { e.OldObject, e.NewObject }.OfType<ServiceToken>())
                {
                    foreach (var key in IssuerUsage.KeysOf(version)) usageQueue.Add(key);
                }
            }

            // A vendor that rejected the credential on a token call: re-check the issuer now, not at its next hourly check.
            if (e.NewObject?.Status?.LastFailure is { Reason: Reasons.CredentialRejected or Reasons.PermissionDenied } failure
                && failure.Time != e.OldObject?.Status?.LastFailure?.Time && caches.ResolveIssuer(e.NewObject) is { } rejected)
            {
                var rejectedKey = new IssuerKey(rejected.Kind, new ObjectKey(rejected.Namespace, rejected.Name));
                issuers.RequestRecheck(rejectedKey);
                issuerQueue.Add(rejectedKey);
            }

            if (!_leading || e.OldObject is null || e.NewObject is null || !options.Owns(token.Metadata.NamespaceProperty, token.Metadata.Name)) return;
            if (StatusEvents.ForToken(e.OldObject.Status, e.NewObject.Status) is { } happened) events.Record(e.NewObject, happened.Type, happened.Reason, happened.Message);
            if (StatusEvents.IsRotation(e.OldObject.Status, e.NewObject.Status)) metrics.RecordRotation(VendorOf(e.NewObject) ?? string.Empty);
        };
        caches.Secrets.Changed += e =>
        {
            var secret = e.Object;
            if (ServiceTokenDecision.OwnerName(secret) is { } owner) Enqueue(secret.Metadata.NamespaceProperty, owner);
        };
        caches.OtherSecrets.Changed += e =>
        {
            // A name freed (or taken) by someone else: a token stalled on it, or waiting to merge into it, decides again.
            if (e.Type == WatchEventType.Modified) return;
            foreach (var token in caches.TokensWritingTo(e.Object.Metadata.NamespaceProperty, e.Object.Metadata.Name))
                Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
        };
        caches.TokenIssuers.Changed += e =>
        {
            var key = new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(e.Object));
            issuerQueue.Add(key);
            usageQueue.Add(key);
            if (_leading && e is { OldObject: { } old, NewObject: { } current } && StatusEvents.ForIssuer(old.Status, current.Status) is { } happened)
                events.Record(current, happened.Type, happened.Reason, happened.Message);
        };
        caches.ClusterTokenIssuers.Changed += e =>
        {
            var key = new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(e.Object));
            issuerQueue.Add(key);
            usageQueue.Add(key);
            // A spec change may allow or deny namespaces (spec.conditions) while readiness stays the same.
            if (e.OldObject is not null && e.NewObject is not null && e.OldObject.Metadata.Generation != e.NewObject.Metadata.Generation)
                WakeTokensOf(ClusterTokenIssuer.KindName, null, e.Object.Metadata.Name);
            if (_leading && e is { OldObject: { } old, NewObject: { } current } && StatusEvents.ForIssuer(old.Status, current.Status) is { } happened)
                events.Record(current, happened.Type, happened.Reason, happened.Message);
        };
        caches.Namespaces!.Changed += e =>
        {
            // Only a label change can change what a ClusterTokenIssuer's namespaceSelector allows.
            if (e.OldObject is not null && e.NewObject is not null && ChangePredicates.SameMap(e.OldObject.Metadata.Labels, e.NewObject.Metadata.Labels)) return;
            var name = e.Object.Metadata.Name;
            foreach (var token in caches.ServiceTokens.List(t => t.Metadata.NamespaceProperty == name)) Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
        };
        issuers.ReadinessChanged += issuer => WakeTokensOf(issuer.Kind, issuer.Namespace, issuer.Name);

        var recording = events.RunAsync(stoppingToken);
        await Task.WhenAll(caches.ServiceTokens.StartAsync(stoppingToken), caches.TokenIssuers.StartAsync(stoppingToken),
            caches.ClusterTokenIssuers.StartAsync(stoppingToken), caches.Secrets.StartAsync(stoppingToken), caches.OtherSecrets.StartAsync(stoppingToken), caches.Namespaces.StartAsync(stoppingToken));
        await Task.WhenAll(caches.ServiceTokens.WaitForSyncAsync(stoppingToken), caches.TokenIssuers.WaitForSyncAsync(stoppingToken),
            caches.ClusterTokenIssuers.WaitForSyncAsync(stoppingToken), caches.Secrets.WaitForSyncAsync(stoppingToken), caches.OtherSecrets.WaitForSyncAsync(stoppingToken), caches.Namespaces.WaitForSyncAsync(stoppingToken));

        // The first lists' pages and parse buffers are garbage now and the caches live as long as the process. Left
        // to itself the GC, whose start-up budgets are small, promotes the caches through full collections in the
        // first reconciles (a gen2 pause of ≈ 20 ms among the first ones after a restart with 1,000 tokens, issue 9);
        // one here, before any reconcile runs, pays it once and returns the lists' memory.
        trimmer.TrimNow("Caches synced");

        var election = new LeaderElection(client, new LeaderElectionOptions
        {
            Enabled = options.LeaderElect,
            Namespace = options.Namespace,
            LeaseName = options.EffectiveLeaseName,
            Identity = options.Identity,
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        }, loggers.CreateLogger<LeaderElection>());

        var reconcileToken = ReconcileInstrumentation.Wrap<ObjectKey>("servicetoken", tokens.ReconcileAsync, metrics, measureOverhead: true, loggers.CreateLogger<ServiceTokenReconciler>());
        var reconcileIssuer = ReconcileInstrumentation.Wrap<IssuerKey>("issuer", issuers.ReconcileAsync, metrics, measureOverhead: false, loggers.CreateLogger<IssuerReconciler>());
        await election.RunAsync(async leading =>
        {
            _leading = true;
            try
            {
                // A new leader starts from everything in the cache: nothing is assumed from a previous term.
                foreach (var key in caches.TokenIssuers.List().Select(i => new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(i)))
                    .Concat(caches.ClusterTokenIssuers.List().Select(i => new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(i)))))
                {
                    issuerQueue.Add(key);
                    usageQueue.Add(key);
                }

                foreach (var token in caches.ServiceTokens.List()) Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
                // Time-based wake-ups are rebuilt by those reconciles; overdue rotations are paced per issuer.
                await scheduler.StartAsync(key => Enqueue(key.Namespace, key.Name), leading);
                await Task.WhenAll(
                    tokenQueue.RunAsync(options.Workers, reconcileToken, leading),
                    issuerQueue.RunAsync(2, reconcileIssuer, leading),
                    usageQueue.RunAsync(1, usage.ReconcileAsync, leading));
            }
            finally
            {
                _leading = false;
                await scheduler.StopAsync();
                pacer.Clear();
            }
        }, stoppingToken);
        await recording;
    }


    private Informer<T> Informer<T>(ResourceType type, string? labelSelector = null, string? namespaceScope = null, InformerOptions? options = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(new KubernetesResourceSource<T>(client, type, namespaceScope), time, loggers.CreateLogger<Informer<T>>(), labelSelector, options);
}

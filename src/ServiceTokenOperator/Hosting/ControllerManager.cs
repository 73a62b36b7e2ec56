using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Rotation;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;
using ServiceTokenOperator.Sweep;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Starts the caches on every replica (followers keep them warm), and the work queues only while this replica
/// holds the Lease. Informer events become work-queue keys; reconcilers do the rest.
/// </summary>
internal sealed class ControllerManager(
    IKubernetes client,
    OperatorOptions options,
    VendorRegistry vendors,
    RotationScheduler scheduler,
    RotationPacer pacer,
    FailPoints failPoints,
    TimeProvider time,
    ILoggerFactory loggers)
    : BackgroundService
{
    private OperatorCaches? _caches;

    /// <summary>For /healthz: the process is up and no informer has stopped.</summary>
    public bool Alive => _caches is null || _caches.IsRunning;

    /// <summary>For /readyz: every cache has synced.</summary>
    public bool Ready => _caches?.HasSynced == true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clusterId = await ClusterIdentity.ResolveAsync(client, options.ClusterId, stoppingToken);
        var macKey = await MacKeyStore.LoadOrCreateAsync(client, options.Namespace, stoppingToken);
        var settings = new OperatorSettings(clusterId, options.Namespace, options.MinRotationPeriod, new SecretMac(macKey), options.IssuerRecheckInterval,
            options.OrphanSweepInterval, options.OrphanSafetyWindow);

        var caches = new OperatorCaches(
            Informer<ServiceToken>(ServiceTokenReconciler.Resource),
            Informer<TokenIssuer>(IssuerReconciler.TokenIssuers),
            Informer<ClusterTokenIssuer>(IssuerReconciler.ClusterTokenIssuers),
            Informer<V1Secret>(new ResourceType("", "v1", "secrets", Namespaced: true), SecretLabels.ManagedBySelector),
            Informer<V1Namespace>(new ResourceType("", "v1", "namespaces", Namespaced: false)));
        _caches = caches;

        var writer = new StatusWriter(client);
        var providers = new ProviderCache(client, vendors, settings, time);
        var restarter = new RolloutRestarter(client, time, loggers.CreateLogger<RolloutRestarter>());
        var tokens = new ServiceTokenReconciler(caches, client, writer, providers, vendors, settings, scheduler, pacer, restarter, failPoints, time, loggers.CreateLogger<ServiceTokenReconciler>());
        var sweeper = new OrphanSweeper(caches, settings, time, loggers.CreateLogger<OrphanSweeper>());
        var issuers = new IssuerReconciler(caches, writer, providers, vendors, settings, sweeper, time, loggers.CreateLogger<IssuerReconciler>());
        var usage = new IssuerUsageReconciler(caches, client, writer, settings, loggers.CreateLogger<IssuerUsageReconciler>());
        using var usageQueue = new WorkQueue<IssuerKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<IssuerKey>>());
        using var tokenQueue = new WorkQueue<ObjectKey>(time, new WorkQueueOptions { Jitter = 0.2 }, loggers.CreateLogger<WorkQueue<ObjectKey>>());
        using var issuerQueue = new WorkQueue<IssuerKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<IssuerKey>>());

        void WakeTokensOf(string kind, string? @namespace, string name)
        {
            foreach (var token in caches.TokensOf(kind, @namespace, name)) tokenQueue.Add(ObjectKey.Of(token));
        }

        caches.ServiceTokens.Changed += e =>
        {
            if (ChangePredicates.SpecOrMetadataChanged(e)) tokenQueue.Add(ObjectKey.Of(e.Object));
        };
        caches.ServiceTokens.Changed += e =>
        {
            // Both versions: a changed issuerRef or a token that stopped needing its issuer releases the old one.
            foreach (var token in new[] { e.OldObject, e.NewObject }.OfType<ServiceToken>())
            {
                foreach (var key in IssuerUsage.KeysOf(token)) usageQueue.Add(key);
            }

            // A vendor that rejected the credential on a token call: re-check the issuer now, not at its next hourly check.
            if (e.NewObject?.Status?.LastFailure is { Reason: Reasons.CredentialRejected or Reasons.PermissionDenied } failure
                && failure.Time != e.OldObject?.Status?.LastFailure?.Time && caches.ResolveIssuer(e.NewObject) is { } rejected)
            {
                var rejectedKey = new IssuerKey(rejected.Kind, new ObjectKey(rejected.Namespace, rejected.Name));
                issuers.RequestRecheck(rejectedKey);
                issuerQueue.Add(rejectedKey);
            }
        };
        caches.Secrets.Changed += e =>
        {
            var secret = (e.NewObject ?? e.OldObject)!;
            if (ServiceTokenDecision.OwnerName(secret) is { } owner) tokenQueue.Add(new ObjectKey(secret.Metadata.NamespaceProperty, owner));
        };
        caches.TokenIssuers.Changed += e =>
        {
            var issuer = (e.NewObject ?? e.OldObject)!;
            issuerQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)));
            usageQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)));
        };
        caches.ClusterTokenIssuers.Changed += e =>
        {
            var issuer = (e.NewObject ?? e.OldObject)!;
            issuerQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)));
            usageQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)));
            // A spec change may allow or deny namespaces (spec.conditions) while readiness stays the same.
            if (e.OldObject is not null && e.NewObject is not null && e.OldObject.Metadata.Generation != e.NewObject.Metadata.Generation)
                WakeTokensOf(ClusterTokenIssuer.KindName, null, issuer.Metadata.Name);
        };
        caches.Namespaces!.Changed += e =>
        {
            // Only a label change can change what a ClusterTokenIssuer's namespaceSelector allows.
            if (e.OldObject is not null && e.NewObject is not null && SameLabels(e.OldObject.Metadata.Labels, e.NewObject.Metadata.Labels)) return;
            var name = (e.NewObject ?? e.OldObject)!.Metadata.Name;
            foreach (var token in caches.ServiceTokens.List(t => t.Metadata.NamespaceProperty == name)) tokenQueue.Add(ObjectKey.Of(token));
        };
        issuers.ReadinessChanged += issuer => WakeTokensOf(issuer.Kind, issuer.Namespace, issuer.Name);

        await Task.WhenAll(caches.ServiceTokens.StartAsync(stoppingToken), caches.TokenIssuers.StartAsync(stoppingToken),
            caches.ClusterTokenIssuers.StartAsync(stoppingToken), caches.Secrets.StartAsync(stoppingToken), caches.Namespaces.StartAsync(stoppingToken));
        await Task.WhenAll(caches.ServiceTokens.WaitForSyncAsync(stoppingToken), caches.TokenIssuers.WaitForSyncAsync(stoppingToken),
            caches.ClusterTokenIssuers.WaitForSyncAsync(stoppingToken), caches.Secrets.WaitForSyncAsync(stoppingToken), caches.Namespaces.WaitForSyncAsync(stoppingToken));

        var election = new LeaderElection(client, new LeaderElectionOptions
        {
            Enabled = options.LeaderElect,
            Namespace = options.Namespace,
            LeaseName = options.LeaseName,
            Identity = options.Identity,
        }, loggers.CreateLogger<LeaderElection>());

        await election.RunAsync(async leading =>
        {
            // A new leader starts from everything in the cache: nothing is assumed from a previous term.
            foreach (var issuer in caches.TokenIssuers.List())
            {
                issuerQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)));
                usageQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)));
            }

            foreach (var issuer in caches.ClusterTokenIssuers.List())
            {
                issuerQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)));
                usageQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)));
            }

            foreach (var token in caches.ServiceTokens.List()) tokenQueue.Add(ObjectKey.Of(token));
            // Time-based wake-ups are rebuilt by those reconciles; overdue rotations are paced per issuer.
            await scheduler.StartAsync(tokenQueue.Add, leading);
            try
            {
                await Task.WhenAll(
                    tokenQueue.RunAsync(options.Workers, tokens.ReconcileAsync, leading),
                    issuerQueue.RunAsync(2, issuers.ReconcileAsync, leading),
                    usageQueue.RunAsync(1, usage.ReconcileAsync, leading));
            }
            finally
            {
                await scheduler.StopAsync();
                pacer.Clear();
            }
        }, stoppingToken);
    }

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value);

    private Informer<T> Informer<T>(ResourceType type, string? labelSelector = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(new KubernetesResourceSource<T>(client, type), time, loggers.CreateLogger<Informer<T>>(), labelSelector);
}

using k8s;
using k8s.Models;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Controllers;
using ServiceTokenOperator.Observability;
using ServiceTokenOperator.Providers;
using ServiceTokenOperator.Runtime;
using ServiceTokenOperator.Secrets;

namespace ServiceTokenOperator.Hosting;

/// <summary>
/// Starts the caches on every replica (followers keep them warm), and the work queues only while this replica
/// holds the Lease. Informer events become work-queue keys for the ServiceTokens this replica owns (watched
/// namespaces, shard); reconcilers do the rest. The leader also turns status transitions into Events.
/// </summary>
internal sealed class ControllerManager(IKubernetes client, OperatorOptions options, VendorRegistry vendors, OperatorMetrics metrics, TimeProvider time, ILoggerFactory loggers)
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
        var clusterId = await ClusterIdentity.ResolveAsync(client, options.ClusterId, stoppingToken);
        var macKey = await MacKeyStore.LoadOrCreateAsync(client, options.Namespace, stoppingToken);
        var settings = new OperatorSettings(clusterId, options.EffectiveClusterResourceNamespace, options.MinRotationPeriod, new SecretMac(macKey), options.IssuerRecheckInterval);

        // One watched namespace is listed and watched there alone; several are filtered from a cluster-wide watch.
        var scope = options.WatchNamespaces.Count == 1 ? options.WatchNamespaces[0] : null;
        var caches = new OperatorCaches(
            Informer<ServiceToken>(ServiceTokenReconciler.Resource, options.Selector, scope),
            Informer<TokenIssuer>(IssuerReconciler.TokenIssuers, null, scope),
            Informer<ClusterTokenIssuer>(IssuerReconciler.ClusterTokenIssuers),
            Informer<V1Secret>(new ResourceType("", "v1", "secrets", Namespaced: true), SecretLabels.ManagedBySelector, scope));
        _caches = caches;

        var writer = new StatusWriter(client);
        var providers = new ProviderCache(client, vendors, settings, time, metrics);
        var tokens = new ServiceTokenReconciler(caches, client, writer, providers, vendors, settings, time, loggers.CreateLogger<ServiceTokenReconciler>());
        var issuers = new IssuerReconciler(caches, writer, providers, vendors, settings, time, loggers.CreateLogger<IssuerReconciler>());
        var events = new EventRecorder(client, new EventCorrelator(time), time, options.Identity, loggers.CreateLogger<EventRecorder>());
        using var tokenQueue = new WorkQueue<ObjectKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<ObjectKey>>());
        using var issuerQueue = new WorkQueue<IssuerKey>(time, new WorkQueueOptions(), loggers.CreateLogger<WorkQueue<IssuerKey>>());

        string? VendorOf(ServiceToken token) => caches.ResolveIssuer(token)?.Vendor;
        // Only the leader reports tokens: every replica scraped would otherwise repeat each series.
        metrics.ObserveTokens(() => _leading
            ? caches.ServiceTokens.List(t => options.Owns(t.Metadata.NamespaceProperty, t.Metadata.Name)).Select(t => StatusEvents.Row(t, VendorOf(t)))
            : []);
        metrics.ObserveQueues(() => [("servicetoken", tokenQueue.Depth), ("issuer", issuerQueue.Depth)]);

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
            Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
            if (!_leading || e.OldObject is null || e.NewObject is null || !options.Owns(token.Metadata.NamespaceProperty, token.Metadata.Name)) return;
            if (StatusEvents.ForToken(e.OldObject.Status, e.NewObject.Status) is { } happened) events.Record(e.NewObject, happened.Type, happened.Reason, happened.Message);
            if (StatusEvents.IsRotation(e.OldObject.Status, e.NewObject.Status)) metrics.RecordRotation(VendorOf(e.NewObject) ?? string.Empty);
        };
        caches.Secrets.Changed += e =>
        {
            var secret = e.Object;
            if (ServiceTokenDecision.OwnerName(secret) is { } owner) Enqueue(secret.Metadata.NamespaceProperty, owner);
        };
        caches.TokenIssuers.Changed += e =>
        {
            issuerQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(e.Object)));
            if (_leading && e is { OldObject: { } old, NewObject: { } current } && StatusEvents.ForIssuer(old.Status, current.Status) is { } happened)
                events.Record(current, happened.Type, happened.Reason, happened.Message);
        };
        caches.ClusterTokenIssuers.Changed += e =>
        {
            issuerQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(e.Object)));
            if (_leading && e is { OldObject: { } old, NewObject: { } current } && StatusEvents.ForIssuer(old.Status, current.Status) is { } happened)
                events.Record(current, happened.Type, happened.Reason, happened.Message);
        };
        issuers.ReadinessChanged += issuer => WakeTokensOf(issuer.Kind, issuer.Namespace, issuer.Name);

        var recording = events.RunAsync(stoppingToken);
        await Task.WhenAll(caches.ServiceTokens.StartAsync(stoppingToken), caches.TokenIssuers.StartAsync(stoppingToken),
            caches.ClusterTokenIssuers.StartAsync(stoppingToken), caches.Secrets.StartAsync(stoppingToken));
        await Task.WhenAll(caches.ServiceTokens.WaitForSyncAsync(stoppingToken), caches.TokenIssuers.WaitForSyncAsync(stoppingToken),
            caches.ClusterTokenIssuers.WaitForSyncAsync(stoppingToken), caches.Secrets.WaitForSyncAsync(stoppingToken));

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
                foreach (var issuer in caches.TokenIssuers.List()) issuerQueue.Add(new IssuerKey(TokenIssuer.KindName, ObjectKey.Of(issuer)));
                foreach (var issuer in caches.ClusterTokenIssuers.List()) issuerQueue.Add(new IssuerKey(ClusterTokenIssuer.KindName, ObjectKey.Of(issuer)));
                foreach (var token in caches.ServiceTokens.List()) Enqueue(token.Metadata.NamespaceProperty, token.Metadata.Name);
                await Task.WhenAll(
                    tokenQueue.RunAsync(options.Workers, reconcileToken, leading),
                    issuerQueue.RunAsync(2, reconcileIssuer, leading));
            }
            finally
            {
                _leading = false;
            }
        }, stoppingToken);
        await recording;
    }

    private Informer<T> Informer<T>(ResourceType type, string? labelSelector = null, string? namespaceScope = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(new KubernetesResourceSource<T>(client, type, namespaceScope), time, loggers.CreateLogger<Informer<T>>(), labelSelector);
}

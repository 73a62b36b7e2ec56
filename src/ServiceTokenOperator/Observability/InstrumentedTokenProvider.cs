using System.Diagnostics;
using System.Runtime.CompilerServices;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Wraps every vendor's provider the same way: a client span per operation (the HTTP or gRPC calls nest under it),
/// a request counter and duration by vendor, operation and outcome, and the time spent added to the reconcile's
/// <see cref="ReconcileWaits"/>. Only ids and outcomes are recorded, never a request or a result.
/// </summary>
internal sealed class InstrumentedTokenProvider(ITokenProvider inner, string vendor, OperatorMetrics metrics) : ITokenProvider, IDisposable
{
    public ITokenProvider Inner => inner;

    public Task CheckCredentialAsync(CancellationToken cancellationToken) =>
        RunAsync("check_credential", null, async () =>
        {
            await inner.CheckCredentialAsync(cancellationToken);
            return true;
        });

    public Task<IssuedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken) =>
        RunAsync("create", null, () => inner.CreateAsync(request, cancellationToken));

    public Task VerifyAsync(IssuedToken token, CancellationToken cancellationToken) =>
        RunAsync("verify", token.TokenId, async () =>
        {
            await inner.VerifyAsync(token, cancellationToken);
            return true;
        });

    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken)
    {
        await RunAsync("revoke", tokenId, async () =>
        {
            await inner.RevokeAsync(tokenId, cancellationToken);
            return true;
        });
        metrics.RecordRevocation(vendor);
    }

    public Task<bool> UpdateGrantsAsync(string tokenId, ServiceTokenSpec spec, CancellationToken cancellationToken) =>
        RunAsync("update-grants", tokenId, () => inner.UpdateGrantsAsync(tokenId, spec, cancellationToken));

    public async IAsyncEnumerable<VendorToken> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The whole enumeration counts as one operation: pages are fetched as the caller iterates.
        using var activity = Start("list", null);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            await foreach (var token in inner.ListAsync(cancellationToken).WithCancellation(cancellationToken))
                yield return token;
            outcome = "success";
        }
        finally
        {
            Finish(activity, "list", outcome, started);
        }
    }

    public void Dispose()
    {
        if (inner is IDisposable disposable) disposable.Dispose();
    }

    private async Task<T> RunAsync<T>(string operation, string? tokenId, Func<Task<T>> call)
    {
        using var activity = Start(operation, tokenId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call();
            outcome = "success";
            return result;
        }
        catch (VendorException e)
        {
            outcome = OutcomeOf(e.Kind);
            activity?.SetStatus(ActivityStatusCode.Error, e.Kind.ToString());
            throw;
        }
        catch (OperationCanceledException)
        {
            outcome = "canceled";
            throw;
        }
        finally
        {
            Finish(activity, operation, outcome, started);
        }
    }

    private Activity? Start(string operation, string? tokenId)
    {
        var activity = OperatorTelemetry.Source.StartActivity($"{vendor} {operation}", ActivityKind.Client);
        activity?.SetTag("servicetoken.vendor", vendor);
        activity?.SetTag("servicetoken.operation", operation);
        if (tokenId is not null) activity?.SetTag("servicetoken.token_id", tokenId);
        return activity;
    }

    private void Finish(Activity? activity, string operation, string outcome, long started)
    {
        var elapsed = Stopwatch.GetTimestamp() - started;
        ReconcileWaits.AddVendor(elapsed);
        activity?.SetTag("servicetoken.outcome", outcome);
        metrics.RecordProviderRequest(vendor, operation, outcome, Stopwatch.GetElapsedTime(0, elapsed));
    }

    private static string OutcomeOf(VendorErrorKind kind) => kind switch
    {
        VendorErrorKind.RateLimited => "rate_limited",
        VendorErrorKind.CredentialRejected => "credential_rejected",
        VendorErrorKind.PermissionDenied => "permission_denied",
        VendorErrorKind.InvalidRequest => "invalid_request",
        VendorErrorKind.NotFound => "not_found",
        _ => "unavailable",
    };
}
